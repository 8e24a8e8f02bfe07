/**
 * A member's proof of who they are to a standing server that admits members only: a
 * token the app sends as it links (the Hocuspocus provider's `token`), made afresh for
 * every attempt and signed with the member's identity key.
 *
 *   JSON { v: 1, report, key, member, at, nonce, sig }
 *   sig = Ed25519 over "plenary-link-v1" and the five fields, a line each
 *
 * - The domain prefix keeps a token's signature from ever passing for a stance's (their
 *   prefix is canonical.ts's), and a stance's for a token.
 * - The report id is signed: a token for one report does not open another.
 * - `member` is the roster entry the member said is them in their copy ("I am …"), ""
 *   if none: the server's copy may not have heard of that claim yet (link-access.ts).
 * - `at` bounds how long a token someone copied off the wire could be used, and the
 *   server remembers the nonces it took while they are fresh, so none is taken twice.
 */
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { isIsoTime, isMemberId } from './roster.ts';
import { normalizePublicKey, verifyBytes } from './signing.ts';
import type { VerifyBytes } from './signature-verifier.ts';

export const LINK_TOKEN_DOMAIN = 'plenary-link-v1';

/** How far a token's time may be from the server's clock, either way. */
export const LINK_TOKEN_MAX_SKEW_MS = 15 * 60_000;

const NONCE = /^[0-9a-f]{32}$/;
/** Far above a real token (~330 characters): a larger one is not parsed at all. */
const MAX_TOKEN_CHARS = 1_024;

export interface LinkTokenFields {
  report: string;
  /** The member's public key, lower-case hex. */
  key: string;
  /** The roster entry the member claimed in their copy, or "". */
  member: string;
  /** ISO time it was made. */
  at: string;
  nonce: string;
}

export type LinkTokenCheck =
  | { ok: true; key: string; member: string; nonce: string; atMs: number }
  | { ok: false; problem: 'malformed' | 'another-report' | 'clock' | 'signature' };

function signedBytes(fields: LinkTokenFields): Uint8Array {
  return utf8ToBytes([LINK_TOKEN_DOMAIN, fields.report, fields.key, fields.member, fields.at, fields.nonce].join('\n'));
}

/** Makes a token for `report` signed by `sign` (the member's identity) for `publicKey`. */
export function makeLinkToken(
  report: string, identity: { publicKey: string; member: string; sign: (message: Uint8Array) => string }, now = new Date(),
): string {
  const fields: LinkTokenFields = { report, key: identity.publicKey, member: identity.member, at: now.toISOString(), nonce: bytesToHex(randomBytes(16)) };
  return JSON.stringify({ v: 1, ...fields, sig: identity.sign(signedBytes(fields)) });
}

/**
 * Whether `token` is a well-formed, correctly signed, fresh token for `report`; never
 * throws. `verify` as for stances (signature-verifier.ts): a server passes node:crypto's,
 * about fifteen times faster than the pure JavaScript default, for every connection.
 */
export function checkLinkToken(
  token: unknown, report: string, nowMs: number, options: { maxSkewMs?: number; verify?: VerifyBytes } = {},
): LinkTokenCheck {
  const { maxSkewMs = LINK_TOKEN_MAX_SKEW_MS, verify = verifyBytes } = options;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, problem: 'malformed' };
  let value: unknown;
  try {
    value = JSON.parse(token);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const key = normalizePublicKey(record.key);
  if (record.v !== 1 || typeof record.report !== 'string' || key === null || key !== record.key
    || typeof record.member !== 'string' || (record.member !== '' && !isMemberId(record.member))
    || !isIsoTime(record.at) || typeof record.nonce !== 'string' || !NONCE.test(record.nonce) || typeof record.sig !== 'string') {
    return { ok: false, problem: 'malformed' };
  }
  if (record.report !== report) return { ok: false, problem: 'another-report' };
  const atMs = Date.parse(record.at);
  if (Math.abs(nowMs - atMs) > maxSkewMs) return { ok: false, problem: 'clock' };
  const fields: LinkTokenFields = { report, key, member: record.member, at: record.at, nonce: record.nonce };
  if (!verify(signedBytes(fields), record.sig, key)) return { ok: false, problem: 'signature' };
  return { ok: true, key, member: record.member, nonce: record.nonce, atMs };
}
