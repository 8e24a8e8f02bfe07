/**
 * "I am …": the user says which roster entry is them, and that entry takes their public
 * key. Only an unclaimed entry (no key yet) or one that already holds the user's key can
 * be claimed: an entry holding someone else's key is theirs, and taking it over would
 * turn their signed stances into unverified ones.
 *
 * A key belongs to one active member at a time, so claiming an entry releases any other
 * active entry that held the user's key (a wrong pick corrected), in the same
 * transaction. Retired entries keep their keys: their past stances stay verified.
 */
import type * as Y from 'yjs';
import { Origin, type OriginName } from './ydoc.ts';
import { activeChair, editMember, isActive, readRoster, RosterError, type Member, type Roster } from './roster.ts';
import { normalizePublicKey } from './signing.ts';

/** Why the user with `publicKey` cannot claim `member`, or null when they can. */
export function claimProblem(member: Member | undefined, publicKey: string): string | null {
  if (!member) return 'There is no such member on the roster.';
  if (!isActive(member)) return `${member.name} is retired; a retired member's entry cannot be claimed.`;
  if (member.publicKey !== '' && member.publicKey !== publicKey) {
    return `${member.name}'s entry already holds another person's key; only they can use it. Ask the secretariat to correct the roster if it is wrong.`;
  }
  return null;
}

/** Makes `memberId` the user's entry; throws RosterError (doc unchanged) when it may not be. */
export function claimMember(doc: Y.Doc, memberId: string, publicKey: string, origin: OriginName = Origin.local): Member {
  const key = normalizePublicKey(publicKey);
  if (!key) throw new RosterError('Your identity key is not a valid Ed25519 public key.');
  const roster = readRoster(doc);
  const member = roster.get(memberId);
  const problem = claimProblem(member, key);
  if (problem || !member) throw new RosterError(problem ?? 'There is no such member on the roster.');
  if (member.publicKey === key) return member;
  let claimed = member;
  doc.transact(() => {
    for (const other of roster.values()) {
      if (other.id !== memberId && isActive(other) && other.publicKey === key) editMember(doc, other.id, { publicKey: '' }, origin);
    }
    claimed = editMember(doc, memberId, { publicKey: key }, origin);
  }, origin);
  return claimed;
}

/** The user's own active entry, if they have claimed one. */
export function ownMember(roster: Roster, publicKey: string | null): Member | undefined {
  if (!publicKey) return undefined;
  for (const member of roster.values()) if (isActive(member) && member.publicKey === publicKey) return member;
  return undefined;
}

/** True when the user is the report's active chair (only they choose the consensus rule). */
export function isChair(roster: Roster, publicKey: string | null): boolean {
  const chair = activeChair(roster);
  return !!chair && !!publicKey && chair.publicKey === publicKey;
}
