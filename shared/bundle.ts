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
 *   checksum    32 bytes SHA-256 of every byte before it
 *
 * Decoding checks, in order: magic, version, checksum (a truncated or altered file is
 * refused as damaged), then the fields; a version 2 or 3 update is inflated only up to its
 * declared size, which itself is bounded (a "zip bomb" is refused without being
 * unpacked). It never touches a document; whether the update itself decodes is checked
 * by the importer with a size and time bound (the sync server's UpdateGuard, which
 * decodes v2 updates in a worker it can stop), and whether it is for this report by
 * `checkBundleFor`.
 *
 * Version 3 (2026-11-28 11:00 UTC) keeps a day's bundle to the day's work in a report
 * with a long history (shared/bundle-deletions.ts): a Yjs update carries the document's
 * whole delete set and the state vectors name every editing session there ever was.
 * A bundle made for someone we made one for before leaves out the deletions that earlier
 * one carried and names it (`continues`); the importer refuses it unless it has imported
 * that one (`checkBundleContinues`) — as a lost bundle's items are caught by `base`, so
 * are its deletions, which no state vector shows. Versions 1 and 2 still import.
 *
 * Version 4 (2026-11-28 14:00 UTC) changes only the compression: Brotli packs the same
 * v2 update ≈ 18 % smaller than DEFLATE for a day's typing (its context modelling suits
 * the update's columns of small numbers and the stances' hex signatures) and ≈ 30–40 %
 * smaller for a complete report or a week. This module stays pure (no node:), so the
 * codec is passed in (`BrotliCodec`; main uses Node's zlib, the only place bundles are
 * made and read). Without one, `createBundle` writes version 3 and `decodeBundle`
 * refuses a version 4 file with a message.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { deflateSync, Inflate } from 'fflate';
import { encodeUpdateForRecipient, vectorsForUpdate, type Deletions } from './bundle-deletions.ts';

export const BUNDLE_MAGIC = new Uint8Array([0x50, 0x4c, 0x45, 0x4e, 0x42, 0x4e, 0x44, 0x4c]); // "PLENBNDL"
/** The newest version: written when a Brotli codec is at hand; every version from 1 up to it is read. */
export const BUNDLE_FORMAT_VERSION = 4;
/** The version written without a Brotli codec (DEFLATE, pure JavaScript). */
export const BUNDLE_FORMAT_DEFLATE = 3;
export const BUNDLE_EXTENSION = 'plenary-changes';
const CHECKSUM_BYTES = 32;
/** Largest bundle read at all; a report's whole history is far smaller. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
/** Largest update a version 2 bundle may inflate to (the guard's bound for a bundle's update). */
export const MAX_UPDATE_BYTES = 256 * 1024 * 1024;
/**
 * Compressed bytes fed to the inflater at a time: bounds what one step can produce
 * (DEFLATE expands at most ~1,032×, so ≤ 33 MB); fflate is several times slower with
 * steps of a few kB.
 */
const INFLATE_STEP = 32 * 1024;
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
  /** The update, inflated; Yjs's v1 encoding in format 1, v2 in format 2. */
  update: Uint8Array;
  updateFormat: BundleUpdateFormat;
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
}

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

/** Builds the bundle for someone whose state vector is `base` (the whole state when omitted). */
export function createBundle(doc: Y.Doc, header: BundleHeader, base?: Uint8Array, options: BundleOptions = {}): Uint8Array {
  const baseVector = base ?? Y.encodeStateVector(new Y.Doc());
  const { update, trimmed } = encodeUpdateForRecipient(doc, baseVector, options.known?.deletions);
  const vectors = vectorsForUpdate(baseVector, Y.encodeStateVector(doc));
  return encodeBundle({
    ...header, version: options.brotli ? BUNDLE_FORMAT_VERSION : BUNDLE_FORMAT_DEFLATE, bundleId: options.bundleId ?? newBundleId(), continues: trimmed ? options.known!.bundleId : '',
    ...vectors, update, updateFormat: 'v2',
  }, options.brotli);
}

/** Applies a decoded (and checked) bundle's update in its own encoding. */
export function applyBundleUpdate(doc: Y.Doc, bundle: Pick<Bundle, 'update' | 'updateFormat'>, origin: unknown): void {
  if (bundle.updateFormat === 'v2') Y.applyUpdateV2(doc, bundle.update, origin);
  else Y.applyUpdate(doc, bundle.update, origin);
}

