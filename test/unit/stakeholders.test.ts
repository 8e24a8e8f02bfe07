import { describe, expect, it } from 'vitest';
import {
  addReportGroup, aggregateDevelopment, BUILTIN_GROUPS, labelOf, REGIONS, reportGroups, shortLabelOf, StakeholderError, takesStances,
} from '../../shared/stakeholders.ts';
import {
  activeChair, addCreatorAsChair, addMember, editMember, memberByPublicKey, readRoster, retireMember, rosterProblems,
  RosterError, transferChair, type MemberInput,
} from '../../shared/roster.ts';
import { createReportDoc, metaOf, Origin, readMeta, rosterOf } from '../../shared/ydoc.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import * as Y from 'yjs';

function input(name: string, extra: Partial<MemberInput> = {}): MemberInput {
  return {
    name, group: 'civil-society', region: 'latin-american-caribbean', development: 'least-developed',
    gender: 'woman', role: 'member', publicKey: generateKeyPair().publicKey, ...extra,
  };
}

describe('stakeholder taxonomy', () => {
  it('names the four groups and the five UN regional groups, with short labels for chips', () => {
    expect(BUILTIN_GROUPS.map((g) => g.label)).toEqual(['Governments', 'Private sector', 'Civil society', 'International organizations']);
    expect(REGIONS.map((r) => r.label)).toEqual([
      'African States', 'Asia-Pacific States', 'Eastern European States', 'Latin American and Caribbean States', 'Western European and other States',
    ]);
    expect(shortLabelOf(REGIONS, 'latin-american-caribbean')).toBe('GRULAC');
    expect(labelOf(BUILTIN_GROUPS, 'unknown-id')).toBe('unknown-id');
  });

  it('counts least developed as developing, and only the chair and members take stances', () => {
    expect(aggregateDevelopment('least-developed')).toBe('developing');
    expect(aggregateDevelopment('developed')).toBe('developed');
    expect(['chair', 'secretariat', 'member', 'observer'].filter(takesStances)).toEqual(['chair', 'member']);
  });

  it('lets a report add groups, refusing malformed or duplicate ones without changing the doc', () => {
    const doc = createReportDoc();
    addReportGroup(doc, { id: 'academic-technical', label: 'Academic and technical community', short: 'A&T' });
    expect(reportGroups(doc).map((g) => g.id)).toEqual([...BUILTIN_GROUPS.map((g) => g.id), 'academic-technical']);
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => addReportGroup(doc, { id: 'civil-society', label: 'Again', short: 'X' })).toThrow(StakeholderError);
    expect(() => addReportGroup(doc, { id: 'Bad Id', label: 'X', short: 'X' })).toThrow(/lower-case/);
    expect(() => addReportGroup(doc, { id: 'youth', label: 'Youth', short: 'much too long' })).toThrow(/short label/);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    // A peer writing garbage into meta does not break the list.
    doc.transact(() => metaOf(doc).set('stakeholderGroups', [{ id: 'youth', label: 'Youth', short: 'Y' }, 42, { id: 'youth', label: 'Dup', short: 'D' }]), Origin.remote);
    expect(reportGroups(doc).slice(4).map((g) => g.label)).toEqual(['Youth']);
  });
});

describe('roster', () => {
  it('the creator is the chair; their key becomes the chair key in meta', () => {
    const doc = createReportDoc();
    const chair = addCreatorAsChair(doc, input('Nitin Desai', { group: 'international-organization' }));
    expect(chair.role).toBe('chair');
    expect(activeChair(readRoster(doc))?.id).toBe(chair.id);
    expect(readMeta(doc).chairPublicKey).toBe(chair.publicKey);
    expect(() => addCreatorAsChair(doc, input('Someone else'))).toThrow(/already has a chair/);
  });

  it('adds, edits and retires members; a retired record stays, marked retired', () => {
    const doc = createReportDoc();
    addCreatorAsChair(doc, input('Chair'));
    const member = addMember(doc, input('Raúl Echeberría'));
    expect(readRoster(doc).get(member.id)?.name).toBe('Raúl Echeberría');
    editMember(doc, member.id, { region: 'african', name: '  Raúl E.  ' });
    expect(readRoster(doc).get(member.id)).toMatchObject({ region: 'african', name: 'Raúl E.' });
    retireMember(doc, member.id, '2026-11-28T12:00:00.000Z');
    expect(readRoster(doc).get(member.id)?.retired).toBe('2026-11-28T12:00:00.000Z');
    expect(() => editMember(doc, member.id, { name: 'New' })).toThrow(/retired/);
    expect(() => retireMember(doc, member.id)).toThrow(/already retired/);
    expect(memberByPublicKey(readRoster(doc), member.publicKey)).toBeUndefined();
  });

  it('refuses bad records with messages that say what is wrong, leaving the doc as it was', () => {
    const doc = createReportDoc();
    const chair = addCreatorAsChair(doc, input('Chair'));
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => addMember(doc, input('', { region: 'europe' }))).toThrow(/name is 1–200 characters.*Region must be one of/);
    expect(() => addMember(doc, input('Key thief', { publicKey: chair.publicKey }))).toThrow(/already belongs to Chair/);
    expect(() => addMember(doc, input('Bad key', { publicKey: 'not-a-key' }))).toThrow(/Ed25519 public key/);
    expect(() => addMember(doc, input('Second chair', { role: 'chair' }))).toThrow(/already the chair/);
    expect(() => addMember(doc, input('Dup', { id: chair.id }))).toThrow(/already a member with id/);
    expect(() => editMember(doc, chair.id, { role: 'member' })).toThrow(/Hand the chair/);
    expect(() => retireMember(doc, chair.id)).toThrow(/chair cannot be retired/);
    expect(() => retireMember(doc, 'nobody')).toThrow(RosterError);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('hands the chair over in one step', () => {
    const doc = createReportDoc();
    const first = addCreatorAsChair(doc, input('First'));
    const second = addMember(doc, input('Second'));
    transferChair(doc, second.id);
    const roster = readRoster(doc);
    expect(roster.get(first.id)?.role).toBe('member');
    expect(activeChair(roster)?.id).toBe(second.id);
    expect(readMeta(doc).chairPublicKey).toBe(second.publicKey);
  });

  it('skips malformed entries a peer wrote and says why', () => {
    const doc = createReportDoc();
    const good = addCreatorAsChair(doc, input('Chair'));
    doc.transact(() => {
      rosterOf(doc).set('m-bad', { id: 'm-bad', name: 'X', group: 'aliens' });
      rosterOf(doc).set('m-moved', { ...good, id: 'm-elsewhere' });
    }, Origin.remote);
    expect([...readRoster(doc).keys()]).toEqual([good.id]);
    const problems = rosterProblems(doc);
    expect(problems.map((p) => p.id).sort()).toEqual(['m-bad', 'm-moved']);
    expect(problems.find((p) => p.id === 'm-bad')?.problems.join(' ')).toMatch(/Stakeholder group must be one of/);
  });

  it('accepts a base64 public key and stores it as hex', () => {
    const doc = createReportDoc();
    const keys = generateKeyPair();
    const base64 = btoa(String.fromCharCode(...(keys.publicKey.match(/../g) ?? []).map((b) => parseInt(b, 16))));
    const chair = addCreatorAsChair(doc, input('Chair', { publicKey: base64 }));
    expect(chair.publicKey).toBe(keys.publicKey);
  });
});
