/**
 * Byte-level helpers of the bundle format (shared/bundle.ts): bundle ids, the checksum,
 * and bounded inflation of a format 2/3 update.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { Inflate } from 'fflate';

/**
 * Compressed bytes fed to the inflater at a time: bounds what one step can produce
 * (DEFLATE expands at most ~1,032×, so ≤ 33 MB); fflate is several times slower with
 * steps of a few kB.
 */
const INFLATE_STEP = 32 * 1024;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A fresh bundle id: 96 random bits as 16 URL-safe characters (it travels in every bundle). */
export function newBundleId(): string {
  const bytes = randomBytes(12);
  let id = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    for (const shift of [18, 12, 6, 0]) id += ID_ALPHABET[(n >> shift) & 63];
  }
  return id;
}

/** Hashes in slices so a caller can report progress on a large bundle. */
export function checksumOf(body: Uint8Array, onProgress?: (done: number, total: number) => void): Uint8Array {
  const hash = sha256.create();
  const step = 4 * 1024 * 1024;
  for (let at = 0; at < body.length; at += step) {
    hash.update(body.subarray(at, Math.min(body.length, at + step)));
    onProgress?.(Math.min(body.length, at + step), body.length);
  }
  return hash.digest();
}

/**
 * Inflates raw DEFLATE data that must come to exactly `size` bytes, never producing more
 * than `size` plus one step's worth: a bomb is stopped as soon as it overshoots.
 */
export function inflateExactly(compressed: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let written = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (overflow || written + chunk.length > size) {
      overflow = true;
      return;
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  for (let at = 0; at < compressed.length && !overflow; at += INFLATE_STEP) {
    const end = Math.min(compressed.length, at + INFLATE_STEP);
    inflater.push(compressed.subarray(at, end), end === compressed.length);
  }
  if (overflow || written !== size) throw new Error('inflated size differs from the declared size');
  return out;
}
