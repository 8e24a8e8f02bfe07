/**
 * Import of update bundles into an open report (the checks are described in bundles.ts).
 * Format 5 bundles name the Yjs items their stance texts are made of instead of carrying
 * them (shared/bundle-stances.ts): they are rebuilt from the report's own items, or,
 * for a bundle that continues from another one in the same import, from that one's.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as Y from 'yjs';
import { type Bundle, BundleError, MAX_BUNDLE_BYTES, applyBundleUpdate, decodeBundle, mergeStateVectors } from '../../shared/bundle.ts';
import { checkBundleBase, checkBundleContinues, checkBundleFor, restoreBundleStances } from '../../shared/bundle-checks.ts';
import { itemTextFrom, type ItemText } from '../../shared/bundle-stances.ts';
import { Origin, readMeta, transactionChangedDoc } from '../../shared/ydoc.ts';
import { UpdateGuard } from './sync/update-guard.ts';
import { dropMisplacedWaiting } from './sync/neighbour-order-guard.ts';
import { neighbourOrderProblem, pairsReachBeyond } from '../../shared/neighbour-order.ts';
import { brotliCodec, inflateNative, sha256Native, textHashNative } from './bundle-codecs.ts';
import type { BundlePeers } from './bundles.ts';
import type { ChangesProgressEvent } from '../../shared/sync-requests.ts';

const UNNAMED_SENDER = '(unnamed sender)';

export interface ImportOptions {
  doc: Y.Doc;
  path: string;
  peers?: BundlePeers;
  guard?: UpdateGuard;
  /** How far the import has got, as the Import dialog shows it: each file checked, then the merge. */
  onProgress?: (progress: ChangesProgressEvent) => void;
}

export interface ImportResult {
  sender: string;
  createdAt: string;
  /** False when the report already had everything in the bundle (imported before). */
  changed: boolean;
  bytes: number;
}

