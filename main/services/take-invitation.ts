/**
 * The app's side of a personal invitation (shared/report-address.ts): with the report
 * here, the entry the invitation names becomes the user's ("This is me"), before the app
 * links, so that the link's proof names it and the server learns the claim by that link.
 * Not where the user already is someone on the roster (an invitation does not move them),
 * nor where the entry may not be theirs (retired, someone else's key): the server then
 * decides on the user's own standing, and says why if it refuses.
 */
import type * as Y from 'yjs';
import { readRoster } from '../../shared/roster.ts';
import { claimMember, claimProblem, ownMember } from '../../shared/roster-claim.ts';
import { Origin } from '../../shared/ydoc.ts';

export function takeInvitation(doc: Y.Doc, memberId: string, publicKey: string): void {
  if (!publicKey) return;
  const roster = readRoster(doc);
  if (ownMember(roster, publicKey) || claimProblem(roster.get(memberId), publicKey) !== null) return;
  claimMember(doc, memberId, publicKey, Origin.local);
}
