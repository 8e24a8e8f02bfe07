/**
 * Export and import of update bundles (shared/bundle.ts) for an open report.
 *
 * What a recipient lacks: `bundle-peers.json` in the user's data folder remembers, per
 * report and per person (names compared case-insensitively), the state vector they are
 * known to have — the "after" vector of the last bundle we made for them, merged with
 * the "after" vector of the last bundle we imported from them (which says what they had
 * when they made it). A bundle for them holds only what goes beyond that; the first one,
 * or one made with `complete`, holds the whole report. If a bundle never arrives, the
 * next one refuses to import on their side with a clear message
 * (`missing-earlier`) and a complete one fixes it.
 *
 * Deletions: the record also keeps a snapshot of the report when the last bundle for
 * them was made, and that bundle's id; the next one leaves out the deletions they got
 * with it and names it (`continues`). The importer remembers the ids of the bundles it
 * imported from each person and refuses one that continues from a bundle it never got.
 *
 * Import: the file is read whole (bounded by MAX_BUNDLE_BYTES), its framing and checksum
 * checked, its update inflated within a bound (formats 2 and 3), its report id compared with the open report's, its update decoded within a
 * size and time bound (UpdateGuard, the sync server's guard for untrusted updates), and
 * only then applied, in one transaction with Origin.bundle — so a refused bundle leaves
 * the report (and its file) exactly as it was. Importing the same bundle again is a
 * no-op: Yjs ignores what it already has, and no update is written.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants as zlib, inflateRawSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import {
  type Bundle, type BrotliCodec, type BundleOptions, type Inflater, BundleError, MAX_BUNDLE_BYTES, applyBundleUpdate, checkBundleBase, checkBundleContinues, checkBundleFor, createBundle,
  decodeBundle, mergeStateVectors, newBundleId,
} from '../../shared/bundle.ts';
import { deletionsOfSnapshot } from '../../shared/bundle-deletions.ts';
import { Origin, readMeta } from '../../shared/ydoc.ts';
import { UpdateGuard } from './sync/update-guard.ts';
import { writeFileAtomic } from './export/write-file.ts';

export const BUNDLE_PEERS_FILE = 'bundle-peers.json';

export type BundlePhase = 'reading' | 'checking' | 'decoding' | 'applying' | 'writing' | 'done';
export type BundleProgress = (progress: { phase: BundlePhase; done: number; total: number }) => void;

interface PeerRecord {
  /** base64 state vector the person is known to have. */
  known: string;
  at: string;
  /** The last bundle made for them: its id and a snapshot (base64, Y.encodeSnapshotV2) of the report then. */
  sent?: { bundleId: string; snapshot: string };
  /** Ids of the latest bundles imported from them (at most RECEIVED_KEPT). */
  received?: string[];
}

/** Bundle ids remembered per sender: a bundle continues from the one before it. */
const RECEIVED_KEPT = 50;
const UNNAMED_SENDER = '(unnamed sender)';

type PeerFile = Record<string, Record<string, PeerRecord>>;