/** Writes a bundle in its `version`'s layout; version 4 needs the Brotli codec. */
export function encodeBundle(bundle: Bundle, brotli?: BrotliCodec): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8Array(encoder, BUNDLE_MAGIC);
  encoding.writeVarUint(encoder, bundle.version);
  const fields = [bundle.reportId, bundle.reportTitle, bundle.sender, bundle.recipient, bundle.createdAt];
  if (bundle.version >= 3) fields.push(bundle.bundleId, bundle.continues);
  for (const field of fields) encoding.writeVarString(encoder, field.slice(0, MAX_FIELD));
  encoding.writeVarUint8Array(encoder, bundle.base);
  encoding.writeVarUint8Array(encoder, bundle.after);
  if (bundle.version === 1) {
    if (bundle.updateFormat !== 'v1') throw new Error('A format 1 bundle holds a v1 update.');
    encoding.writeVarUint8Array(encoder, bundle.update);
  } else if (bundle.version === 4) {
    if (!brotli) throw new Error('A format 4 bundle is written with a Brotli codec.');
    encoding.writeVarUint(encoder, bundle.update.length);
    encoding.writeVarUint8Array(encoder, brotli.compress(bundle.update));
  } else {
    // Formats 2 and 3 (and, for tests of refusal, anything newer) inflate to `update`.
    encoding.writeVarUint(encoder, bundle.update.length);
    encoding.writeVarUint8Array(encoder, deflateSync(bundle.update, { level: 9 }));
  }
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

const MALFORMED = 'This changes file is malformed (its fields cannot be read). Nothing was imported.';

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
    if (version === 4 && !brotli) {
      throw new BundleError('damaged', 'This changes file (format 4, Brotli) cannot be unpacked here: no Brotli decompressor was given. Import it in the Plenary app. Nothing was imported.');
    }
    try {
      fields.update = version === 4 ? brotli!(compressed.bytes, compressed.size) : inflate(compressed.bytes, compressed.size);
      if (fields.update.length !== compressed.size) throw new Error('inflated size differs from the declared size');
    } catch {
      throw new BundleError('damaged', 'The changes in this file cannot be unpacked (they do not inflate to the size the file declares). Nothing was imported.');
    }
  }
  return fields as Bundle;
}

/** Refuses a bundle made for another report, naming both. */
export function checkBundleFor(bundle: Bundle, report: { id: string; title: string }): void {
  if (bundle.reportId === report.id) return;
  const theirs = bundle.reportTitle ? `“${bundle.reportTitle}” (${bundle.reportId})` : bundle.reportId;
  const ours = report.title ? `“${report.title}” (${report.id})` : report.id;
  throw new BundleError('other-report', `These changes are for the report ${theirs}, not for ${ours}, which is open. Open that report and import them there. Nothing was imported.`);
}

/**
 * Refuses a bundle that continues from changes this copy has not got (an earlier bundle
 * from the same sender that was never imported): Yjs would hold its updates back
 * unapplied. Nothing is lost by refusing; the sender can send a complete bundle.
 */
export function checkBundleBase(bundle: Bundle, local: Map<number, number>): void {
  const base = Y.decodeStateVector(bundle.base);
  for (const [client, clock] of base) {
    if ((local.get(client) ?? 0) < clock) {
      const who = bundle.sender ? `from ${bundle.sender}` : '';
      throw new BundleError('missing-earlier', `These changes continue from an earlier changes file ${who} that this copy has not imported. Import the earlier one first, or ask for a complete changes file. Nothing was imported.`.replace(/\s+/g, ' '));
    }
  }
}

/**
 * Refuses a bundle that leaves out deletions an earlier bundle (`continues`) brought,
 * unless that one has been imported (`imported`), here or in the same import: a lost
 * bundle's deletions would otherwise never arrive. A complete bundle fixes it.
 */
export function checkBundleContinues(bundle: Bundle, imported: (bundleId: string) => boolean): void {
  if (!bundle.continues || imported(bundle.continues)) return;
  const who = bundle.sender ? `from ${bundle.sender}` : '';
  throw new BundleError('missing-earlier', `These changes continue from an earlier changes file ${who} that this copy has not imported. Import the earlier one first, or ask for a complete changes file. Nothing was imported.`.replace(/\s+/g, ' '));
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
