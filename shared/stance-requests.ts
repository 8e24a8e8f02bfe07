/**
 * Requests the renderer makes of main about the user's identity and stances (added to
 * RequestMap in api.ts), with the validators main runs before a handler sees them.
 *
 * The private key never leaves main: the renderer says which blocks, which stance and
 * which note, and the text hashes it showed the user; main checks all of it against its
 * own copy of the report (prepareStance), signs with the user's identity and stores the
 * stance, which reaches the renderer (and every peer) through sync. A hash that no
 * longer matches main's text means the paragraph changed under the user's eyes: the
 * request is refused rather than signing a text they did not read.
 */
import { ApiError } from './api.ts';
import type { Endorsement } from './endorsement.ts';
import type { Member } from './roster.ts';

export interface IdentityInfo {
  /** The user's Ed25519 public key (hex). */
  publicKey: string;
  /** The user's active roster entry in the current report, if they have claimed one. */
  memberId: string | null;
}

export interface StanceTarget {
  blockId: string;
  /** The hash of the text the user saw (ReportBlock.textHash). */
  textHash: string;
}

export interface StanceRequestArgs {
  /** One block, or every block of a section ("Endorse section"): one step, all or none. */
  blocks: StanceTarget[];
  stance: string;
  note: string;
}

export interface StanceRequestMap {
  /** The user's identity (created on first run) and their roster entry here. */
  identity: { args: []; result: IdentityInfo };
  /** Signs the user's stance on blocks and stores it; refused with a message for the user. */
  takeStance: { args: [request: StanceRequestArgs]; result: Endorsement[] };
  /** Withdraws the user's stances on blocks; how many there were. */
  withdrawStance: { args: [blockIds: string[]]; result: number };
  /** "I am …": the user's key goes into that roster entry (roster-claim.ts rules). */
  claimMember: { args: [memberId: string]; result: Member };
}

/** Most blocks one request may name (a long section is a few hundred). */
export const MAX_STANCE_BLOCKS = 5000;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const HASH = /^[0-9a-f]{64}$/;
/** Notes are checked against MAX_NOTE by prepareStance; this only bounds the frame. */
const MAX_NOTE_FIELD = 10_000;

function blockId(value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value)) throw new ApiError('A paragraph id is 1–64 letters, digits, dashes or underscores.');
  return value;
}

function stanceArgs(value: unknown): StanceRequestArgs {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ApiError('A stance request must be a record.');
  const r = value as Record<string, unknown>;
  if (!Array.isArray(r.blocks) || r.blocks.length === 0) throw new ApiError('Name at least one paragraph to take a stance on.');
  if (r.blocks.length > MAX_STANCE_BLOCKS) throw new ApiError(`At most ${MAX_STANCE_BLOCKS} paragraphs in one step.`);
  const blocks = r.blocks.map((b: unknown): StanceTarget => {
    const target = (b ?? {}) as Record<string, unknown>;
    if (typeof target.textHash !== 'string' || !HASH.test(target.textHash)) throw new ApiError('Each paragraph needs the hash of the text you read.');
    return { blockId: blockId(target.blockId), textHash: target.textHash };
  });
  if (typeof r.stance !== 'string') throw new ApiError('A stance is one of endorse, accept, reserve, object.');
  const note = r.note === undefined || r.note === null ? '' : r.note;
  if (typeof note !== 'string' || note.length > MAX_NOTE_FIELD) throw new ApiError('A note must be text of reasonable length.');
  return { blocks, stance: r.stance, note };
}

function noArgs(args: unknown[]): [] {
  if (args.length !== 0) throw new ApiError('This request takes no arguments.');
  return [];
}

export const stanceValidators: { [K in keyof StanceRequestMap]: (args: unknown[]) => StanceRequestMap[K]['args'] } = {
  identity: noArgs,
  takeStance: (args) => [stanceArgs(args[0])],
  withdrawStance: (args) => {
    const ids = args[0];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_STANCE_BLOCKS) throw new ApiError('Name the paragraphs whose stance you withdraw.');
    return [ids.map(blockId)];
  },
  claimMember: (args) => [blockId(args[0])],
};
