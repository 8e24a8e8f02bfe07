import { describe, expect, it } from 'vitest';
import { linkAccess } from '../../shared/link-access.ts';
import type { Member } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';

const chairKey = generateKeyPair().publicKey;
const memberKey = generateKeyPair().publicKey;
const observerKey = generateKeyPair().publicKey;
const retiredKey = generateKeyPair().publicKey;
const strangerKey = generateKeyPair().publicKey;

function member(id: string, role: Member['role'], publicKey: string, retired?: string): Member {
  return { id, name: id, group: 'government', region: 'western-european-other', development: 'developed', gender: 'woman', role, publicKey, ...(retired ? { retired } : {}) };
}

const roster = new Map<string, Member>([
  ['m-chair', member('m-chair', 'chair', chairKey)],
  ['m-member', member('m-member', 'member', memberKey)],
  ['m-observer', member('m-observer', 'observer', observerKey)],
  ['m-retired', member('m-retired', 'member', retiredKey, '2026-11-01T00:00:00.000Z')],
  ['m-unclaimed', member('m-unclaimed', 'member', '')],
  ['m-unclaimed-observer', member('m-unclaimed-observer', 'observer', '')],
]);

describe('who a members-only server lets in, by its copy of the roster', () => {
  it('lets active members in to write, and observers to read only', () => {
    expect(linkAccess(roster, chairKey, '')).toMatchObject({ access: 'write', member: { id: 'm-chair' } });
    expect(linkAccess(roster, memberKey, 'm-member')).toMatchObject({ access: 'write', member: { id: 'm-member' } });
    expect(linkAccess(roster, observerKey, '')).toMatchObject({ access: 'read', member: { id: 'm-observer' } });
  });

  it('lets in a member who said which entry is them when the server\'s copy has no key there yet, as that entry\'s role allows', () => {
    expect(linkAccess(roster, strangerKey, 'm-unclaimed')).toMatchObject({ access: 'write', member: { id: 'm-unclaimed' } });
    expect(linkAccess(roster, strangerKey, 'm-unclaimed-observer')).toMatchObject({ access: 'read' });
  });

  it('refuses a claim of an entry that holds someone else\'s key, or of a retired one', () => {
    expect(linkAccess(roster, strangerKey, 'm-member')).toEqual({ refused: 'not-listed' });
    expect(linkAccess(roster, strangerKey, 'm-retired')).toEqual({ refused: 'not-listed' });
  });

  it('refuses a retired member, and anyone not on the roster', () => {
    expect(linkAccess(roster, retiredKey, 'm-retired')).toEqual({ refused: 'retired' });
    expect(linkAccess(roster, strangerKey, '')).toEqual({ refused: 'not-listed' });
    expect(linkAccess(roster, strangerKey, 'm-nobody')).toEqual({ refused: 'not-listed' });
  });

  it('lets anyone in while no active entry holds a key (a report being set up, or one the server lacks)', () => {
    expect(linkAccess(new Map(), strangerKey, '')).toEqual({ access: 'write', member: null });
    const unclaimed = new Map([...roster].filter(([, m]) => m.publicKey === '' || m.retired));
    expect(linkAccess(unclaimed, strangerKey, '')).toEqual({ access: 'write', member: null });
  });
});
