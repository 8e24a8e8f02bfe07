/**
 * Main's identity and stance requests (main/services/report-requests.ts), as both hosts
 * serve them: a real identity on disk signs; bad input is refused with the user's
 * message and leaves the report exactly as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { Identity } from '../../main/services/identity.ts';
import { stanceHandlers } from '../../main/services/report-requests.ts';
import { ApiError, validateRequest } from '../../shared/api.ts';
import { addMember, readRoster } from '../../shared/roster.ts';
import { parseEndorsement, verifyEndorsement, MAX_NOTE } from '../../shared/endorsement.ts';
import { endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import { REPORT_ID, blocksOf, makeReport, setParagraphText } from '../unit/endorsement-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'plenary-stance-requests-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setUp(name: string) {
  const { doc, members } = makeReport([['h1-a', 'Introduction'], ['p-one', 'First paragraph.'], ['p-two', 'Second paragraph.'], ['h1-b', 'Next']], 3);
  const unclaimed = addMember(doc, {
    name: 'Dana Okafor', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', role: 'member', publicKey: '',
  }, Origin.seed);
  const identity = Identity.open(join(root, name));
  const handlers = stanceHandlers(doc, () => identity);
  const hash = (id: string): string => blocksOf(doc).byId.get(id)!.textHash;
  return { doc, members, unclaimed, identity, handlers, hash };
}

function snapshot(doc: Y.Doc): string {
  return Buffer.from(Y.encodeStateVector(doc)).toString('hex');
}

describe('identity and signing in main', () => {
  it('knows the user by key once they said which roster entry is theirs', () => {
    const { handlers, identity, unclaimed, members } = setUp('claim');
    expect(handlers.identity()).toEqual({ publicKey: identity.publicKey(), memberId: null });
    expect(() => handlers.claimMember(members[1]!.member.id)).toThrow(/already holds another person's key/);
    expect(handlers.claimMember(unclaimed.id).publicKey).toBe(identity.publicKey());
    expect(handlers.identity().memberId).toBe(unclaimed.id);
  });

  it('refuses a stance from someone not on the roster, without touching the report', () => {
    const { doc, handlers, hash } = setUp('stranger');
    const before = snapshot(doc);
    expect(() => handlers.takeStance({ blocks: [{ blockId: 'p-one', textHash: hash('p-one') }], stance: 'endorse', note: '' }))
      .toThrow(/I am …/);
    expect(snapshot(doc)).toBe(before);
  });

  it('signs and stores a stance that verifies against the user\'s key and counts', () => {
    const { doc, handlers, identity, unclaimed, hash } = setUp('sign');
    handlers.claimMember(unclaimed.id);
    const [stance] = handlers.takeStance({ blocks: [{ blockId: 'p-one', textHash: hash('p-one') }], stance: 'endorse', note: '' });
    expect(stance).toMatchObject({ blockId: 'p-one', memberId: unclaimed.id, stance: 'endorse', text: 'First paragraph.' });
    expect(verifyEndorsement(REPORT_ID, stance!, identity.publicKey())).toBe(true);
    const stored = parseEndorsement(endorsementsOf(doc).get(`p-one:${unclaimed.id}`));
    expect(stored).toEqual(stance);
    const { engine } = bindConsensusToDoc(doc, blocksOf(doc), new SignatureVerifier(REPORT_ID));
    expect(engine.stance(`p-one:${unclaimed.id}`)?.status).toBe('current');
    expect(engine.result('p-one')!.tally[2]!.endorse).toBe(1);
  });

  it('refuses bad stances with clear messages and leaves the report as it was', () => {
    const { doc, handlers, unclaimed, hash } = setUp('refusals');
    handlers.claimMember(unclaimed.id);
    const before = snapshot(doc);
    const one = [{ blockId: 'p-one', textHash: hash('p-one') }];
    expect(() => handlers.takeStance({ blocks: one, stance: 'object', note: '  ' })).toThrow('An objection needs a note saying why.');
    expect(() => handlers.takeStance({ blocks: one, stance: 'reserve', note: '' })).toThrow('A reservation needs a note saying what it is.');
    expect(() => handlers.takeStance({ blocks: one, stance: 'object', note: 'x'.repeat(MAX_NOTE + 1) })).toThrow(/A note is at most 2,000 characters/);
    expect(() => handlers.takeStance({ blocks: one, stance: 'applaud', note: '' })).toThrow(/A stance is one of endorse, accept, reserve, object/);
    expect(() => handlers.takeStance({ blocks: [{ blockId: 'p-gone', textHash: hash('p-one') }], stance: 'endorse', note: '' }))
      .toThrow(/That paragraph no longer exists/);
    for (const attempt of [
      () => handlers.takeStance({ blocks: one, stance: 'object', note: '' }),
      () => handlers.takeStance({ blocks: [{ blockId: 'p-gone', textHash: hash('p-one') }], stance: 'endorse', note: '' }),
    ]) {
      try {
        attempt();
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
      }
    }
    expect(snapshot(doc)).toBe(before);
  });

  it('refuses to sign a text the user did not read (the paragraph changed meanwhile)', () => {
    const { doc, handlers, unclaimed, hash } = setUp('changed');
    handlers.claimMember(unclaimed.id);
    const seen = hash('p-one');
    setParagraphText(doc, 'p-one', 'First paragraph, amended by someone else.');
    const before = snapshot(doc);
    expect(() => handlers.takeStance({ blocks: [{ blockId: 'p-one', textHash: seen }], stance: 'endorse', note: '' }))
      .toThrow(/changed while you were reading it/);
    expect(snapshot(doc)).toBe(before);
  });

  it('endorses a section in one step, all its blocks or none', () => {
    const { doc, handlers, unclaimed, hash } = setUp('section');
    handlers.claimMember(unclaimed.id);
    const section = ['h1-a', 'p-one', 'p-two'].map((blockId) => ({ blockId, textHash: hash(blockId) }));
    const before = snapshot(doc);
    expect(() => handlers.takeStance({ blocks: [...section, { blockId: 'p-gone', textHash: hash('p-one') }], stance: 'endorse', note: '' })).toThrow();
    expect(snapshot(doc)).toBe(before);
    let transactions = 0;
    doc.on('afterTransaction', () => (transactions += 1));
    expect(handlers.takeStance({ blocks: section, stance: 'endorse', note: '' })).toHaveLength(3);
    expect(transactions).toBe(1);
    expect([...endorsementsOf(doc).keys()].filter((k) => k.endsWith(unclaimed.id)).sort()).toEqual(['h1-a', 'p-one', 'p-two'].map((b) => `${b}:${unclaimed.id}`));
    expect(handlers.withdrawStance(['p-one', 'p-two'])).toBe(2);
    expect(endorsementsOf(doc).has(`p-one:${unclaimed.id}`)).toBe(false);
    expect(readRoster(doc).get(unclaimed.id)?.publicKey).not.toBe('');
  });

  it('validates request arguments before any handler sees them', () => {
    expect(() => validateRequest('takeStance', [{ blocks: [], stance: 'endorse' }])).toThrow('Name at least one paragraph to take a stance on.');
    expect(() => validateRequest('takeStance', [{ blocks: [{ blockId: 'a b', textHash: 'x' }], stance: 'endorse' }])).toThrow(ApiError);
    expect(() => validateRequest('takeStance', [{ blocks: [{ blockId: 'p1', textHash: 'ab' }], stance: 'endorse' }])).toThrow('Each paragraph needs the hash of the text you read.');
    expect(() => validateRequest('claimMember', [42])).toThrow(ApiError);
    expect(() => validateRequest('identity', ['x'])).toThrow('This request takes no arguments.');
    expect(validateRequest('withdrawStance', [['p1']]).args).toEqual([['p1']]);
  });
});
