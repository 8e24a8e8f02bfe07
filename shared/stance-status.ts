/**
 * What a stored stance means now, against the current blocks and roster:
 *
 * - current    — verified, its member active, the block's text unchanged since: it counts;
 * - stale      — verified, but the block's text changed (hash mismatch): shown with the
 *                text it was given on (`endorsement.text`) for a diff; never counts;
 * - retired    — verified, but its member has retired: kept in the record, never counts;
 * - detached   — verified, but its block no longer exists: listed with the block's last
 *                text; never counts;
 * - unverified — malformed, its member unknown, its signature not matching the member's
 *                key (or its text not matching its hash), or stored under another key
 *                than its own fields name (a replay): never counts.
 *
 * Signatures are checked by a `SignatureVerifier` (signature-verifier.ts), once each. A
 * stance whose signature is still being checked in the background is unverified with
 * `pending: true` until the outcome is in.
 */
import type * as Y from 'yjs';
import type { Roster } from './roster.ts';
import { takesStances } from './stakeholders.ts';
import { parseEndorsement, type Endorsement } from './endorsement.ts';
import { candidatesAt, parseEndorsementKey } from './endorsement-store.ts';
import type { SignatureVerifier } from './signature-verifier.ts';

export { SignatureVerifier, backgroundVerifyBytes, subtleVerifyBytes, type SubtleLike, type VerifyBytes, type VerifyBytesAsync } from './signature-verifier.ts';

export type StanceStatus = 'current' | 'stale' | 'retired' | 'detached' | 'unverified';

export interface ClassifiedStance {
  /** The map key the stance is stored under, and the block and member it names. */
  readonly key: string;
  readonly blockId: string;
  readonly memberId: string;
  readonly status: StanceStatus;
  /** For unverified stances: why, in words for the panel. */
  readonly reason?: string;
  /** The record, when it is well formed. */
  readonly endorsement?: Endorsement;
  /** Unverified only because its signature is still being checked in the background. */
  readonly pending?: boolean;
}

export interface ClassifyContext {
  roster: Roster;
  /** The current hash of a block's text, or undefined when the block does not exist. */
  blockHash: (blockId: string) => string | undefined;
  verifier: SignatureVerifier;
}

function unverified(key: string, blockId: string, memberId: string, reason: string, endorsement?: Endorsement): ClassifiedStance {
  return endorsement ? { key, blockId, memberId, status: 'unverified', reason, endorsement } : { key, blockId, memberId, status: 'unverified', reason };
}

/** Classifies one stored value found under `key`. */
export function classifyValue(key: string, value: unknown, context: ClassifyContext): ClassifiedStance {
  const named = parseEndorsementKey(key) ?? { blockId: key, memberId: '' };
  const { blockId, memberId } = named;
  const endorsement = parseEndorsement(value);
  if (typeof endorsement === 'string') return unverified(key, blockId, memberId, `Malformed: ${endorsement}`);
  if (endorsement.blockId !== blockId || endorsement.memberId !== memberId) {
    return unverified(key, blockId, memberId, 'Stored under another paragraph or member than it was signed for (replayed).', endorsement);
  }
  const member = context.roster.get(memberId);
  if (!member) return unverified(key, blockId, memberId, 'Its member is not on the roster.', endorsement);
  const verified = context.verifier.check(endorsement, member.publicKey);
  if (verified === undefined) return { ...unverified(key, blockId, memberId, 'Its signature is being checked.', endorsement), pending: true };
  if (!verified) return unverified(key, blockId, memberId, `Its signature does not match ${member.name}'s key.`, endorsement);
  if (!takesStances(member.role)) return unverified(key, blockId, memberId, `${member.name} is not a member who takes stances (${member.role}).`, endorsement);
  const hash = context.blockHash(blockId);
  const status: StanceStatus = hash === undefined ? 'detached'
    : member.retired !== undefined ? 'retired'
      : hash === endorsement.textHash ? 'current' : 'stale';
  return { key, blockId, memberId, status, endorsement };
}

/**
 * The stance's status once its block's hash is `hash` (undefined: the block is gone),
 * without parsing or verifying again: only current, stale and detached depend on the
 * block's text. Returns the same object when nothing changed.
 */
export function withBlockHash(stance: ClassifiedStance, hash: string | undefined, memberRetired: boolean): ClassifiedStance {
  if (stance.status === 'unverified' || !stance.endorsement) return stance;
  const status: StanceStatus = hash === undefined ? 'detached'
    : memberRetired ? 'retired'
      : hash === stance.endorsement.textHash ? 'current' : 'stale';
  if (status === stance.status) return stance;
  return { ...stance, status };
}

function later(a: ClassifiedStance, b: ClassifiedStance): boolean {
  const ea = a.endorsement;
  const eb = b.endorsement;
  if (!ea || !eb) return !!ea;
  if (ea.at !== eb.at) return ea.at > eb.at;
  return ea.signature > eb.signature;
}

/**
 * The stance shown for a key: among the values written concurrently under it
 * (`candidatesAt`), the latest valid one; when none is valid, the map's own value,
 * unverified. Undefined when the key holds no stance.
 */
export function classifyKey(map: Y.Map<unknown>, key: string, context: ClassifyContext): ClassifiedStance | undefined {
  return classifyCandidates(key, candidatesAt(map, key), context);
}

/** As `classifyKey`, for candidates read already (the current value first). */
export function classifyCandidates(key: string, candidates: readonly unknown[], context: ClassifyContext): ClassifiedStance | undefined {
  if (candidates.length === 0) return undefined;
  const first = classifyValue(key, candidates[0], context);
  if (candidates.length === 1) return first;
  let best: ClassifiedStance | undefined = first.status === 'unverified' ? undefined : first;
  for (let i = 1; i < candidates.length; i += 1) {
    const next = classifyValue(key, candidates[i], context);
    if (next.status !== 'unverified' && (!best || later(next, best))) best = next;
  }
  return best ?? first;
}

/** True when the stance counts toward consensus. */
export function counts(stance: ClassifiedStance | undefined): boolean {
  return stance?.status === 'current';
}
