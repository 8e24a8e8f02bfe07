/**
 * A standing server that admits a report's members only (`--members-only`; DESIGN:
 * "authenticating members by their keys; observers connect read-only"): every link
 * brings a token signed with its member's key (shared/link-token.ts), and the server's
 * own copy of the report's roster says who is in and how (shared/link-access.ts).
 *
 * A token is taken once: the server remembers the nonces of the tokens that let someone in
 * while they could still pass for fresh, so one copied off an unencrypted line opens nothing
 * (taken-nonces.ts; shared through Redis by servers that share reports there).
 *
 * A member let in is decided again whenever the roster changes while they are linked
 * (linked-members.ts).
 */
import { checkLinkToken, LINK_TOKEN_MAX_SKEW_MS } from '../../../shared/link-token.ts';
import { linkAccess } from '../../../shared/link-access.ts';
import type * as Y from 'yjs';
import { readRoster, type Roster } from '../../../shared/roster.ts';
import { metaOf, rosterOf } from '../../../shared/ydoc.ts';
import type { Authorize } from './server.ts';
import type { Logger } from './log.ts';
import type { VerifyBytes } from '../../../shared/signature-verifier.ts';
import { nativeVerifyBytes } from '../native-ed25519.ts';
import { takenInMemory, type TakenNonces } from './taken-nonces.ts';
import { watchLinkedMembers } from './linked-members.ts';
import { LINK_CLOCK_OFF, MEMBERS_ONLY_NOT_LISTED, MEMBERS_ONLY_RETIRED, MEMBERS_ONLY_TOKEN_REFUSED } from './refusal-message.ts';

/**
 * The roster of a report's copy on this server, read again only once the roster or the
 * report's groups (in its meta) change: reading it checks every member's key (≈ 3 ms for
 * 40 members), and after a restart every member's app connects at once.
 */
const rosters = new WeakMap<Y.Doc, Roster>();

function rosterOfCopy(doc: Y.Doc): Roster {
  let roster = rosters.get(doc);
  if (!roster) {
    roster = readRoster(doc);
    rosters.set(doc, roster);
    const forget = (): void => {
      rosters.delete(doc);
      rosterOf(doc).unobserve(forget);
      metaOf(doc).unobserve(forget);
    };
    rosterOf(doc).observe(forget);
    metaOf(doc).observe(forget);
  }
  return roster;
}

export interface MemberAccessOptions {
  log: Logger;
  now?: () => number;
  maxSkewMs?: number;
  /** Checks a token's signature; node:crypto's unless given (benchmarks compare). */
  verify?: VerifyBytes;
  /** Where the nonces of taken tokens are kept: this process's memory unless given. */
  nonces?: TakenNonces;
}

export function membersOnly(options: MemberAccessOptions): Authorize {
  const now = options.now ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? LINK_TOKEN_MAX_SKEW_MS;
  const verify = options.verify ?? nativeVerifyBytes;
  const nonces = options.nonces ?? takenInMemory();
  const watch = watchLinkedMembers((copy, key, claimed) => linkAccess(rosterOfCopy(copy), key, claimed), options.log);
  return async ({ token, reportId, remote, report, link }) => {
    const at = now();
    const check = checkLinkToken(token, reportId, at, { maxSkewMs, verify });
    if (!check.ok) {
      options.log('warn', 'access.token_refused', { report: reportId, remote, problem: check.problem });
      return { deny: check.problem === 'clock' ? LINK_CLOCK_OFF : MEMBERS_ONLY_TOKEN_REFUSED };
    }
    // Taken before the roster is read (two connections bringing it at once get one answer),
    // and kept only if it lets someone in.
    const taken = await nonces.take(check.nonce, check.atMs + maxSkewMs, at);
    if (!taken) {
      options.log('warn', 'access.token_replayed', { report: reportId, remote, key: check.key });
      return { deny: MEMBERS_ONLY_TOKEN_REFUSED };
    }
    let decision: ReturnType<typeof linkAccess>;
    let copy: Y.Doc;
    try {
      copy = await report();
      decision = linkAccess(rosterOfCopy(copy), check.key, check.member);
    } catch (error) {
      taken.giveBack();
      throw error;
    }
    if ('refused' in decision) {
      taken.giveBack();
      options.log('warn', 'access.refused', { report: reportId, remote, key: check.key, why: decision.refused });
      return { deny: decision.refused === 'retired' ? MEMBERS_ONLY_RETIRED : MEMBERS_ONLY_NOT_LISTED };
    }
    options.log('info', 'access.granted', { report: reportId, remote, key: check.key, member: decision.member?.id ?? null, access: decision.access });
    watch(copy, { reportId, remote, key: check.key, claimed: check.member, access: decision.access, link });
    return decision.access;
  };
}
