/**
 * A members-only server refused this member (its roster does not hold their key, or
 * their entry there is retired), and the message told them to say which entry is them
 * ("This is me"). Once they have, the link calls again by itself: the new entry goes in
 * its token, and the claim reaches the server by that link (link-access.ts lets a
 * claimant in). A roster change that gives them no other entry than at the refusal (or
 * none) calls nobody, so a server that refuses again is not called in a loop.
 */
import type * as Y from 'yjs';
import { rosterOf } from '../../../shared/ydoc.ts';
import { readRoster } from '../../../shared/roster.ts';
import { ownMember } from '../../../shared/roster-claim.ts';
import { MEMBERS_ONLY_NOT_LISTED, MEMBERS_ONLY_RETIRED } from './refusal-message.ts';

/** A refusal that saying which entry is one's own (or being made active again) can mend. */
export function mendedByClaim(reason: string | undefined): boolean {
  return reason === MEMBERS_ONLY_NOT_LISTED || reason === MEMBERS_ONLY_RETIRED;
}

/**
 * Calls `callAgain` once, after the member with `publicKey` comes to have an active entry
 * in `doc` other than the one they had now; returns what stops the watch.
 */
export function callAgainOnClaim(doc: Y.Doc, publicKey: string, callAgain: () => void): () => void {
  const roster = rosterOf(doc);
  const ownEntry = (): string | undefined => ownMember(readRoster(doc), publicKey)?.id;
  const entryNow = ownEntry();
  let watching = true;
  const stop = (): void => {
    if (watching) roster.unobserve(watch);
    watching = false;
  };
  const watch = (): void => {
    const entry = ownEntry();
    if (entry === undefined || entry === entryNow) return;
    stop();
    // (Not inside the roster's transaction: a new link reads the document as it starts.)
    queueMicrotask(callAgain);
  };
  roster.observe(watch);
  return stop;
}
