// Stances taken offline on several laptops, then merged through main's ReportSession
// (the Yjs sync protocol over the same message framing as IPC and WebSocket) into a
// report saved in a real SQLite file: every peer, main and the reopened file must agree.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { ReportSession } from '../../main/services/report-session.ts';
import { ReportStore } from '../../main/services/report-store.ts';
import { connectToSession as connect } from './session-peer.ts';
import { createReportDoc, endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import type { ConsensusEngine } from '../../shared/consensus/engine.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { signEndorsement } from '../../shared/endorsement.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { textHash } from '../../shared/text-hash.ts';
import { blocksOf, deleteBlock, fork, makeReport, REPORT_ID, setParagraphText, take, type TestMember } from '../unit/endorsement-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'plenary-endorse-peers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PARAGRAPHS: [string, string][] = [
  ['h1-a', 'I. The WGIG mandate'], ['p-0001', 'Develop a working definition of Internet governance.'],
  ['p-0002', 'Identify the public policy issues.'], ['p-0003', 'Develop a common understanding of roles.'],
];

/** Main on the host: the report file, its Y.Doc and the session peers sync through. */
function openHost(name: string, seed: Y.Doc): { session: ReportSession; store: ReportStore; path: string } {
  const path = join(root, `${name}.plenary`);
  const store = ReportStore.create(path, { reportId: REPORT_ID, initialUpdate: Y.encodeStateAsUpdate(seed) });
  const doc = createReportDoc();
  Y.applyUpdate(doc, store.loadState(), Origin.load);
  return { session: new ReportSession(doc, (update) => store.append(update)), store, path };
}

function engineOf(doc: Y.Doc): ConsensusEngine {
  return bindConsensusToDoc(doc, blocksOf(doc), new SignatureVerifier(REPORT_ID)).engine;
}

/** What a user sees of the consensus, comparable across peers. */
function view(doc: Y.Doc): unknown {
  const engine = engineOf(doc);
  return {
    readiness: engine.readiness(),
    objections: engine.objectionsStanding(),
    blocks: engine.blocks.blocks.map((b) => [b.id, b.text, engine.result(b.id)?.states, engine.stancesOn(b.id).map((s) => [s.memberId, s.status, s.endorsement?.stance])]),
    detached: engine.detached().map((d) => [d.stance.key, d.lastText]),
    unverified: engine.unverified().map((s) => s.key),
  };
}

function reopened(path: string): Y.Doc {
  const store = ReportStore.open(path);
  const doc = createReportDoc();
  Y.applyUpdate(doc, store.loadState(), Origin.load);
  store.close();
  return doc;
}

describe('stances from offline peers merged through main', () => {
  it('two peers who both took a stance on one paragraph keep both, on every peer, in main and in the file', () => {
    const { doc: seed, members } = makeReport(PARAGRAPHS, 4);
    const host = openHost('two-peers', seed);
    const laptopA = fork(seed);
    const laptopB = fork(seed);
    take(laptopA, members[1]!, 'p-0001', 'endorse');
    take(laptopB, members[2]!, 'p-0001', 'reserve', 'Name the actors.');
    const disconnect = [connect(host.session, laptopA), connect(host.session, laptopB)];
    const expected = view(host.session.doc);
    expect(view(laptopA)).toEqual(expected);
    expect(view(laptopB)).toEqual(expected);
    const stances = engineOf(laptopA).stancesOn('p-0001');
    expect(stances.map((s) => [s.memberId, s.status, s.endorsement?.stance])).toEqual([
      [members[1]!.member.id, 'current', 'endorse'], [members[2]!.member.id, 'current', 'reserve'],
    ]);
    disconnect.forEach((d) => d());
    host.store.flush();
    expect(view(reopened(host.path))).toEqual(expected);
    host.session.destroy();
    host.store.close();
  });

  it('three peers: concurrent stances of one member, an edit and a deletion all resolve the same everywhere', () => {
    const { doc: seed, members } = makeReport(PARAGRAPHS, 6);
    const host = openHost('three-peers', seed);
    const [one, two, three] = [fork(seed, 101), fork(seed, 202), fork(seed, 303)];
    const alice: TestMember = members[1]!;
    // Alice on two devices, offline: the later stance must win everywhere.
    take(one, alice, 'p-0001', 'accept', undefined, '2026-11-28T09:00:00.000Z');
    take(two, alice, 'p-0001', 'endorse', undefined, '2026-11-28T09:30:00.000Z');
    // Peer one endorses p-0002 while peer two rewrites it and peer three deletes p-0003.
    take(one, members[2]!, 'p-0002', 'endorse');
    take(one, members[3]!, 'p-0003', 'object', 'Roles are for governments to decide.');
    setParagraphText(two, 'p-0002', 'Identify the public policy issues that are relevant.');
    deleteBlock(three, 'p-0003');

    const disconnect = [connect(host.session, one), connect(host.session, two), connect(host.session, three)];
    const expected = view(host.session.doc);
    for (const peer of [one, two, three]) expect(view(peer)).toEqual(expected);

    const engine = engineOf(three);
    expect(engine.stance(endorsementKey('p-0001', alice.member.id))?.endorsement?.stance).toBe('endorse');
    expect(engine.stance(endorsementKey('p-0002', members[2]!.member.id))?.status).toBe('stale');
    expect(engine.detached().map((d) => [d.stance.memberId, d.lastText])).toEqual([[members[3]!.member.id, 'Develop a common understanding of roles.']]);
    expect(engine.objectionsStanding()).toBe(0);

    disconnect.forEach((d) => d());
    host.store.flush();
    expect(view(reopened(host.path))).toEqual(expected);
    host.session.destroy();
    host.store.close();
  });

  it('a stance forged by a connected peer reaches everyone as unverified and counts nowhere', () => {
    // Members 0–3 speak for the four groups; member 4 (a government) has said nothing.
    const { doc: seed, members } = makeReport(PARAGRAPHS, 5);
    const host = openHost('forged', seed);
    const honest = fork(seed);
    const attacker = fork(seed);
    const disconnect = [connect(host.session, honest), connect(host.session, attacker)];
    for (const m of members.slice(0, 4)) take(honest, m, 'p-0002', 'endorse');
    const before = view(honest);
    expect((before as { readiness: { recognized: number } }).readiness.recognized).toBe(1);
    const text = 'Identify the public policy issues.';
    const forged = signEndorsement(REPORT_ID, {
      blockId: 'p-0002', memberId: members[4]!.member.id, stance: 'object', textHash: textHash(text), text, note: 'Forged.', at: '2026-11-28T12:00:00.000Z',
    }, generateKeyPair().privateKey);
    attacker.transact(() => endorsementsOf(attacker).set(endorsementKey('p-0002', members[4]!.member.id), forged), Origin.local);
    for (const doc of [honest, host.session.doc]) {
      const engine = engineOf(doc);
      expect(engine.unverified().map((s) => s.key)).toEqual([endorsementKey('p-0002', members[4]!.member.id)]);
      expect(engine.objectionsStanding()).toBe(0);
      expect(engine.readiness()).toEqual((before as { readiness: unknown }).readiness);
    }
    disconnect.forEach((d) => d());
    host.session.destroy();
    host.store.close();
  });
});
