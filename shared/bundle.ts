/**
 * Update bundles ("sneakernet"): a file that carries, by e-mail or USB stick, the Yjs
 * updates a named recipient lacks, so members with no connection still converge.
 *
 * Layout (all integers lib0 varuints, strings lib0 var-strings, byte runs
 * length-prefixed):
 *
 *   magic       8 bytes  "PLENBNDL"
 *   version     varuint  format version (read before anything else, so a newer layout
 *                        is named as such instead of looking damaged)
 *   reportId    string
 *   reportTitle string   for messages only ("this bundle is for «…»")
 *   sender      string   who made it (a member's name)
 *   recipient   string   whom it was made for ('' for anyone)
 *   createdAt   string   ISO time
 *   version 3:
 *     bundleId  string   random, names this bundle
 *     continues string   the bundle (for the same recipient) whose deletions this one
 *                        leaves out, '' when it carries all of them (see below)
 *   base        bytes    the state vector the update was computed against (empty
 *                        vector: the whole state); since version 3 only for the
 *                        clients the update carries items of
 *   after       bytes    the sender's state vector once the update is applied (since
 *                        version 3 only for the clients the update carries items of)
 *   version 1:
 *     update    bytes    Y.encodeStateAsUpdate(doc, base), a v1 update
 *   version 2 and 3 (a day's typing is ~5× smaller than version 1):
 *     size      varuint  length of the update once inflated
 *     update    bytes    a v2 update (Y.encodeStateAsUpdateV2(doc, base)), raw DEFLATE
 *                        (RFC 1951); in version 3 with only the deletions the
 *                        recipient lacks when `continues` is set
 *   version 4 (the update as in version 3, compressed with Brotli instead):
 *     size      varuint  length of the update once decompressed
 *     update    bytes    the same v2 update, Brotli (RFC 7932)
 *   version 5 (as 4, with stance texts by reference, shared/bundle-stances.ts):
 *     size      varuint  length of the payload once decompressed
 *     payload   bytes    Brotli of: the stance references (encodeStanceRefs), then the
 *                        v2 update with the referenced records' text and hash emptied
 *   checksum    32 bytes SHA-256 of every byte before it
 *
 * Decoding checks, in order: magic, version, checksum (a truncated or altered file is
 * refused as damaged), then the fields; a version 2 or 3 update is inflated only up to its
 * declared size, which itself is bounded (a "zip bomb" is refused without being
 * unpacked). It never touches a document; whether the update itself decodes is checked
 * by the importer with a size and time bound (the sync server's UpdateGuard, which
 * decodes v2 updates in a worker it can stop), and whether it is for this report by
 * `checkBundleFor` (bundle-checks.ts).
 *
 * Version 3 (2026-11-28 11:00 UTC) keeps a day's bundle to the day's work in a report
 * with a long history (shared/bundle-deletions.ts): a Yjs update carries the document's
 * whole delete set and the state vectors name every editing session there ever was.
 * A bundle made for someone we made one for before leaves out the deletions that earlier
 * one carried and names it (`continues`); the importer refuses it unless it has imported
 * that one (`checkBundleContinues`) — as a lost bundle's items are caught by `base`, so
 * are its deletions, which no state vector shows. Versions 1 and 2 still import.
 *
 * Version 4 (2026-11-28 13:35 UTC) changes only the compression: Brotli packs the same
 * v2 update ≈ 17 % smaller than DEFLATE for a day's typing and ≈ 26 % for a complete
 * report (measured in test/bench/bundle-size-bench.ts). This module stays pure (no
 * node:), so the codec is passed in (`BrotliCodec`; main uses Node's zlib, the only
 * place bundles are made and read). Without one, `createBundle` writes version 3 and
 * `decodeBundle` refuses a version 4 or 5 file with a message.
 *
 * Version 5 (2026-11-28 13:42 UTC) leaves out of the update the texts (and their hashes)
 * of stances on paragraphs the recipient already has, naming the Yjs items they are made
 * of instead (shared/bundle-stances.ts): a day's 20 stances went from ≈ 0.28 to ≈ 0.1 kB
 * each. `decodeBundle` returns such a bundle with `stanceRefs`; the importer rebuilds the
 * records from its own items (`restoreBundleStances`) before checking and applying it.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { deflateSync } from 'fflate';
import { encodeUpdateForRecipient, vectorsForUpdate, type Deletions } from './bundle-deletions.ts';
import { decodeStanceRefs, EMPTIED_RECORD_BYTES, encodeStanceRefs, stripStanceTexts, type StanceTextRef } from './bundle-stances.ts';
import { checksumOf, inflateExactly, newBundleId } from './bundle-bytes.ts';

export { checksumOf, inflateExactly, newBundleId } from './bundle-bytes.ts';

export const BUNDLE_MAGIC = new Uint8Array([0x50, 0x4c, 0x45, 0x4e, 0x42, 0x4e, 0x44, 0x4c]); // "PLENBNDL"
/** The newest version: written when a Brotli codec is at hand; every version from 1 up to it is read. */
export const BUNDLE_FORMAT_VERSION = 5;
/** The version written without a Brotli codec (DEFLATE, pure JavaScript). */
export const BUNDLE_FORMAT_DEFLATE = 3;
const CHECKSUM_BYTES = 32;
/** Largest bundle read at all; a report's whole history is far smaller. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
/** Largest update a version 2 bundle may inflate to (the guard's bound for a bundle's update). */
export const MAX_UPDATE_BYTES = 256 * 1024 * 1024;
const MAX_FIELD = 4096;

