import { describe, expect, it } from 'vitest';
import { addMember, checkMember, readRoster, retireMember } from '../../shared/roster.ts';
import { claimMember, isChair, ownMember } from '../../shared/roster-claim.ts';
import { BUILTIN_GROUPS } from '../../shared/stakeholders.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { SignatureVerifier, classifyValue } from '../../shared/stance-status.ts';
import { makeReport, REPORT_ID, take } from './endorsement-fixtures.ts';

const unclaimed = {
  name: 'Dana Okafor', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', role: 'member' as const, publicKey: '',
};

describe('"I am …": claiming a roster entry', () => {
  it('accepts entries without a key, but never a malformed key', () => {
    expect(checkMember({ ...unclaimed, id: 'm-x' }, BUILTIN_GROUPS).problems).toEqual([]);
    expect(checkMember({ ...unclaimed, id: 'm-x', publicKey: 'abc' }, BUILTIN_GROUPS).problems).toHaveLength(1);
  });

  it('lets several unclaimed entries coexist, and an unclaimed entry verifies no stance', () => {
    const { doc, members } = makeReport([['p1', 'Text.']], 2);
    const a = addMember(doc, unclaimed, Origin.seed);
    addMember(doc, { ...unclaimed, name: 'Eli Park' }, Origin.seed);
    const stance = take(doc, members[1]!, 'p1', 'endorse');
    // A peer rewrites the stance as Dana's: with no key, nothing verifies for her.
    const forged = { ...stance, memberId: a.id };
    const verdict = classifyValue(`p1:${a.id}`, forged, {
      roster: readRoster(doc), blockHash: () => stance.textHash, verifier: new SignatureVerifier(REPORT_ID),
    });
    expect(verdict.status).toBe('unverified');
    expect(endorsementsOf(doc).size).toBe(1);
  });

  it('claims an unclaimed entry or the user\'s own, moves the key off a wrong pick, refuses someone else\'s', () => {
    const { doc, members } = makeReport([['p1', 'Text.']], 2);
    const dana = addMember(doc, unclaimed, Origin.seed);
    const eli = addMember(doc, { ...unclaimed, name: 'Eli Park' }, Origin.seed);
    const mine = generateKeyPair().publicKey;
    claimMember(doc, eli.id, mine);
    expect(ownMember(readRoster(doc), mine)?.id).toBe(eli.id);
    claimMember(doc, eli.id, mine);
    claimMember(doc, dana.id, mine);
    const roster = readRoster(doc);
    expect(ownMember(roster, mine)?.id).toBe(dana.id);
    expect(roster.get(eli.id)?.publicKey).toBe('');
    expect(() => claimMember(doc, members[1]!.member.id, mine)).toThrow(/already holds another person's key/);
    retireMember(doc, eli.id);
    expect(() => claimMember(doc, eli.id, mine)).toThrow(/retired/);
    expect(() => claimMember(doc, 'nobody', mine)).toThrow(/no such member/);
  });

  it('knows the chair by key', () => {
    const { doc, members } = makeReport([['p1', 'Text.']], 2);
    const roster = readRoster(doc);
    expect(isChair(roster, members[0]!.member.publicKey)).toBe(true);
    expect(isChair(roster, members[1]!.member.publicKey)).toBe(false);
    expect(isChair(roster, null)).toBe(false);
  });
});
