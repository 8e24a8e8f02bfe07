// Main takes stances for the user: checked against main's copy, signed with the identity
// kept in the data directory, stored so that every engine counts them.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { Identity } from '../../main/services/identity.ts';
import { StanceService } from '../../main/services/stances.ts';
import { addMember } from '../../shared/roster.ts';
import { endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { nativeVerifyBytes } from '../../main/services/native-ed25519.ts';
import { blocksOf, makeReport, REPORT_ID, setParagraphText } from '../unit/endorsement-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'plenary-stances-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PARAGRAPHS: [string, string][] = [['h1-a', 'I. Findings'], ['p-0001', 'One.'], ['p-0002', 'Two.'], ['h1-b', 'II. Proposals'], ['p-0003', 'Three.']];

function setup(): { doc: Y.Doc; service: StanceService; identity: Identity } {
  const { doc } = makeReport(PARAGRAPHS, 3);
  const identity = Identity.open(join(root, `user-${Math.random().toString(36).slice(2)}`));
  addMember(doc, {
    id: 'm-me', name: 'Me', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', role: 'member', publicKey: identity.publicKey(),
  }, Origin.seed);
  return { doc, service: new StanceService(doc, identity), identity };
}

describe('stances taken by main for the user', () => {
  it('signs with the user\'s identity, and the stance counts, until the text changes', () => {
    const { doc, service } = setup();
    const { engine } = bindConsensusToDoc(doc, blocksOf(doc), new SignatureVerifier(REPORT_ID, nativeVerifyBytes));
    expect(service.me()?.id).toBe('m-me');
    service.take('p-0001', 'endorse');
    expect(engine.stance('p-0001:m-me')?.status).toBe('current');
    setParagraphText(doc, 'p-0001', 'One, amended.');
    expect(() => service.take('p-0001', 'object')).toThrow(/objection needs a note/);
    const renewed = service.take('p-0001', 'accept');
    expect(renewed.text).toBe('One, amended.');
    expect(service.withdraw('p-0001')).toBe(true);
    expect(endorsementsOf(doc).has('p-0001:m-me')).toBe(false);
  });

  it('endorses a whole section in one step, or nothing when one block refuses', () => {
    const { doc, service } = setup();
    const stored = service.takeOnSection('h1-a', 'endorse');
    expect(stored.map((e) => e.blockId)).toEqual(['h1-a', 'p-0001', 'p-0002']);
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => service.takeOnSection('h1-b', 'reserve', 'x'.repeat(5000))).toThrow(/at most 2,000 characters/);
    expect(() => service.takeOnSection('nope', 'endorse')).toThrow(/section no longer exists/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('refuses a user whose key is not on the roster', () => {
    const { doc } = makeReport(PARAGRAPHS, 2);
    const service = new StanceService(doc, Identity.open(join(root, 'stranger')));
    expect(() => service.take('p-0001', 'endorse')).toThrow(/not on this report's roster/);
  });
});