/** A changes file's bytes; throws BundleError with a message for the user. */
export async function readBundleFile(path: string): Promise<Uint8Array> {
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

const EMPTY_V2_UPDATE = Y.encodeStateAsUpdateV2(new Y.Doc());
/** How long the shared guard outlives the last import (a quick run of imports reuses it). */
const GUARD_IDLE_MS = 1_000;
let sharedGuard: UpdateGuard | null = null;
let guardUsers = 0;
let guardIdle: ReturnType<typeof setTimeout> | undefined;

/**
 * The guard imports without their own share. Its worker takes 80–95 ms to start (it
 * loads Yjs), so imports in a row use one; it is closed a second after the last one
 * ends, because a worker listened to keeps its process alive even when unref'd.
 */
function acquireGuard(): UpdateGuard {
  clearTimeout(guardIdle);
  guardUsers++;
  sharedGuard ??= new UpdateGuard({ maxBytes: MAX_BUNDLE_BYTES, timeoutMs: 30_000 });
  return sharedGuard;
}

function releaseGuard(): void {
  if (--guardUsers > 0) return;
  guardIdle = setTimeout(() => {
    const guard = sharedGuard;
    sharedGuard = null;
    void guard?.close();
  }, GUARD_IDLE_MS);
}

/**
 * Starts the decoding worker ahead of an import (when the user is shown the file dialog:
 * the first import after launch then does not wait 80–95 ms for it). Call the returned
 * function when the import is done or was cancelled; the worker is kept for the import.
 */
export function prepareBundleImport(): () => void {
  const guard = acquireGuard();
  guard.check(EMPTY_V2_UPDATE, 'v2').catch(() => {});
  let released = false;
  return () => {
    if (released) return;
    released = true;
    releaseGuard();
  };
}

/**
 * The bundle's update checked by the guard, then against the report: text that would
 * stand in a different place on each copy is refused (shared/neighbour-order.ts). (The
 * report may take other changes meanwhile; they only add characters, and never change
 * the order of those it has.)
 */
async function checkUpdate(bundle: Bundle, guard: UpdateGuard, doc: Y.Doc): Promise<{ reachesBeyond: boolean }> {
  let pairs;
  try {
    pairs = await guard.check(bundle.update, bundle.updateFormat);
  } catch (error) {
    throw new BundleError('damaged', `The changes in this file cannot be read (${(error as Error).message}). Nothing was imported.`);
  }
  if (neighbourOrderProblem(doc, pairs) !== null) throw misplacedTextError('');
  return { reachesBeyond: pairsReachBeyond(doc, pairs) };
}

function misplacedTextError(context: string): BundleError {
  return new BundleError('damaged', `The changes in this file${context} would put text in a different place on each copy of the report (between two characters that do not stand in that order). Plenary never writes that: the file was made or altered by something else. Nothing was imported.`);
}

/**
 * Files that place text by characters the report does not hold yet (`reachBeyond`, by
 * index), which another file of the import may bring: Yjs applies them together, so
 * their pairs are read together (alone, each would pass). The first such file is named.
 */
async function checkTogether(bundles: Bundle[], reachBeyond: number[], guard: UpdateGuard, inFile: InFile, doc: Y.Doc): Promise<void> {
  const [named] = reachBeyond;
  if (bundles.length < 2 || named === undefined) return;
  await inFile(named, async () => {
    let pairs;
    try {
      pairs = await guard.pairsTogether(bundles.map((bundle) => ({ update: bundle.update, format: bundle.updateFormat })));
    } catch (error) {
      throw new BundleError('damaged', `The changes in this file cannot be read together with the other files (${(error as Error).message}). Nothing was imported.`);
    }
    if (neighbourOrderProblem(doc, pairs) !== null) throw misplacedTextError(', together with the other files,');
  });
}

/**
 * Text waiting in the report (it follows a character not received yet) that the import
 * would let in misplaced is dropped, as on the sync links (neighbour-order-guard.ts):
 * the files are fine, and refusing them would let whoever left that text block them.
 */
function dropWaitingMisplacedBy(bundles: Bundle[], doc: Y.Doc): void {
  if (!doc.store.pendingStructs) return;
  const v1 = (bundle: Bundle): Uint8Array => (bundle.updateFormat === 'v2' ? Y.convertUpdateFormatV2ToV1(bundle.update) : bundle.update);
  dropMisplacedWaiting(doc, Y.mergeUpdates(bundles.map(v1)));
}

/** Runs one file's step; its refusal names the file when the import has several. */
type InFile = <T>(index: number, step: () => T) => T;

/**
 * A refusal of one of several files names that file, so the user knows which one to
 * leave out; with one file, "this file" is clear.
 */
function namingFilesOf(paths: string[]): InFile {
  const rename = (index: number) => (error: unknown): never => {
    if (paths.length < 2 || !(error instanceof BundleError)) throw error;
    const path = paths[index] ?? '';
    const named = error.message.includes(path) ? error.message : `${basename(path)}: ${error.message}`;
    throw new BundleError(error.problem, `${named} Leave that file out to import the others.`);
  };
  return (index, step) => {
    try {
      const result = step();
      return (result instanceof Promise ? result.catch(rename(index)) : result) as ReturnType<typeof step>;
    } catch (error) {
      return rename(index)(error);
    }
  };
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

/** The bundle with its stance records rebuilt from `items`; null when it needs items they lack. */
function restoredOrNull(bundle: Bundle, items: ItemText): Bundle | null {
  try {
    return restoreBundleStances(bundle, items, textHashNative);
  } catch (error) {
    if (error instanceof BundleError && error.problem === 'missing-earlier') return null;
    throw error;
  }
}

/** Reads item ranges from the (checked) updates of other bundles. */
function itemTextOf(updates: Uint8Array[]): ItemText {
  const strings = new Map<number, { clock: number; str: string }[]>();
  for (const update of updates) {
    for (const struct of Y.decodeUpdateV2(update).structs) {
      if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) {
        const list = strings.get(struct.id.client) ?? [];
        list.push({ clock: struct.id.clock, str: struct.content.str });
        strings.set(struct.id.client, list);
      }
    }
  }
  return ({ client, clock, len }) => {
    let text = '';
    for (const item of strings.get(client) ?? []) {
      const at = clock + text.length;
      if (item.clock <= at && at < item.clock + item.str.length) text += item.str.slice(at - item.clock, at - item.clock + len - text.length);
    }
    return text.length === len ? text : null;
  };
}

/**
 * Rebuilds the stance texts of the `waiting` bundles from the items of the others (a
 * chain of bundles from one sender imported at once), each checked by the guard before
 * its items are read; a bundle still lacking items refuses the import ('missing-earlier').
 */
async function restoreFromEachOther(bundles: Bundle[], waiting: number[], own: ItemText, guard: UpdateGuard, inFile: InFile, doc: Y.Doc, reachBeyond: number[]): Promise<void> {
  let left = waiting;
  while (left.length > 0) {
    const ready = bundles.filter((_, i) => !left.includes(i)).map((b) => b.update);
    const theirs = itemTextOf(ready);
    const items: ItemText = (range) => own(range) ?? theirs(range);
    const still: number[] = [];
    for (const index of left) {
      const whole = inFile(index, () => restoredOrNull(bundles[index]!, items));
      if (!whole) still.push(index);
      else {
        if ((await inFile(index, () => checkUpdate(whole, guard, doc))).reachesBeyond) reachBeyond.push(index);
        bundles[index] = whole;
      }
    }
    const stuck = still[0];
    if (stuck !== undefined && still.length === left.length) inFile(stuck, () => restoreBundleStances(bundles[stuck]!, items, textHashNative));
    left = still;
  }
}

/**
 * Refuses the import if some bundle continues from changes neither the report nor the
 * other bundles supply: bundles are accepted one by one when what is known so far covers
 * their base, each adding what its sender had; one left over is missing something.
 */
function checkBasesInOrder(bundles: Bundle[], local: Uint8Array, inFile: InFile): void {
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
  if (stuck) inFile(bundles.indexOf(stuck), () => checkBundleBase(stuck, Y.decodeStateVector(known)));
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
  if (options.guard) return importWith(options, options.guard);
  const guard = acquireGuard();
  try {
    return await importWith(options, guard);
  } finally {
    releaseGuard();
  }
}

async function importWith(options: ImportManyOptions, guard: UpdateGuard): Promise<ImportManyResult> {
  // The worker (if not running yet) starts while the files are read.
  guard.check(EMPTY_V2_UPDATE, 'v2').catch(() => {});
  const inFile = namingFilesOf(options.paths);
  const files = await Promise.all(options.paths.map(async (path, index) => ({ path, bytes: await inFile(index, () => readBundleFile(path)) })));
  const meta = readMeta(options.doc);
  const bundles: Bundle[] = [];
  // Each update goes to the guard's worker as soon as its file is read, so the worker
  // decodes one while this thread inflates the next.
  const checks: Promise<void>[] = [];
  // Files placing text by characters the report does not hold yet (checkTogether).
  const reachBeyond: number[] = [];
  const own = itemTextFrom(options.doc);
  // Bundles whose stance texts are made of items another bundle of this import brings.
  const waiting: number[] = [];
  try {
    for (const [index, { bytes }] of files.entries()) {
      const { bundle, whole } = inFile(index, () => {
        const read = decodeBundle(bytes, { inflate: inflateNative, sha256: sha256Native, brotli: brotliCodec.decompress });
        checkBundleFor(read, { id: meta.id, title: meta.title });
        return { bundle: read, whole: restoredOrNull(read, own) };
      });
      bundles.push(whole ?? bundle);
      if (whole) {
        const check = inFile(index, () => checkUpdate(whole, guard, options.doc)).then(({ reachesBeyond }) => {
          if (reachesBeyond) reachBeyond.push(index);
        });
        // Awaited with the others once every file is read; until then (the loop yields
        // between files) a refusal must not count as unhandled, which would end main.
        check.catch(() => {});
        checks.push(check);
      } else waiting.push(index);
      options.onProgress?.({ type: 'changesProgress', phase: 'checking', done: index + 1, total: files.length });
      // Lets the progress reach the window file by file (and the rest of main breathe).
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(checks);
    if (waiting.length > 0) await restoreFromEachOther(bundles, waiting, own, guard, inFile, options.doc, reachBeyond);
    await checkTogether(bundles, reachBeyond.sort((x, y) => x - y), guard, inFile, options.doc);
  } catch (error) {
    await Promise.allSettled(checks);
    throw error;
  }
  checkBasesInOrder(bundles, Y.encodeStateVector(options.doc), inFile);
  const imported = options.peers?.received(meta.id) ?? new Set<string>();
  for (const bundle of bundles) if (bundle.bundleId) imported.add(bundle.bundleId);
  bundles.forEach((bundle, index) => inFile(index, () => checkBundleContinues(bundle, (id) => imported.has(id))));
  options.onProgress?.({ type: 'changesProgress', phase: 'merging', done: 0, total: files.length });
  let changed = false;
  // Whether anything was new, read off the transaction (an 'update' listener would make
  // Yjs encode the merge for a doc that has no other such listener, as in the merge bench;
  // an open report's session listens anyway, and Yjs encodes once for all listeners).
  // Any of them: Yjs follows a remote change to formatted text with a transaction of its
  // own (cleaning up formatting), which must not hide the import's.
  const mark = (transaction: Y.Transaction): void => {
    changed ||= transactionChangedDoc(transaction);
  };
  options.doc.on('afterTransaction', mark);
  try {
    dropWaitingMisplacedBy(bundles, options.doc);
    options.doc.transact(() => {
      for (const bundle of bundles) applyBundleUpdate(options.doc, bundle, Origin.bundle);
    }, Origin.bundle);
  } finally {
    options.doc.off('afterTransaction', mark);
  }
  // An unnamed sender's bundle ids are kept too: the next one may continue from it.
  options.peers?.learnAll(meta.id, bundles.map((bundle) => ({ person: bundle.sender || UNNAMED_SENDER, stateVector: bundle.after, received: bundle.bundleId || undefined })));
  return {
    changed,
    bundles: bundles.map((bundle, i) => ({ path: files[i]!.path, sender: bundle.sender, createdAt: bundle.createdAt, bytes: files[i]!.bytes.length })),
  };
}