interface PeerNews {
  sent?: { bundleId: string; snapshot: Uint8Array };
  received?: string;
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const personKey = (name: string): string => name.trim().toLowerCase();

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

/** Format 4's compression (shared/bundle.ts): Node's Brotli, bounded on the way back like inflateNative. */
export const brotliCodec: BrotliCodec = {
  compress: (update) => {
    const out = brotliCompressSync(update, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: brotliQuality(update.length),
        [zlib.BROTLI_PARAM_LGWIN]: update.length > 4 * 1024 * 1024 ? 24 : 22,
        [zlib.BROTLI_PARAM_SIZE_HINT]: update.length,
      },
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  decompress: (compressed, size) => {
    const out = brotliDecompressSync(compressed, { maxOutputLength: Math.max(1, size) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

/** node:crypto's SHA-256 for the bundle checksum (the shared code's is pure JavaScript, ~30× slower). */
const sha256Native = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());

/** What each person is known to have, per report, kept in the data folder. */
export class BundlePeers {
  private readonly file: string;
  private readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.file = join(dataDir, BUNDLE_PEERS_FILE);
  }

  private readAll(): PeerFile {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as PeerFile : {};
    } catch {
      return {};
    }
  }

  /** The state vector `person` is known to have for the report, if any. */
  known(reportId: string, person: string): Uint8Array | undefined {
    return this.knownIn(this.readAll()[reportId]?.[personKey(person)]);
  }

  private knownIn(record: PeerRecord | undefined): Uint8Array | undefined {
    if (!record || typeof record.known !== 'string') return undefined;
    try {
      const sv = fromBase64(record.known);
      Y.decodeStateVector(sv);
      return sv;
    } catch {
      return undefined;
    }
  }

  /** The last bundle made for `person`, with the deletions it carried, if known. */
  sent(reportId: string, person: string): BundleOptions['known'] {
    const sent = this.readAll()[reportId]?.[personKey(person)]?.sent;
    if (!sent || typeof sent.bundleId !== 'string' || typeof sent.snapshot !== 'string') return undefined;
    const deletions = deletionsOfSnapshot(fromBase64(sent.snapshot));
    return deletions ? { deletions, bundleId: sent.bundleId } : undefined;
  }

  /** Ids of the bundles imported (from anyone) into the report, as far as remembered. */
  received(reportId: string): Set<string> {
    const ids = new Set<string>();
    for (const record of Object.values(this.readAll()[reportId] ?? {})) {
      if (Array.isArray(record.received)) for (const id of record.received) if (typeof id === 'string') ids.add(id);
    }
    return ids;
  }

  /**
   * Records that `person` has (at least) `stateVector`; with `sent`, that the bundle
   * `sent.bundleId` was made for them from the report as `sent.snapshot` shows it; with
   * `received`, that the bundle of that id from them was imported.
   */
  learn(reportId: string, person: string, stateVector: Uint8Array, news: PeerNews = {}): void {
    this.learnAll(reportId, [{ person, stateVector, ...news }]);
  }

  /** `learn` for several people at once: the file is written once (an import of 40 bundles). */
  learnAll(reportId: string, entries: readonly ({ person: string; stateVector: Uint8Array } & PeerNews)[]): void {
    const all = this.readAll();
    const forReport = (all[reportId] ??= {});
    for (const { person, stateVector, sent, received } of entries) {
      const key = personKey(person);
      if (!key) continue;
      const previous = forReport[key];
      const record: PeerRecord = { known: toBase64(mergeStateVectors(this.knownIn(previous), stateVector)), at: new Date().toISOString() };
      const sentRecord = sent ? { bundleId: sent.bundleId, snapshot: toBase64(sent.snapshot) } : previous?.sent;
      if (sentRecord) record.sent = sentRecord;
      const receivedIds = [...(Array.isArray(previous?.received) ? previous.received : []), ...(received ? [received] : [])].slice(-RECEIVED_KEPT);
      if (receivedIds.length > 0) record.received = receivedIds;
      forReport[key] = record;
    }
    mkdirSync(this.dataDir, { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`);
    renameSync(temp, this.file);
  }

  forget(reportId: string, person: string): void {
    const all = this.readAll();
    if (!all[reportId]?.[personKey(person)]) return;
    delete all[reportId][personKey(person)];
    mkdirSync(this.dataDir, { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }
}

export interface ExportOptions {
  doc: Y.Doc;
  /** Where to write the bundle. */
  path: string;
  /** The person it is for (whose known state decides what goes in). */
  recipient: string;
  /** Who makes it (shown to the recipient). */
  sender: string;
  /** Everything, whatever the recipient is known to have. */
  complete?: boolean;
  peers?: BundlePeers;
  onProgress?: BundleProgress;
}

export interface ExportResult {
  path: string;
  bytes: number;
  /** True when the bundle holds the whole report rather than what the recipient lacks. */
  complete: boolean;
}

export async function exportBundle(options: ExportOptions): Promise<ExportResult> {
  const meta = readMeta(options.doc);
  if (!meta.id) throw new BundleError('damaged', 'This report has no id; it cannot be exchanged.');
  const base = options.complete ? undefined : options.peers?.known(meta.id, options.recipient);
  const known = base && options.peers?.sent(meta.id, options.recipient);
  options.onProgress?.({ phase: 'writing', done: 0, total: 1 });
  const bundleId = newBundleId();
  const bytes = createBundle(options.doc, {
    reportId: meta.id,
    reportTitle: meta.title,
    sender: options.sender,
    recipient: options.recipient.trim(),
    createdAt: new Date().toISOString(),
  }, base, { bundleId, known, brotli: brotliCodec });
  // What the bundle holds, taken before the write (the report may change meanwhile).
  const stateVector = Y.encodeStateVector(options.doc);
  const snapshot = Y.encodeSnapshotV2(Y.snapshot(options.doc));
  await writeFileAtomic(options.path, bytes);
  // Once they import it they have all we have now.
  options.peers?.learn(meta.id, options.recipient, stateVector, { sent: { bundleId, snapshot } });
  options.onProgress?.({ phase: 'done', done: 1, total: 1 });
  return { path: options.path, bytes: bytes.length, complete: base === undefined };
}

export interface ImportOptions {
  doc: Y.Doc;
  path: string;
  peers?: BundlePeers;
  guard?: UpdateGuard;
  onProgress?: BundleProgress;
}

export interface ImportResult {
  sender: string;
  createdAt: string;
  /** False when the report already had everything in the bundle (imported before). */
  changed: boolean;
  bytes: number;
}

async function readBundleFile(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BundleError('not-a-bundle', code === 'ENOENT' ? `There is no file at ${path}.` : `The changes file could not be read (${code ?? (error as Error).message}).`);
  }
  if (bytes.length > MAX_BUNDLE_BYTES) throw new BundleError('damaged', `This file is larger than ${MAX_BUNDLE_BYTES / 1024 / 1024} MB; it is not a report's changes.`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

let sharedGuard: UpdateGuard | null = null;
const EMPTY_V2_UPDATE = Y.encodeStateAsUpdateV2(new Y.Doc());

/**
 * The guard every import without its own shares. Its worker takes 80–95 ms to start
 * (it loads Yjs); one guard per import paid that on every File → Import changes…. The
 * worker is unref'd: it keeps no process alive.
 */
function importGuard(): UpdateGuard {
  sharedGuard ??= new UpdateGuard({ maxBytes: MAX_BUNDLE_BYTES, timeoutMs: 30_000 });
  return sharedGuard;
}

async function checkUpdate(bundle: Bundle, guard: UpdateGuard): Promise<void> {
  try {
    await guard.check(bundle.update, bundle.updateFormat);
  } catch (error) {
    throw new BundleError('damaged', `The changes in this file cannot be read (${(error as Error).message}). Nothing was imported.`);
  }
}

export async function importBundle(options: ImportOptions): Promise<ImportResult> {
  const { path, ...rest } = options;
  const result = await importBundles({ ...rest, paths: [path] });
  const [only] = result.bundles;
  return { sender: only?.sender ?? '', createdAt: only?.createdAt ?? '', changed: result.changed, bytes: only?.bytes ?? 0 };
}

export interface ImportManyOptions extends Omit<ImportOptions, 'path'> {
  paths: string[];
}

export interface ImportManyResult {
  /** False when the report already had everything in every bundle. */
  changed: boolean;
  bundles: { path: string; sender: string; createdAt: string; bytes: number }[];
}

/**
 * Refuses the import if some bundle continues from changes neither the report nor the
 * other bundles supply: bundles are accepted one by one when what is known so far covers
 * their base, each adding what its sender had; one left over is missing something.
 */
function checkBasesInOrder(bundles: Bundle[], local: Uint8Array): void {
  let known = local;
  const waiting = new Set(bundles);
  let progress = true;
  while (waiting.size > 0 && progress) {
    progress = false;
    const have = Y.decodeStateVector(known);
    for (const bundle of waiting) {
      try {
        checkBundleBase(bundle, have);
      } catch {
        continue;
      }
      waiting.delete(bundle);
      known = mergeStateVectors(known, bundle.after);
      progress = true;
    }
  }
  const [stuck] = waiting;
  if (stuck) checkBundleBase(stuck, Y.decodeStateVector(known));
}

/**
 * Imports several bundles at once (members back from a week offline): every file is
 * read and checked first — a refused one refuses the whole import, the report untouched
 * — then all updates are applied in ONE transaction, so observers, the renderer link and
 * the report file each see one update instead of one per file. A bundle may continue
 * from another one in the same import (both are checked against what the report will
 * have). The guard decodes the next file's update while this thread inflates and
 * hashes the others.
 */
export async function importBundles(options: ImportManyOptions): Promise<ImportManyResult> {
  const guard = options.guard ?? importGuard();
  // Its worker (if not running yet) starts while the files are read.
  guard.check(EMPTY_V2_UPDATE, 'v2').catch(() => {});
  options.onProgress?.({ phase: 'reading', done: 0, total: options.paths.length });
  const files = await Promise.all(options.paths.map(async (path) => ({ path, bytes: await readBundleFile(path) })));
  const meta = readMeta(options.doc);
  const bundles: Bundle[] = [];
  // Each update goes to the guard's worker as soon as its file is read, so the worker
  // decodes one while this thread inflates the next.
  const checks: Promise<void>[] = [];
  try {
    files.forEach(({ bytes }, index) => {
      const bundle = decodeBundle(bytes, { onProgress: (done, total) => options.onProgress?.({ phase: 'checking', done: done + index, total: total + files.length - 1 }), inflate: inflateNative, sha256: sha256Native, brotli: brotliCodec.decompress });
      checkBundleFor(bundle, { id: meta.id, title: meta.title });
      bundles.push(bundle);
      checks.push(checkUpdate(bundle, guard));
    });
  } catch (error) {
    await Promise.allSettled(checks);
    throw error;
  }
  options.onProgress?.({ phase: 'decoding', done: 0, total: bundles.length });
  await Promise.all(checks);
  checkBasesInOrder(bundles, Y.encodeStateVector(options.doc));
  const imported = options.peers?.received(meta.id) ?? new Set<string>();
  for (const bundle of bundles) if (bundle.bundleId) imported.add(bundle.bundleId);
  for (const bundle of bundles) checkBundleContinues(bundle, (id) => imported.has(id));
  const total = bundles.reduce((n, b) => n + b.update.length, 0);
  options.onProgress?.({ phase: 'applying', done: 0, total });
  let changed = false;
  // Whether anything was new, read off the transaction (an 'update' listener would make
  // Yjs encode the merge for a doc that has no other such listener, as in the merge bench;
  // an open report's session listens anyway, and Yjs encodes once for all listeners).
  const mark = (transaction: Y.Transaction): void => {
    changed = transaction.deleteSet.clients.size > 0 || [...transaction.afterState].some(([client, clock]) => clock !== (transaction.beforeState.get(client) ?? 0));
  };
  options.doc.on('afterTransaction', mark);
  try {
    options.doc.transact(() => {
      for (const bundle of bundles) applyBundleUpdate(options.doc, bundle, Origin.bundle);
    }, Origin.bundle);
  } finally {
    options.doc.off('afterTransaction', mark);
  }
  // An unnamed sender's bundle ids are kept too: the next one may continue from it.
  options.peers?.learnAll(meta.id, bundles.map((bundle) => ({ person: bundle.sender || UNNAMED_SENDER, stateVector: bundle.after, received: bundle.bundleId || undefined })));
  options.onProgress?.({ phase: 'done', done: total, total });
  return {
    changed,
    bundles: bundles.map((bundle, i) => ({ path: files[i]!.path, sender: bundle.sender, createdAt: bundle.createdAt, bytes: files[i]!.bytes.length })),
  };
}
