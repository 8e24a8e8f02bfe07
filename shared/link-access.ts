/**
 * Who a members-only server lets in to a report, and how, by its own copy of the roster
 * (the server has no other list): the person a link token proved (link-token.ts) is
 *
 * - an active member whose entry holds their key: in, to read and write; an observer
 *   (DESIGN: "observers connect read-only"): in, to read;
 * - someone whose copy says an entry is them that still holds no key in the server's
 *   copy: in, as that entry's role allows. Their claim ("I am …", roster-claim.ts) is in
 *   their copy and reaches the server by this very link; an entry that holds a key is
 *   its holder's alone, here as in the claim;
 * - anyone, while no active entry of the server's copy holds a key yet: a report being
 *   set up (the first copy a member sends, the sample's unclaimed roster), or one the
 *   server does not have: nobody could come in otherwise;
 * - else refused: retired (their key is on a retired entry only) or not listed.
 */
import { isActive, type Member, type Roster } from './roster.ts';

export type LinkAccess = { access: 'write' | 'read'; member: Member | null } | { refused: 'retired' | 'not-listed' };

function asRole(member: Member): LinkAccess {
  return { access: member.role === 'observer' ? 'read' : 'write', member };
}

export function linkAccess(roster: Roster, key: string, claimedMember: string): LinkAccess {
  const members = [...roster.values()];
  if (!members.some((member) => isActive(member) && member.publicKey !== '')) return { access: 'write', member: null };
  const own = members.find((member) => isActive(member) && member.publicKey === key);
  if (own) return asRole(own);
  const claimed = roster.get(claimedMember);
  if (claimed && isActive(claimed) && claimed.publicKey === '') return asRole(claimed);
  if (members.some((member) => member.publicKey === key)) return { refused: 'retired' };
  return { refused: 'not-listed' };
}
