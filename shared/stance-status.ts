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
 * Signature checks cost ~1–3 ms each in pure JavaScript, so `SignatureVerifier` caches
 * the outcome by signature: each stance is verified once, however often it is
 * classified again (every keystroke reclassifies the stances of the edited block).
 */
import type * as Y from 'yjs';
import type { Roster } from './roster.ts';
import { takesStances } from './stakeholders.ts';
import { endorsementMessage, parseEndorsement, type Endorsement } from './endorsement.ts';
import { verifyBytes } from './signing.ts';
import { candidatesAt, parseEndorsementKey } from './endorsement-store.ts';
import { textHash } from './text-hash.ts';

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
}

interface CacheEntry {
  endorsement: Endorsement;
  publicKey: string;
  ok: boolean;
}

function sameFields(a: Endorsement, b: Endorsement): boolean {
  return a.blockId === b.blockId && a.memberId === b.memberId && a.stance === b.stance && a.textHash === b.textHash
    && a.at === b.at && a.note === b.note && a.text === b.text;
}

/** Checks an Ed25519 signature (hex) over a message against a public key (hex); never throws. */
export type VerifyBytes = (message: Uint8Array, signature: string, publicKey: string) => boolean;

/** Outcomes kept per signature: the genuine record and a few altered copies of it. */
const VARIANTS_PER_SIGNATURE = 4;

/** Verifies stances of one report, each signature once. */
export class SignatureVerifier {
  readonly reportId: string;
  private readonly cache = new Map<string, CacheEntry[]>();
  /** Signature checks actually performed (the rest came from the cache). */
  checks = 0;

  private readonly verifyBytes: VerifyBytes;

  /**
   * `verify` defaults to @noble/curves (pure JavaScript, ~1–3 ms a signature). Main may
   * pass a native one (node:crypto, ~0.05 ms; see main/services/native-ed25519.ts) so
   * that opening a report with 200,000 stances takes seconds, not minutes.
   */
  constructor(reportId: string, verify: VerifyBytes = verifyBytes) {
    this.reportId = reportId;
    this.verifyBytes = verify;
  }

  /** True when the signature verifies against the key and the text matches its hash. */
  verify(endorsement: Endorsement, publicKey: string): boolean {
    const entries = this.cache.get(endorsement.signature);
    if (entries) {
      for (const cached of entries) {
        if (cached.publicKey === publicKey && (cached.endorsement === endorsement || sameFields(cached.endorsement, endorsement))) return cached.ok;
      }
    }
    this.checks += 1;
    const ok = textHash(endorsement.text) === endorsement.textHash
      && this.verifyBytes(endorsementMessage(this.reportId, endorsement), endorsement.signature, publicKey);
    this.remember(endorsement, publicKey, ok);
    return ok;
  }

  /** Records an outcome known from elsewhere (a stance this process just signed). */
  remember(endorsement: Endorsement, publicKey: string, ok: boolean): void {
    const entries = this.cache.get(endorsement.signature) ?? [];
    entries.push({ endorsement, publicKey, ok });
    // A peer replaying one signature with ever new fields must not grow the cache.
    if (entries.length > VARIANTS_PER_SIGNATURE) entries.shift();
    this.cache.set(endorsement.signature, entries);
  }

  /** Signatures with a cached outcome. */
  get size(): number {
    return this.cache.size;
  }
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
  if (!context.verifier.verify(endorsement, member.publicKey)) {
    return unverified(key, blockId, memberId, `Its signature does not match ${member.name}'s key.`, endorsement);
  }
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
