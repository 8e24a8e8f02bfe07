/**
 * Node's codecs for update bundles (shared/bundle.ts is pure JavaScript and takes them as
 * arguments): zlib's inflate and Brotli, node:crypto's SHA-256.
 */
import { brotliCompress, brotliCompressSync, brotliDecompressSync, constants as zlib, inflateRawSync, type BrotliOptions } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { BrotliCodec, Inflater } from '../../shared/bundle.ts';

/**
 * Node's zlib instead of the bundle module's pure-JavaScript inflater (≈ 5× faster on a
 * cold start); `maxOutputLength` makes it stop as soon as the output passes the
 * declared size, so a "zip bomb" costs no more than its declared size.
 */
export const inflateNative: Inflater = (compressed, size) => {
  const out = inflateRawSync(compressed, { maxOutputLength: Math.max(1, size) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};

/**
 * Brotli quality by size: 11 (the densest) packs a day's update (tens of kB) in well
 * under a second, but takes ~3 ms per kB, so a complete report or a week (megabytes)
 * gets 9 (≈ 0.25 ms per kB, still ≈ 30 % smaller than DEFLATE) and anything huge 5.
 */
function brotliQuality(bytes: number): number {
  if (bytes <= 128 * 1024) return 11;
  return bytes <= 8 * 1024 * 1024 ? 9 : 5;
}

function brotliOptions(bytes: number): BrotliOptions {
  return {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: brotliQuality(bytes),
      [zlib.BROTLI_PARAM_LGWIN]: bytes > 4 * 1024 * 1024 ? 24 : 22,
      [zlib.BROTLI_PARAM_SIZE_HINT]: bytes,
    },
  };
}

/**
 * The same compression on libuv's thread pool: main stays free meanwhile (a whole
 * report takes a quarter of a second), and an export for everyone compresses one
 * member's file while it computes the next.
 */
export function brotliCompressAsync(payload: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    brotliCompress(payload, brotliOptions(payload.length), (error, out) => {
      if (error) reject(error);
      else resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    });
  });
}

/** Format 4's compression (shared/bundle.ts): Node's Brotli, bounded on the way back like inflateNative. */
export const brotliCodec: BrotliCodec = {
  compress: (update) => {
    const out = brotliCompressSync(update, brotliOptions(update.length));
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  decompress: (compressed, size) => {
    const out = brotliDecompressSync(compressed, { maxOutputLength: Math.max(1, size) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

/** node:crypto's SHA-256 for the bundle checksum (the shared code's is pure JavaScript, ~30× slower). */
export const sha256Native = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());

/** A stance's text hash (shared/text-hash.ts's `textHash`) of an already normalized text, by node:crypto. */
export const textHashNative = (normalized: string): string => createHash('sha256').update(normalized, 'utf8').digest('hex');
