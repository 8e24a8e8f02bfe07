// Stances under concurrency and under attack, at the Y.Doc level: what every peer sees
// after merging, and what a malicious peer writing the map directly can achieve.
import { describe, expect, it } from 'vitest';
import { endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { prepareStance, signEndorsement } from '../../shared/endorsement.ts';
import { candidatesAt, endorsementKey } from '../../shared/endorsement-store.ts';
import { classifyKey, SignatureVerifier, type ClassifyContext } from '../../shared/stance-status.ts';
import { readRoster } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import type * as Y from 'yjs';
import { blocksOf, contextOf, deleteBlock, fork, makeReport, REPORT_ID, sync, take } from './endorsement-fixtures.ts';

function ctx(doc: Y.Doc): ClassifyContext {
  const blocks = blocksOf(doc);
  return { roster: readRoster(doc), blockHash: (id) => blocks.byId.get(id)?.textHash, verifier: new SignatureVerifier(REPORT_ID) };
}

function statusOf(doc: Y.Doc, blockId: string, memberId: string): string | undefined {
  return classifyKey(endorsementsOf(doc), endorsementKey(blockId, memberId), ctx(doc))?.status;
}

const PARAGRAPHS: [string, string][] = [['h1-a', 'I. Scope'], ['p-0001', 'The forum should be open to all.'], ['p-0002', 'It meets yearly.']];

describe('a malicious peer editing the endorsements map directly', () => {
  const { doc, members } = makeReport(PARAGRAPHS, 4);
  const [, alice, bob] = members as [typeof members[0], typeof members[0], typeof members[0]];
  const map = endorsementsOf(doc);
  const fieldsFor = (memberId: string, blockId: string, stance: string, note?: string) =>
    prepareStance({ ...contextOf(doc), roster: readRoster(doc) }, { blockId, memberId, stance, note });

  it('cannot forge a stance with a key that is not the member\'s', () => {
    const forged = signEndorsement(REPORT_ID, fieldsFor(alice.member.id, 'p-0001', 'object', 'Forged.'), generateKeyPair().privateKey);
    doc.transact(() => map.set(endorsementKey('p-0001', alice.member.id), forged), Origin.remote);
    const result = classifyKey(map, endorsementKey('p-0001', alice.member.id), ctx(doc));
    expect(result?.status).toBe('unverified');
    expect(result?.reason).toMatch(/signature does not match/);
  });

  it('cannot alter a note after signing', () => {
    const real = take(doc, bob, 'p-0002', 'reserve', 'Only if funded.');
    doc.transact(() => map.set(endorsementKey('p-0002', bob.member.id), { ...real, note: 'Fully agree.' }), Origin.remote);
    expect(statusOf(doc, 'p-0002', bob.member.id)).toBe('unverified');
  });

  it('cannot replay a valid stance onto another block\'s key', () => {
    const real = take(doc, alice, 'p-0002', 'endorse');
    doc.transact(() => map.set(endorsementKey('p-0001', alice.member.id), real), Origin.remote);
    const result = classifyKey(map, endorsementKey('p-0001', alice.member.id), ctx(doc));
    expect(result?.status).toBe('unverified');
    expect(result?.reason).toMatch(/replayed/);
    expect(statusOf(doc, 'p-0002', alice.member.id)).toBe('current');
  });

  it('cannot add a stance for a member who is not on the roster', () => {
    const stranger = generateKeyPair();
    const fields = { ...fieldsFor(alice.member.id, 'p-0001', 'endorse'), memberId: 'm-stranger' };
    doc.transact(() => map.set(endorsementKey('p-0001', 'm-stranger'), signEndorsement(REPORT_ID, fields, stranger.privateKey)), Origin.remote);
    const result = classifyKey(map, endorsementKey('p-0001', 'm-stranger'), ctx(doc));
    expect(result?.status).toBe('unverified');
    expect(result?.reason).toMatch(/not on the roster/);
  });

  it('cannot pass off garbage as a stance', () => {
    doc.transact(() => map.set(endorsementKey('p-0001', bob.member.id), { stance: 'endorse' }), Origin.remote);
    expect(statusOf(doc, 'p-0001', bob.member.id)).toBe('unverified');
  });
});

describe('stances taken offline by several peers', () => {
  it('two peers who both take a stance on one block keep both after merging', () => {
    const { doc: a, members } = makeReport(PARAGRAPHS, 4);
    const b = fork(a);
    take(a, members[1]!, 'p-0001', 'endorse');
    take(b, members[2]!, 'p-0001', 'object', 'Not open enough.');
    sync(a, b);
    for (const peer of [a, b]) {
      expect(statusOf(peer, 'p-0001', members[1]!.member.id)).toBe('current');
      expect(statusOf(peer, 'p-0001', members[2]!.member.id)).toBe('current');
    }
  });

  it('one member\'s two concurrent stances resolve to the later one on every peer, whichever client id wins in Yjs', () => {
    const yjsWinners = new Set<unknown>();
    for (const [idA, idB] of [[1000, 2000], [2000, 1000]] as const) {
      const { doc: origin, members } = makeReport(PARAGRAPHS, 3);
      const a = fork(origin, idA);
      const b = fork(origin, idB);
      const alice = members[1]!;
      take(a, alice, 'p-0001', 'endorse', undefined, '2026-11-28T10:00:00.000Z');
      take(b, alice, 'p-0001', 'object', 'Changed my mind.', '2026-11-28T11:00:00.000Z');
      // Engines already running on each peer must follow the merge, whichever write Yjs shows.
      const live = [a, b].map((peer) => bindConsensusToDoc(peer, blocksOf(peer), new SignatureVerifier(REPORT_ID)).engine);
      sync(a, b);
      const key = endorsementKey('p-0001', alice.member.id);
      for (const engine of live) {
        expect(engine.stance(key)?.endorsement?.stance).toBe('object');
        expect(engine.objectionsStanding()).toBe(1);
      }
      expect(candidatesAt(endorsementsOf(a), key)).toHaveLength(2);
      yjsWinners.add((endorsementsOf(a).get(key) as { stance: string }).stance);
      for (const peer of [a, b]) {
        const shown = classifyKey(endorsementsOf(peer), key, ctx(peer));
        expect(shown?.endorsement?.stance).toBe('object');
        expect(shown?.status).toBe('current');
      }
    }
    // Y.Map alone shows the earlier stance in one of the two orders: the rule above is ours.
    expect(yjsWinners).toEqual(new Set(['endorse', 'object']));
  });

  it('a stance renewed after seeing the earlier one replaces it, whatever the clocks say', () => {
    const { doc: a, members } = makeReport(PARAGRAPHS, 3);
    const alice = members[1]!;
    take(a, alice, 'p-0001', 'endorse', undefined, '2026-11-28T12:00:00.000Z');
    take(a, alice, 'p-0001', 'accept', undefined, '2026-11-28T09:00:00.000Z');
    const key = endorsementKey('p-0001', alice.member.id);
    expect(candidatesAt(endorsementsOf(a), key)).toHaveLength(1);
    expect(classifyKey(endorsementsOf(a), key, ctx(a))?.endorsement?.stance).toBe('accept');
  });

  it('a forged concurrent write cannot hide a member\'s valid stance', () => {
    const { doc: origin, members } = makeReport(PARAGRAPHS, 3);
    const a = fork(origin, 5000);
    const b = fork(origin, 10);
    const alice = members[1]!;
    const valid = take(a, alice, 'p-0001', 'endorse', undefined, '2026-11-28T10:00:00.000Z');
    const key = endorsementKey('p-0001', alice.member.id);
    b.transact(() => endorsementsOf(b).set(key, { ...valid, stance: 'accept', at: '2026-11-28T23:00:00.000Z' }), Origin.local);
    sync(a, b);
    expect(classifyKey(endorsementsOf(b), key, ctx(b))?.endorsement?.stance).toBe('endorse');
  });

  it('a stance on a block deleted concurrently is kept, detached, with the text it was given on', () => {
    const { doc: a, members } = makeReport(PARAGRAPHS, 3);
    const b = fork(a);
    take(a, members[1]!, 'p-0002', 'endorse');
    deleteBlock(b, 'p-0002');
    sync(a, b);
    for (const peer of [a, b]) {
      const shown = classifyKey(endorsementsOf(peer), endorsementKey('p-0002', members[1]!.member.id), ctx(peer));
      expect(shown?.status).toBe('detached');
      expect(shown?.endorsement?.text).toBe('It meets yearly.');
    }
  });
});

describe('text with half an emoji (a lone UTF-16 surrogate left by a deletion)', () => {
  it('a stance signed on it still verifies on another peer after Yjs stored it as UTF-8', () => {
    const { doc, members } = makeReport([['p-0001', 'Agreed \uD83D text.']], 2);
    const [, alice] = members as [typeof members[0], typeof members[0]];
    take(doc, alice, 'p-0001', 'reserve', 'Only \uDE00 if funded.');
    const other = fork(doc);
    expect(statusOf(other, 'p-0001', alice.member.id)).toBe('current');
    expect(statusOf(doc, 'p-0001', alice.member.id)).toBe('current');
  });
});