export type BundleUpdateFormat = 'v1' | 'v2';

export interface BundleHeader {
  reportId: string;
  reportTitle: string;
  sender: string;
  recipient: string;
  createdAt: string;
}

export interface Bundle extends BundleHeader {
  version: number;
  /** Names this bundle (version 3; '' before). */
  bundleId: string;
  /** The earlier bundle whose deletions this one leaves out ('' when it has all). */
  continues: string;
  /** State vector the update was computed against (encoded). */
  base: Uint8Array;
  /** The sender's state vector after it (encoded). */
  after: Uint8Array;
  /** The update, inflated; Yjs's v1 encoding in format 1, v2 since format 2. */
  update: Uint8Array;
  updateFormat: BundleUpdateFormat;
  /**
   * Format 5: stance records emptied in `update`, to rebuild before it is checked or
   * applied (`restoreBundleStances`); empty otherwise. Optional when encoding.
   */
  stanceRefs?: StanceTextRef[];
}

/** Inflates raw DEFLATE data to exactly `size` bytes, stopping early (throwing) past it. */
export type Inflater = (compressed: Uint8Array, size: number) => Uint8Array;

/**
 * Brotli for format 4, supplied by the caller (shared/ has no Brotli of its own).
 * `decompress` must stop (throw) as soon as the output passes `size`.
 */
export interface BrotliCodec {
  compress: (update: Uint8Array) => Uint8Array;
  decompress: (compressed: Uint8Array, size: number) => Uint8Array;
}

export interface DecodeOptions {
  onProgress?: (done: number, total: number) => void;
  /** Largest inflated update accepted (default MAX_UPDATE_BYTES). */
  maxUpdateBytes?: number;
  /** Replaces the pure-JavaScript inflater (main passes Node's zlib, which is faster). */
  inflate?: Inflater;
  /** Replaces the pure-JavaScript SHA-256 (main passes node:crypto's, ~30× faster). */
  sha256?: (bytes: Uint8Array) => Uint8Array;
  /** Decompresses a format 4 update; without it a format 4 bundle is refused. */
  brotli?: BrotliCodec['decompress'];
}

export type BundleProblem = 'not-a-bundle' | 'newer-format' | 'damaged' | 'other-report' | 'missing-earlier';

