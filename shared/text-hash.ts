/**
 * The text a stance is given on, and its fingerprint. A stance holds for the block's
 * *normalized* text, so that invisible differences — a composed or decomposed "é", a
 * double space, a trailing newline, a non-breaking space — neither make a stance stale
 * nor let two different texts share a hash.
 *
 * Normalization: Unicode NFC, every run of white space (including no-break and other
 * Unicode spaces) collapsed to one ASCII space, trimmed. Formatting (bold, links) is not
 * part of the text: a stance is on what the paragraph says.
 *
 * Lone UTF-16 surrogates (half an emoji left by a deletion) become U+FFFD first: Yjs
 * stores strings as UTF-8, which replaces them anyway, so a signed text or note that kept
 * one would change in storage and its signature would fail on every other peer.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with every lone surrogate replaced by U+FFFD, as UTF-8 encoding does. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

export function normalizeText(text: string): string {
  return wellFormed(text).normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** SHA-256 (lower-case hex) of the UTF-8 bytes of the normalized text. */
export function textHash(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(normalizeText(text))));
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}
