/**
 * Hocuspocus extension that keeps every report in its own report file in the data
 * folder (`<data>/<report id>.plenary`), the same ReportStore format the desktop app
 * opens: the secretariat can open the server's copy of a report directly.
 *
 * Durability: the extension listens to the document's own 'update' event, which Yjs
 * fires synchronously inside `applyUpdate`, ahead of Hocuspocus's broadcast. Hocuspocus
 * acknowledges an update to the provider (its SyncStatus message, which clears
 * `unsyncedChanges`) only after `applyUpdate` returns, so an update is committed before
 * any other client sees it and before its sender is told it is stored. If the
 * commit fails, the exception aborts the message: no acknowledgement, the connection is
 * closed, and the client resends on reconnect.
 *
 * Power cut: the report files are in WAL mode with synchronous=NORMAL (see ReportStore);
 * instead of each store's once-a-second checkpoint on the event loop (two fsyncs per
 * report per second, which stalled every connection of the server while the disk was
 * busy), the server fsyncs each written report's -wal file once a second on libuv's
 * thread pool: every commit is still on disk within about a second, and the event loop
 * never waits for the disk. SQLite's own checkpoints (every ~1,000 WAL pages, and at
 * close) still sync as usual.
 *
 * Updates that arrive from another server process through Redis are not written again
 * when the processes share the data folder (the process that received them from a
 * client already committed them before acknowledging).
 */
import { join } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as Y from 'yjs';
import type { Extension, onLoadDocumentPayload, afterUnloadDocumentPayload, onStoreDocumentPayload } from '@hocuspocus/server';
import { isTransactionOrigin } from '@hocuspocus/server';
import { ReportStore } from '../report-store.ts';
import { ReportFileError } from '../report-errors.ts';
import { REPORT_EXTENSION } from '../report-store-schema.ts';
import { assertValidReportId } from './report-id.ts';
import type { Logger } from './log.ts';

export interface PersistenceOptions {
  dataDir: string;
  log: Logger;
  /** Also store updates relayed by Redis (set when each process has its own folder). */
  persistRelayed?: boolean;
  /** Merge a report's rows into one once it has this many (when the report is idle). */
  compactAfterRows?: number;
  /** How often written reports' WALs are fsynced (ms). */
  syncEveryMs?: number;
}

/** Makes a file's written data durable without blocking the event loop (libuv thread pool). */
async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Origin of the state loaded from disk, so it is not written back. */
const LOAD_ORIGIN = { source: 'local', skipStoreHooks: true, context: { plenary: 'load' } } as const;

export class SqlitePersistence implements Extension {
  extensionName = 'PlenarySqlitePersistence';
  private readonly logs = new Map<string, ReportStore>();
  private readonly options: PersistenceOptions;
  /** Reports written to since their WAL was last fsynced. */
  private readonly unsynced = new Set<string>();
  private syncing: Promise<void> = Promise.resolve();
  private readonly syncTimer: ReturnType<typeof setInterval>;

  constructor(options: PersistenceOptions) {
    this.options = options;
    mkdirSync(options.dataDir, { recursive: true });
    this.syncTimer = setInterval(() => void this.syncWals(), options.syncEveryMs ?? 1000);
    this.syncTimer.unref();
  }

  /** Fsyncs the WAL of every report written to since the last time, off the event loop. */
  syncWals(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const reports = [...this.unsynced];
      this.unsynced.clear();
      await Promise.all(reports.map(async (report) => {
        try {
          await fsyncFile(`${this.fileOf(report)}-wal`);
        } catch (error) {
          // No -wal: the report was closed, which checkpointed and synced it.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          this.unsynced.add(report);
          this.options.log('warn', 'report.sync_failed', { report, reason: (error as Error).message });
        }
      }));
    });
    return this.syncing;
  }

  fileOf(reportId: string): string {
    assertValidReportId(reportId);
    return join(this.options.dataDir, `${reportId}.${REPORT_EXTENSION}`);
  }

  async onLoadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    const log = openOrCreate(this.fileOf(documentName), documentName);
    log.stopFlushTimer(); // syncWals does it off the event loop
    this.logs.set(documentName, log);
    Y.applyUpdate(document, log.loadState(), LOAD_ORIGIN);
    let lastPending: Uint8Array | null = null;
    const persist = (update: Uint8Array, origin: unknown): void => {
      if (origin === LOAD_ORIGIN) return;
      if (!this.options.persistRelayed && isTransactionOrigin(origin) && origin.source === 'redis') return;
      log.append(update);
      this.unsynced.add(documentName);
    };
    // Run before Hocuspocus's own 'update' listener (which broadcasts to the other
    // clients), so no client ever receives an update the server could still lose.
    // lib0's Observable calls listeners in insertion order.
    const earlier = [...(document._observers.get('update') ?? [])] as Array<(...args: unknown[]) => void>;
    for (const listener of earlier) document.off('update', listener);
    document.on('update', persist);
    for (const listener of earlier) document.on('update', listener);
    // An update whose dependencies are missing is kept by Yjs as "pending" and fires no
    // 'update'; Hocuspocus still acknowledges it, so store the pending part as well
    // (Yjs keeps it in the v2 format; the report file holds v1).
    let lastPendingDs: Uint8Array | null = null;
    document.on('afterTransaction', () => {
      const pending = document.store.pendingStructs?.update ?? null;
      if (pending && pending !== lastPending) {
        log.append(Y.convertUpdateFormatV2ToV1(pending));
        this.unsynced.add(documentName);
      }
      lastPending = pending;
      const pendingDs = document.store.pendingDs;
      if (pendingDs && pendingDs !== lastPendingDs) {
        log.append(Y.convertUpdateFormatV2ToV1(pendingDs));
        this.unsynced.add(documentName);
      }
      lastPendingDs = pendingDs;
    });
    this.options.log('info', 'report.loaded', { report: documentName, rows: log.updateCount });
  }

  /** Called by Hocuspocus after a quiet period: a good moment to compact a long log. */
  async onStoreDocument({ documentName }: onStoreDocumentPayload): Promise<void> {
    const log = this.logs.get(documentName);
    const limit = this.options.compactAfterRows ?? 500;
    if (log && !log.isClosed && log.updateCount > limit) {
      const { before, after } = log.compact();
      this.options.log('info', 'report.compacted', { report: documentName, before, after });
    }
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    this.logs.get(documentName)?.close();
    this.logs.delete(documentName);
    this.options.log('info', 'report.unloaded', { report: documentName });
  }

  /** Flushes and closes every open report file (all appends are already committed). */
  closeAll(): void {
    clearInterval(this.syncTimer);
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
  }
}

/** Opens the report's file, creating it on first use; refuses a file of another report. */
function openOrCreate(path: string, reportId: string): ReportStore {
  let store: ReportStore;
  if (existsSync(path)) store = ReportStore.open(path);
  else {
    try {
      store = ReportStore.create(path, { reportId });
    } catch (error) {
      // Another server process (same data folder) created it first.
      if (error instanceof ReportFileError && error.code === 'exists') store = ReportStore.open(path);
      else throw error;
    }
  }
  if (store.reportId !== reportId) {
    store.close();
    throw new Error(`${path} holds report ${store.reportId}, not ${reportId}.`);
  }
  return store;
}
