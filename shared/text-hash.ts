/**
 * The text a stance is given on, and its fingerprint. A stance holds for the block's
 * *normalized* text, so that invisible differences — a composed or decomposed "é", a
 * double space, a trailing newline, a non-breaking space — neither make a stance stale
 * nor let two different texts share a hash.
 *
 * Normalization: Unicode NFC, every run of white space (including no-break and other
 * Unicode spaces) collapsed to one ASCII space, trimmed. Formatting (bold, links) is not
 * part of the text: a stance is on what the paragraph says.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** SHA-256 (lower-case hex) of the UTF-8 bytes of the normalized text. */
export function textHash(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(normalizeText(text))));
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}
