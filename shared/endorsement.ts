/**
 * A member's stance on one block (DESIGN.md, "Endorsement"), signed by the member.
 *
 *   { blockId, memberId, stance, textHash, text, note, at, signature }
 *
 * - `stance`: endorse ("we recognize ourselves in this text"), accept ("can live with
 *   it"), reserve, object; a note is required for the last two (≤ MAX_NOTE characters).
 * - `textHash`/`text`: the block's normalized text when the stance was taken and its
 *   SHA-256; the stance holds for that text only (see stance-status.ts).
 * - `signature`: Ed25519 over `canonicalStanceBytes(reportId, fields)` (canonical.ts), so
 *   no field can change, and no stance move to another block, member or report, without
 *   breaking it.
 *
 * Records are stored flat in the 'endorsements' Y.Map under `${blockId}:${memberId}`
 * (endorsement-store.ts). Taking a stance: `prepareStance` (validates against the
 * current blocks and roster, throws EndorsementError with a message for the user) →
 * sign (in main: the identity service; in tests: `signEndorsement`) → `putEndorsement`.
 */
import type { Roster } from './roster.ts';
import { isIsoTime } from './roster.ts';
import { takesStances } from './stakeholders.ts';
import { canonicalStanceBytes, type SignedField } from './canonical.ts';
import { isSignatureHex, signBytes, verifyBytes } from './signing.ts';
import { isSha256Hex, normalizeText, textHash, wellFormed } from './text-hash.ts';

export const STANCES = ['endorse', 'accept', 'reserve', 'object'] as const;
export type Stance = (typeof STANCES)[number];

export const STANCE_LABELS: Readonly<Record<Stance, { label: string; short: string; description: string }>> = {
  endorse: { label: 'Endorse', short: 'End', description: 'We recognize ourselves in this text.' },
  accept: { label: 'Accept', short: 'Acc', description: 'We can live with this text.' },
  reserve: { label: 'Reservation', short: 'Res', description: 'We go along with a reservation (stated in the note).' },
  object: { label: 'Objection', short: 'Obj', description: 'We object (reason in the note).' },
};

/** Longest note, in characters (UTF-16 code units, as the editor counts). */
export const MAX_NOTE = 2000;
/** Longest block text a stance may carry. */
export const MAX_STANCE_TEXT = 100_000;

export interface EndorsementFields {
  blockId: string;
  memberId: string;
  stance: Stance;
  textHash: string;
  text: string;
  /** Required (non-blank) for reserve and object; "" when absent. */
  note: string;
  /** ISO time (UTC). */
  at: string;
}

export interface Endorsement extends EndorsementFields {
  /** Ed25519 signature, hex, over the canonical encoding of the fields and the report id. */
  signature: string;
}

export class EndorsementError extends Error {
  override name = 'EndorsementError';
}

export function isStance(value: unknown): value is Stance {
  return typeof value === 'string' && (STANCES as readonly string[]).includes(value);
}

export function needsNote(stance: Stance): boolean {
  return stance === 'reserve' || stance === 'object';
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Why a note is not acceptable for a stance, or null. */
export function noteProblem(stance: Stance, note: string): string | null {
  if (note.length > MAX_NOTE) return `A note is at most ${MAX_NOTE.toLocaleString('en')} characters (this one has ${note.length.toLocaleString('en')}).`;
  if (needsNote(stance) && note.trim() === '') {
    return stance === 'object' ? 'An objection needs a note saying why.' : 'A reservation needs a note saying what it is.';
  }
  return null;
}

/**
 * Reads a stored value as an endorsement, or a message saying what is wrong with it.
 * Never throws. A well-formed record is returned as it is (no copy: values read from the
 * Y.Map keep their identity, which the signature cache relies on, and 200,000 copies
 * would only feed the garbage collector); only the known fields are ever read from it.
 */
export function parseEndorsement(value: unknown): Endorsement | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'A stance must be a record.';
  const r = value as Record<string, unknown>;
  if (typeof r.blockId !== 'string' || !ID.test(r.blockId)) return 'The stance names no valid block.';
  if (typeof r.memberId !== 'string' || !ID.test(r.memberId)) return 'The stance names no valid member.';
  if (!isStance(r.stance)) return `A stance is one of ${STANCES.join(', ')}.`;
  if (!isSha256Hex(r.textHash)) return 'The stance\'s text hash is not a SHA-256 hex digest.';
  if (typeof r.text !== 'string' || r.text.length > MAX_STANCE_TEXT) return 'The stance\'s text is missing or too long.';
  const note = r.note === undefined ? '' : r.note;
  if (typeof note !== 'string') return 'A note must be text.';
  const problem = noteProblem(r.stance, note);
  if (problem) return problem;
  if (!isIsoTime(r.at)) return 'The stance\'s time is not an ISO time.';
  if (!isSignatureHex(r.signature)) return 'The stance\'s signature is not an Ed25519 signature.';
  if (r.note === undefined) return { ...(r as unknown as Endorsement), note };
  return r as unknown as Endorsement;
}

