/**
 * A report's address on a standing server, `ws://HOST:N/<report id>`: what members who do
 * not have the report yet enter to fetch it (Connect… shows it).
 *
 * And a personal invitation: that address and the roster entry it is for, one nobody has
 * said is them yet, `…/<report id>?member=<entry id>`. The secretariat sends it to the
 * person the entry names (Roster → Invite); their app fetches the report as that entry (a
 * members-only server admits whoever names an unclaimed entry, link-access.ts), says
 * "This is me" for them, and links. Once the entry holds their key it is theirs alone,
 * and the invitation opens no more than the report's address does. (The entry's id is in
 * every copy of the report: the invitation gives nobody more than a copy would.)
 */
import { isMemberId } from './roster.ts';

const INVITED = /\?member=([A-Za-z0-9_-]{1,64})(?=#|$)/;

/** The address of `reportId` on `server` (linked by the server's address, or by the report's own). */
export function reportAddress(server: string, reportId: string): string {
  const own = `/${encodeURIComponent(reportId)}`;
  const base = server.replace(/\/+$/, '');
  return base.endsWith(own) ? base : `${base}${own}`;
}

export function memberInvitation(server: string, reportId: string, memberId: string): string {
  if (!isMemberId(memberId)) throw new Error(`Not a member id: ${memberId}`);
  return `${reportAddress(server, reportId)}?member=${memberId}`;
}

/** The roster entry an address invites its reader to be, or null for an address that invites nobody. */
export function invitedMemberIn(address: string): string | null {
  return INVITED.exec(address.trim())?.[1] ?? null;
}

/** The address without its invitation: what the app links to and remembers. */
export function withoutInvitation(address: string): string {
  return address.trim().replace(INVITED, '');
}
