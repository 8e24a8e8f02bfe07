/**
 * Canonical encoding of a stance for signing. The same fields always give the same
 * bytes, whatever order an object's keys were written in, on every peer:
 *
 *   "plenary-endorsement-v1\n" + JSON of { reportId, blockId, memberId, stance,
 *                                          textHash, text, note, at } with sorted keys
 *
 * - The domain prefix keeps a stance signature from ever being valid as anything else
 *   signed with the same key (and versions the format).
 * - The report id is signed but not stored in the record: a stance copied into another
 *   report fails to verify there, so it cannot be replayed across reports.
 * - The field set is fixed: unknown fields are not signed and are dropped on read; a
 *   missing note is signed as "" so "no note" has exactly one encoding.
 * - Only strings are allowed, so number formatting never enters the question.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';

export const ENDORSEMENT_DOMAIN = 'plenary-endorsement-v1';

/** Fields a stance signature covers, besides the report id. */
export const SIGNED_FIELDS = ['blockId', 'memberId', 'stance', 'textHash', 'text', 'note', 'at'] as const;

export type SignedField = (typeof SIGNED_FIELDS)[number];

/** JSON with keys sorted (by UTF-16 code units), no white space; strings and plain objects only. */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
  }
  throw new TypeError('canonicalJson encodes only strings and objects of strings.');
}

/** The exact string a stance's signature is over. */
export function canonicalStanceString(reportId: string, fields: Readonly<Record<SignedField, string>>): string {
  const signed: Record<string, string> = { reportId };
  for (const name of SIGNED_FIELDS) signed[name] = fields[name] ?? '';
  return `${ENDORSEMENT_DOMAIN}\n${canonicalJson(signed)}`;
}

export function canonicalStanceBytes(reportId: string, fields: Readonly<Record<SignedField, string>>): Uint8Array {
  return utf8ToBytes(canonicalStanceString(reportId, fields));
}
