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
 * Export writes format 5 (shared/bundle.ts): the update compressed with Brotli
 * (bundle-codecs.ts) and the texts of stances on paragraphs the recipient has named by
 * their Yjs items instead of carried (shared/bundle-stances.ts).
 *
 * Import (bundle-import.ts): the file is read whole (bounded by MAX_BUNDLE_BYTES), its
 * framing and checksum checked, its update decompressed within a bound (formats 2 to 5),
 * its report id compared with the open report's, its stance texts rebuilt (format 5), its
 * update decoded within a size and time bound (UpdateGuard, the sync server's guard for
 * untrusted updates), and only then applied, in one transaction with Origin.bundle — so a
 * refused bundle leaves the report (and its file) exactly as it was. Importing the same
 * bundle again is a no-op: Yjs ignores what it already has, and no update is written.
 * Several files (Import changes… with members' files picked together) are checked first,
 * all of them, then merged in one transaction; one refused refuses them all, naming it.
 * A file placing text by characters another file of the import brings is checked with
 * them, and with what waits in the report (neighbour-order.ts): alone, each would pass.
 */
import { readFileSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { type BundleOptions, BundleError, brotliPayload, encodeCompressedBundle, mergeStateVectors, newBundleId, prepareBundle } from '../../shared/bundle.ts';
import { deletionsOfSnapshot } from '../../shared/bundle-deletions.ts';
import { readMeta } from '../../shared/ydoc.ts';
import { writeFileAtomic } from './export/write-file.ts';
import { brotliCompressAsync } from './bundle-codecs.ts';

export { brotliCodec, inflateNative } from './bundle-codecs.ts';
export { importBundle, importBundles, prepareBundleImport, type ImportManyOptions, type ImportManyResult, type ImportOptions, type ImportResult } from './bundle-import.ts';

export const BUNDLE_PEERS_FILE = 'bundle-peers.json';

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

type PeerFile = Record<string, Record<string, PeerRecord>>;

interface PeerNews {
  sent?: { bundleId: string; snapshot: Uint8Array };
  received?: string;
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const personKey = (name: string): string => name.trim().toLowerCase();

/** Identifies one version of the file: it is only ever replaced by a rename (a new inode). */
const versionOf = (file: string): string | null => {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
  } catch {
    return null;
  }
};

/** What each person is known to have, per report, kept in the data folder. */
export class BundlePeers {
  private readonly file: string;
  private readonly dataDir: string;
  /**
   * The file as last read or written, while it is unchanged on disk: an export consults it
   * and then records the bundle; with snapshots of a report's deletions per person it can
   * be large, so it is read and parsed once, not once per question.
   */
  private cached: { version: string; all: PeerFile } | null = null;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.file = join(dataDir, BUNDLE_PEERS_FILE);
  }

  /** The parsed file, shared with the cache: a caller that changes it calls `forChange` instead. */
  private readAll(): PeerFile {
    const version = versionOf(this.file);
    if (version !== null && this.cached?.version === version) return this.cached.all;
    this.cached = null;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      const all = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as PeerFile : {};
      if (version !== null) this.cached = { version, all };
      return all;
    } catch {
      return {};
    }
  }

  /** The parsed file to change and `write`; the cache lets go of it until then. */
  private forChange(): PeerFile {
    const all = this.readAll();
    this.cached = null;
    return all;
  }

  private write(all: PeerFile): void {
    this.cached = null;
    mkdirSync(this.dataDir, { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`);
    renameSync(temp, this.file);
    const version = versionOf(this.file);
    if (version !== null) this.cached = { version, all };
  }

  /** The state vector `person` is known to have for the report, if any. */
  known(reportId: string, person: string): Uint8Array | undefined {
    return this.knownIn(this.readAll()[reportId]?.[personKey(person)]);
  }

  /**
   * What a bundle for `person` builds on: the state vector they are known to have and,
   * with it, the last bundle made for them and the deletions it carried (`sent`).
   */
  recipient(reportId: string, person: string): { known?: Uint8Array; sent: BundleOptions['known'] } {
    const record = this.readAll()[reportId]?.[personKey(person)];
    return { known: this.knownIn(record), sent: this.sentIn(record) };
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

  /** The last bundle made for a person, with the deletions it carried, if known. */
  private sentIn(record: PeerRecord | undefined): BundleOptions['known'] {
    const sent = record?.sent;
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
    const all = this.forChange();
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
    this.write(all);
  }

  forget(reportId: string, person: string): void {
    const all = this.forChange();
    if (!all[reportId]?.[personKey(person)]) return;
    delete all[reportId][personKey(person)];
    this.write(all);
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
  const recipient = options.complete ? undefined : options.peers?.recipient(meta.id, options.recipient);
  const base = recipient?.known;
  const known = base && recipient.sent;
  const bundleId = newBundleId();
  // What the bundle holds, taken before the write (the report may change meanwhile); its
  // delete set and state vector serve the bundle too.
  const now = Y.snapshot(options.doc);
  const bundle = prepareBundle(options.doc, {
    reportId: meta.id,
    reportTitle: meta.title,
    sender: options.sender,
    recipient: options.recipient.trim(),
    createdAt: new Date().toISOString(),
  }, base, { bundleId, known, brotli: true, snapshot: now });
  const payload = brotliPayload(bundle);
  const bytes = encodeCompressedBundle(bundle, payload.length, await brotliCompressAsync(payload));
  const stateVector = Y.encodeStateVector(now.sv);
  const snapshot = Y.encodeSnapshotV2(now);
  await writeFileAtomic(options.path, bytes);
  // Once they import it they have all we have now.
  options.peers?.learn(meta.id, options.recipient, stateVector, { sent: { bundleId, snapshot } });
  return { path: options.path, bytes: bytes.length, complete: base === undefined };
}