function signedFields(fields: EndorsementFields): Record<SignedField, string> {
  const { blockId, memberId, stance, textHash: hash, text, note, at } = fields;
  return { blockId, memberId, stance, textHash: hash, text, note, at };
}

/** The bytes a stance's signature is over. */
export function endorsementMessage(reportId: string, fields: EndorsementFields): Uint8Array {
  return canonicalStanceBytes(reportId, signedFields(fields));
}

/** Signs with a signer that holds the key elsewhere (main's identity service). */
export function signEndorsementWith(reportId: string, fields: EndorsementFields, sign: (message: Uint8Array) => string): Endorsement {
  return { ...signedFields(fields) as EndorsementFields, signature: sign(endorsementMessage(reportId, fields)) };
}

/** Signs with a private key at hand (tests, tools). */
export function signEndorsement(reportId: string, fields: EndorsementFields, privateKey: string): Endorsement {
  return signEndorsementWith(reportId, fields, (message) => signBytes(message, privateKey));
}

/** True when the signature verifies against the key; never throws. */
export function verifyEndorsement(reportId: string, endorsement: Endorsement, publicKey: string): boolean {
  return verifyBytes(endorsementMessage(reportId, endorsement), endorsement.signature, publicKey);
}

/** What `prepareStance` needs to know of the report at the moment of the stance. */
export interface StanceContext {
  /** The block's current normalized text, or undefined when there is no such block. */
  blockText: (blockId: string) => string | undefined;
  roster: Roster;
}

export interface StanceRequest {
  blockId: string;
  memberId: string;
  stance: unknown;
  note?: unknown;
  /** Defaults to now. */
  at?: string;
}

/**
 * Checks a new stance against the report as it is and returns the fields to sign, with
 * the block's current text and hash. Throws EndorsementError with a message for the user.
 */
export function prepareStance(context: StanceContext, request: StanceRequest): EndorsementFields {
  const text = context.blockText(request.blockId);
  if (text === undefined) throw new EndorsementError('That paragraph no longer exists (it may have been deleted by someone else).');
  const member = context.roster.get(request.memberId);
  if (!member) throw new EndorsementError('You are not on this report\'s roster; ask the secretariat to add you.');
  if (member.retired !== undefined) throw new EndorsementError(`${member.name} is retired from the working group and can no longer take stances.`);
  if (!takesStances(member.role)) throw new EndorsementError(`As ${member.role === 'observer' ? 'an observer' : 'the secretariat'}, ${member.name} does not take stances.`);
  if (!isStance(request.stance)) throw new EndorsementError(`A stance is one of ${STANCES.join(', ')}.`);
  const rawNote = request.note === undefined || request.note === null ? '' : request.note;
  if (typeof rawNote !== 'string') throw new EndorsementError('A note must be text.');
  const note = wellFormed(rawNote);
  const problem = noteProblem(request.stance, note);
  if (problem) throw new EndorsementError(problem);
  const normalized = normalizeText(text);
  if (normalized.length > MAX_STANCE_TEXT) throw new EndorsementError('This block is too long to take a stance on; split it first.');
  const at = request.at ?? new Date().toISOString();
  if (!isIsoTime(at)) throw new EndorsementError('The stance\'s time is not an ISO time.');
  return {
    blockId: request.blockId, memberId: request.memberId, stance: request.stance,
    textHash: textHash(normalized), text: normalized, note, at,
  };
}