/** A bundle that cannot be imported; `message` is written for the user. */
export class BundleError extends Error {
  override name = 'BundleError';
  readonly problem: BundleProblem;
  constructor(problem: BundleProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export interface BundleOptions {
  /** Names the bundle (random when omitted). */
  bundleId?: string;
  /**
   * Deletions the recipient is known to have (`deletionsOfSnapshot` of the snapshot taken
   * when `bundleId` was made for them): they are left out, and the bundle continues that one.
   */
  known?: { deletions: Deletions; bundleId: string };
  /** Writes format 4 (Brotli) with this codec; format 3 (DEFLATE) without. */
  brotli?: BrotliCodec;
  /**
   * `Y.snapshot(doc)` taken just before, when the caller keeps it too (the exporter
   * records it for the recipient): its delete set and state vector are then not
   * computed again. It must be of the doc as it is now.
   */
  snapshot?: Y.Snapshot;
}

/** Builds the bundle for someone whose state vector is `base` (the whole state when omitted). */
export function createBundle(doc: Y.Doc, header: BundleHeader, base?: Uint8Array, options: BundleOptions = {}): Uint8Array {
  return encodeBundle(prepareBundle(doc, header, base, { ...options, brotli: options.brotli !== undefined }), options.brotli);
}

/**
 * What `createBundle` encodes, not yet encoded: format 5 (stance texts by reference) when
 * it is to be compressed with Brotli, else format 3. Main compresses it off its thread
 * (`brotliPayload`, then `encodeCompressedBundle`).
 */
export function prepareBundle(doc: Y.Doc, header: BundleHeader, base?: Uint8Array, options: Omit<BundleOptions, 'brotli'> & { brotli?: boolean } = {}): Bundle {
  const baseVector = base ?? Y.encodeStateVector(new Y.Doc());
  const now = options.snapshot;
  const { update, trimmed } = encodeUpdateForRecipient(doc, baseVector, options.known?.deletions, now?.ds.clients as Deletions | undefined);
  const vectors = vectorsForUpdate(baseVector, Y.encodeStateVector(now?.sv ?? doc));
  // Format 5 comes with Brotli; without a codec, format 3 (it has no stance references).
  const stripped = options.brotli ? stripStanceTexts(doc, update, Y.decodeStateVector(baseVector)) : { update, refs: [] };
  return {
    ...header, version: options.brotli ? BUNDLE_FORMAT_VERSION : BUNDLE_FORMAT_DEFLATE, bundleId: options.bundleId ?? newBundleId(), continues: trimmed ? options.known!.bundleId : '',
    ...vectors, update: stripped.update, updateFormat: 'v2', stanceRefs: stripped.refs,
  };
}

/** Applies a decoded (and checked) bundle's update in its own encoding. */
export function applyBundleUpdate(doc: Y.Doc, bundle: Pick<Bundle, 'update' | 'updateFormat' | 'stanceRefs'>, origin: unknown): void {
  if (bundle.stanceRefs?.length) throw new Error('A format 5 bundle is applied after restoreBundleStances.');
  if (bundle.updateFormat === 'v2') Y.applyUpdateV2(doc, bundle.update, origin);
  else Y.applyUpdate(doc, bundle.update, origin);
}

const isBrotliFormat = (bundle: Bundle): boolean => bundle.version === 4 || bundle.version === 5;

/** What a format 4 or 5 bundle compresses with Brotli: the update, after the stance references in format 5. */
export function brotliPayload(bundle: Bundle): Uint8Array {
  if (!isBrotliFormat(bundle)) throw new Error(`A format ${bundle.version} bundle is not compressed with Brotli.`);
  if (bundle.version === 4) {
    if (bundle.stanceRefs?.length) throw new Error('Only format 5 carries stance references.');
    return bundle.update;
  }
  const refs = encodeStanceRefs(bundle.stanceRefs ?? []);
  const payload = new Uint8Array(refs.length + bundle.update.length);
  payload.set(refs, 0);
  payload.set(bundle.update, refs.length);
  return payload;
}

/** Writes a bundle in its `version`'s layout; versions 4 and 5 need the Brotli codec. */
export function encodeBundle(bundle: Bundle, brotli?: BrotliCodec): Uint8Array {
  if (isBrotliFormat(bundle)) {
    if (!brotli) throw new Error(`A format ${bundle.version} bundle is written with a Brotli codec.`);
    const payload = brotliPayload(bundle);
    return encodeCompressedBundle(bundle, payload.length, brotli.compress(payload));
  }
  return writeBundle(bundle, (encoder) => {
    if (bundle.version === 1) {
      if (bundle.updateFormat !== 'v1') throw new Error('A format 1 bundle holds a v1 update.');
      encoding.writeVarUint8Array(encoder, bundle.update);
    } else {
      // Formats 2 and 3 (and, for tests of refusal, anything newer) inflate to `update`.
      encoding.writeVarUint(encoder, bundle.update.length);
      encoding.writeVarUint8Array(encoder, deflateSync(bundle.update, { level: 9 }));
    }
  });
}

/** A format 4 or 5 bundle whose `brotliPayload` (of `size` bytes) the caller compressed. */
export function encodeCompressedBundle(bundle: Bundle, size: number, compressed: Uint8Array): Uint8Array {
  if (!isBrotliFormat(bundle)) throw new Error(`A format ${bundle.version} bundle is not compressed with Brotli.`);
  return writeBundle(bundle, (encoder) => {
    encoding.writeVarUint(encoder, size);
    encoding.writeVarUint8Array(encoder, compressed);
  });
}

/** The header, then what `writeUpdate` writes, then the checksum of it all. */
function writeBundle(bundle: Bundle, writeUpdate: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8Array(encoder, BUNDLE_MAGIC);
  encoding.writeVarUint(encoder, bundle.version);
  const fields = [bundle.reportId, bundle.reportTitle, bundle.sender, bundle.recipient, bundle.createdAt];
  if (bundle.version >= 3) fields.push(bundle.bundleId, bundle.continues);
  for (const field of fields) encoding.writeVarString(encoder, field.slice(0, MAX_FIELD));
  encoding.writeVarUint8Array(encoder, bundle.base);
  encoding.writeVarUint8Array(encoder, bundle.after);
  writeUpdate(encoder);
  const body = encoding.toUint8Array(encoder);
  const out = new Uint8Array(body.length + CHECKSUM_BYTES);
  out.set(body, 0);
  out.set(sha256(body), body.length);
  return out;
}

function startsWithMagic(bytes: Uint8Array): boolean {
  if (bytes.length < BUNDLE_MAGIC.length) return false;
  return BUNDLE_MAGIC.every((b, i) => bytes[i] === b);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

const DAMAGED = 'This changes file is damaged or incomplete (its checksum does not match): it may have been cut short in transfer or altered. Ask the sender for it again. Nothing was imported.';

export const MALFORMED = 'This changes file is malformed (its fields cannot be read). Nothing was imported.';

/** Parses and checks a bundle's framing; throws BundleError with a message for the user. */
export function decodeBundle(bytes: Uint8Array, options: DecodeOptions | DecodeOptions['onProgress'] = {}): Bundle {
  const { onProgress, maxUpdateBytes = MAX_UPDATE_BYTES, inflate = inflateExactly, sha256: hash, brotli } = typeof options === 'function' ? { onProgress: options } : options;
  if (!(bytes instanceof Uint8Array) || !startsWithMagic(bytes)) {
    throw new BundleError('not-a-bundle', 'This file is not a Plenary changes file.');
  }
  if (bytes.length > MAX_BUNDLE_BYTES) throw new BundleError('damaged', `This changes file is larger than ${MAX_BUNDLE_BYTES / 1024 / 1024} MB; it cannot be a report's changes.`);
  let version: number;
  try {
    const head = decoding.createDecoder(bytes.subarray(BUNDLE_MAGIC.length));
    version = decoding.readVarUint(head);
  } catch {
    throw new BundleError('damaged', DAMAGED);
  }
  if (version > BUNDLE_FORMAT_VERSION) {
    throw new BundleError('newer-format', `This changes file was made by a newer version of Plenary (format ${version}; this one reads up to ${BUNDLE_FORMAT_VERSION}). Update the app, then import it again.`);
  }
  if (version < 1 || bytes.length < BUNDLE_MAGIC.length + CHECKSUM_BYTES) throw new BundleError('damaged', DAMAGED);
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const digest = hash ? hash(body) : checksumOf(body, onProgress);
  if (!sameBytes(digest, bytes.subarray(bytes.length - CHECKSUM_BYTES))) {
    throw new BundleError('damaged', DAMAGED);
  }
  let fields: Omit<Bundle, 'update'> & { update?: Uint8Array };
  let compressed: { size: number; bytes: Uint8Array } | undefined;
  try {
    const decoder = decoding.createDecoder(body.subarray(BUNDLE_MAGIC.length));
    decoding.readVarUint(decoder);
    const [reportId, reportTitle, sender, recipient, createdAt] = [0, 1, 2, 3, 4].map(() => decoding.readVarString(decoder)) as [string, string, string, string, string];
    const [bundleId, continues] = version >= 3 ? [decoding.readVarString(decoder), decoding.readVarString(decoder)] : ['', ''];
    const base = decoding.readVarUint8Array(decoder);
    const after = decoding.readVarUint8Array(decoder);
    fields = { version, reportId, reportTitle, sender, recipient, createdAt, bundleId, continues, base, after, updateFormat: version === 1 ? 'v1' : 'v2' };
    if (version === 1) fields.update = decoding.readVarUint8Array(decoder);
    else compressed = { size: decoding.readVarUint(decoder), bytes: decoding.readVarUint8Array(decoder) };
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    // State vectors must decode; they are small and read in linear time.
    Y.decodeStateVector(base);
    Y.decodeStateVector(after);
  } catch {
    // The checksum matched but the fields do not parse: made wrongly, not in transit.
    throw new BundleError('damaged', MALFORMED);
  }
  if (compressed) {
    if (compressed.size > maxUpdateBytes) {
      throw new BundleError('damaged', `This changes file would unpack to ${(compressed.size / 1024 / 1024).toFixed(0)} MB, more than the ${(maxUpdateBytes / 1024 / 1024).toFixed(0)} MB a report's changes may take; it was not unpacked. Nothing was imported.`);
    }
    if (version >= 4 && !brotli) {
      throw new BundleError('damaged', `This changes file (format ${version}, Brotli) cannot be unpacked here: no Brotli decompressor was given. Import it in the Plenary app. Nothing was imported.`);
    }
    let payload: Uint8Array;
    try {
      payload = version >= 4 ? brotli!(compressed.bytes, compressed.size) : inflate(compressed.bytes, compressed.size);
      if (payload.length !== compressed.size) throw new Error('inflated size differs from the declared size');
    } catch {
      throw new BundleError('damaged', 'The changes in this file cannot be unpacked (they do not inflate to the size the file declares). Nothing was imported.');
    }
    fields.update = payload;
    fields.stanceRefs = [];
    if (version === 5) {
      try {
        const decoder = decoding.createDecoder(payload);
        fields.stanceRefs = decodeStanceRefs(decoder, payload.length);
        fields.update = payload.subarray(decoder.pos);
        const last = fields.stanceRefs[fields.stanceRefs.length - 1];
        if (last && last.offset + EMPTIED_RECORD_BYTES > fields.update.length) throw new Error('stance reference past the update');
      } catch {
        throw new BundleError('damaged', MALFORMED);
      }
    }
  }
  return fields as Bundle;
}

/** Per-client maximum of two encoded state vectors: what someone is known to have. */
export function mergeStateVectors(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array {
  const merged = new Map<number, number>();
  for (const sv of [a, b]) {
    if (!sv) continue;
    for (const [client, clock] of Y.decodeStateVector(sv)) merged.set(client, Math.max(clock, merged.get(client) ?? 0));
  }
  return Y.encodeStateVector(merged);
}
