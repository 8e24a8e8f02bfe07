/**
 * Hocuspocus extension that keeps every report in its own report file in the data
 * folder (`<data>/<report id>.plenary`), the same ReportStore format the desktop app
 * opens: the secretariat can open the server's copy of a report directly.
 *
 * Durability, with group commit: the extension listens to the document's own 'update'
 * event, which Yjs fires synchronously inside `applyUpdate`, ahead of Hocuspocus's
 * broadcast. The updates of one event-loop turn are collected per report and appended
 * in ONE transaction per report at the end of the turn (setImmediate, queued before
 * Hocuspocus's own end-of-turn broadcast): a busy server that reads many messages in a
 * turn commits once per report instead of once per update. From the first update of a
 * turn until that commit, the server's outbox (durable-outbox.ts) holds every message
 * to a socket and every Redis publish — the sender's acknowledgement (SyncStatus, which
 * clears the provider's `unsyncedChanges`), the broadcast, a new client's sync step 2 —
 * so an update is committed before any client or other process sees it and before its
 * sender is told it is stored. If a commit fails, that report's connections are closed
 * before the outbox is released (their held messages go nowhere), and until the report
 * has been unloaded every message for it is refused: its in-memory copy holds updates
 * the file lacks, and a client's resend of one of them would change nothing in it,
 * so it would be acknowledged without ever being stored. Reloaded from the file, the
 * report takes the clients' resends of what was never acknowledged. A client that
 * reconnects before the stale copy is unloaded waits for that (onConnect) instead of
 * being attached to it: with Redis, Hocuspocus unloads a report only a second after
 * its last connection left, and not at all if one arrives meanwhile, while the
 * provider's first retry is immediate. A refused connection's socket is closed, so its
 * provider reconnects: Hocuspocus alone would close only the report's side of it and
 * leave the provider on an open socket, never syncing again.
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
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as Y from 'yjs';
import type { Extension, onConnectPayload, onLoadDocumentPayload, afterUnloadDocumentPayload, onStoreDocumentPayload, beforeHandleMessagePayload } from '@hocuspocus/server';
import { isTransactionOrigin } from '@hocuspocus/server';
import { ReportStore } from '../report-store.ts';
import { makeFolder } from '../make-folder.ts';
import { ReportFileError } from '../report-errors.ts';
import { REPORT_EXTENSION } from '../report-store-schema.ts';
import { assertValidReportId, isIncomingCopy } from '../../../shared/report-id.ts';
import type { Logger } from './log.ts';
import type { DurableOutbox } from './durable-outbox.ts';
import { SERVER_COPY_UNUSABLE } from './refusal-message.ts';
import { transactionsBegunWaiting, waitingIn, type Waiting } from './waiting-updates.ts';

export interface PersistenceOptions {
  dataDir: string;
  log: Logger;
  /** Also store updates relayed by Redis (set when each process has its own folder). */
  persistRelayed?: boolean;
  /** Merge a report's rows into one once it has this many (when the report is idle). */
  compactAfterRows?: number;
  /** How often written reports' WALs are fsynced (ms). */
  syncEveryMs?: number;
  /** Held while a group commit is open (the server's sockets and Redis send through it). */
  outbox?: DurableOutbox;
  /**
   * Closes the sockets connected to a report (a closing socket sends nothing, and its
   * provider reconnects and resends): when its commit failed (before the outbox is
   * released), and when a message for it is refused.
   */
  dropConnections?: (reportId: string) => void;
  /**
   * Closes the socket of a connection not yet attached to a report (by its request), with
   * 1013 "try again": Hocuspocus answers a refused connection with a message and leaves
   * the socket open, and the provider would then wait on it for good.
   */
  closeWaiting?: (request: Request, reason: string) => void;
}

/** How often a connection waiting for a stale report to be unloaded looks again (ms). */
const STALE_UNLOAD_POLL_MS = 20;
/** How long it waits at most: then it is refused, and its provider retries later. */
const STALE_UNLOAD_WAIT_MS = 10_000;

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
  /** Updates of the current turn not yet committed, per report, in arrival order. */
  private readonly batches = new Map<string, Uint8Array[]>();
  private commitScheduled = false;
  /** Reports whose commit failed: refused until unloaded (see the module doc). */
  private readonly failed = new Set<string>();
  /** Per report, its waiting updates as last written, and the rows holding them (none known after a load or a compaction). */
  private readonly waiting = new Map<string, Waiting & { rows: number[] }>();
  /** The loaded reports' documents (Hocuspocus's, which buffer their broadcast until the turn ends). */
  private readonly documents = new Map<string, Y.Doc & { flush?: () => unknown }>();

  constructor(options: PersistenceOptions) {
    this.options = options;
    makeFolder(options.dataDir);
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
    if (isIncomingCopy(documentName)) return; // held in memory only (incoming-copies.ts)
    const log = this.openReport(documentName);
    log.stopFlushTimer(); // syncWals does it off the event loop
    this.logs.set(documentName, log);
    this.documents.set(documentName, document);
    Y.applyUpdate(document, log.loadState(), LOAD_ORIGIN);
    const waitedAtStart = transactionsBegunWaiting(document);
    const persist = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
      if (origin === LOAD_ORIGIN) return;
      // A relayed update is stored by the process a client sent it to; but one that let
      // updates waiting here into the report is stored here too, as the rows that held
      // them are replaced by what still waits.
      if (!this.options.persistRelayed && isTransactionOrigin(origin) && origin.source === 'redis' && !waitedAtStart.has(transaction)) return;
      this.enqueue(documentName, update);
    };
    // Run before Hocuspocus's own 'update' listener (which broadcasts to the other
    // clients), so no client ever receives an update the server could still lose.
    // lib0's Observable calls listeners in insertion order.
    const earlier = [...(document._observers.get('update') ?? [])] as Array<(...args: unknown[]) => void>;
    for (const listener of earlier) document.off('update', listener);
    document.on('update', persist);
    for (const listener of earlier) document.on('update', listener);
    // An update whose dependencies are missing is kept by Yjs as "pending" and fires no
    // 'update'; Hocuspocus still acknowledges it, so what waits is stored as well. Looked
    // at once the 'update' events are out (what a transaction took from the waiting set
    // is then queued), and written with the turn's commit.
    this.waiting.set(documentName, { ...waitingIn(document), rows: [] });
    document.on('afterAllTransactions', () => {
      if (this.waitingToWrite(documentName)) this.enqueue(documentName, null);
    });
    this.options.log('info', 'report.loaded', { report: documentName, rows: log.updateCount });
  }

  /**
   * The report's file, made if it is new. One it cannot open (damaged, or another report's
   * under this name) is left as it is; the refusal tells the member it is the server's
   * copy, not their access, and the log names the file for whoever runs the server.
   */
  private openReport(reportId: string): ReportStore {
    const file = this.fileOf(reportId);
    try {
      return openOrCreate(file, reportId);
    } catch (error) {
      this.options.log('error', 'report.load_failed', { report: reportId, file, reason: (error as Error).message });
      // (No message: Hocuspocus prints a failed hook's message on stderr, once more.)
      throw Object.assign(new Error(), { reason: SERVER_COPY_UNUSABLE });
    }
  }

  /**
   * Queues an update (or, for null, the report's waiting updates as they will then be)
   * for this turn's commit. Without an outbox to hold the acknowledgements until then
   * (a bare extension, as in tests), it commits at once.
   */
  private enqueue(reportId: string, update: Uint8Array | null): void {
    const updates = update ? [update] : [];
    const outbox = this.options.outbox;
    if (!outbox) {
      this.commitReport(reportId, updates);
      return;
    }
    const batch = this.batches.get(reportId);
    if (batch) batch.push(...updates);
    else this.batches.set(reportId, updates);
    outbox.hold();
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.commitPending());
    }
  }

  /** Commits every report's queued updates (one transaction each), then releases the outbox. */
  commitPending(): void {
    this.commitScheduled = false;
    const batches = [...this.batches];
    this.batches.clear();
    for (const [reportId, updates] of batches) {
      try {
        this.commitReport(reportId, updates);
      } catch (error) {
        this.options.log('error', 'report.commit_failed', { report: reportId, updates: updates.length, reason: (error as Error).message });
        this.failed.add(reportId);
        this.options.dropConnections?.(reportId);
      }
    }
    // Hocuspocus would broadcast the turn's changes of each report in an immediate of
    // its own, after this one: flushed now, the broadcasts join the acknowledgements in
    // the outbox and leave with them, one write per socket (durable-outbox.ts).
    for (const [reportId] of batches) {
      if (!this.failed.has(reportId)) this.documents.get(reportId)?.flush?.();
    }
    this.options.outbox?.release();
  }

  /**
   * Appends the updates, and the report's waiting updates in place of their last form
   * when they changed: they are rewritten whole each time (Yjs merges them into one),
   * and the rows of the last form hold nothing the new one or the report lacks.
   */
  private commitReport(reportId: string, updates: Uint8Array[]): void {
    const log = this.logs.get(reportId);
    if (!log || log.isClosed) throw new Error(`The report file of ${reportId} is closed.`);
    const written = this.waiting.get(reportId);
    const now = this.waitingToWrite(reportId);
    if (written && now) {
      const by = [now.structs, now.deletions].flatMap((waiting) => (waiting ? [Y.convertUpdateFormatV2ToV1(waiting)] : []));
      const rows = log.appendReplacing(updates, { rows: written.rows, by });
      this.waiting.set(reportId, { ...now, rows });
    } else if (updates.length > 0) log.appendAll(updates);
    else return;
    this.unsynced.add(reportId);
  }

  /** The report's waiting updates when they are not as last written, else null. */
  private waitingToWrite(reportId: string): Waiting | null {
    const written = this.waiting.get(reportId);
    const document = this.documents.get(reportId);
    if (!written || !document) return null;
    const now = waitingIn(document);
    return now.structs !== written.structs || now.deletions !== written.deletions ? now : null;
  }

  /** True when the report's last commit failed and it has not been reloaded since: nothing of it may leave. */
  hasFailed(reportId: string): boolean {
    return this.failed.has(reportId);
  }

  /**
   * A connection to a report whose commit failed waits, before it is attached, until
   * the stale copy is unloaded (its connections closed, its unload asked for); it then
   * loads the report afresh from its file.
   */
  async onConnect({ documentName, instance, request }: onConnectPayload): Promise<void> {
    if (!this.failed.has(documentName)) return; // a report being unloaded otherwise is kept for this connection
    const giveUpAt = Date.now() + STALE_UNLOAD_WAIT_MS;
    while (this.failed.has(documentName)) {
      if (Date.now() > giveUpAt) {
        const reason = 'The report is being reloaded; try again.';
        this.options.log('warn', 'connection.refused', { report: documentName, reason });
        this.options.closeWaiting?.(request, reason);
        // (No message: Hocuspocus would print it on stderr at every refused attempt; logged above.)
        throw Object.assign(new Error(), { code: 1013, reason });
      }
      const stale = instance.documents.get(documentName);
      if (stale) {
        if (stale.getConnectionsCount() > 0) this.options.dropConnections?.(documentName);
        await instance.unloadDocument(stale); // the unload under way, or a new one; nothing while a store runs
      }
      if (this.failed.has(documentName)) await new Promise((resolve) => setTimeout(resolve, STALE_UNLOAD_POLL_MS));
    }
    await instance.unloadingDocuments.get(documentName); // its other extensions' unload hooks
  }

  /**
   * Refuses every message for a report whose in-memory copy is ahead of its file, and
   * closes the sockets on that copy: their providers reconnect (and wait in onConnect).
   */
  async beforeHandleMessage({ documentName }: beforeHandleMessagePayload): Promise<void> {
    if (!this.failed.has(documentName)) return;
    this.options.dropConnections?.(documentName);
    throw Object.assign(new Error('The report could not be stored.'), { code: 1011, reason: 'The report could not be stored.' });
  }

  /** Called by Hocuspocus after a quiet period: a good moment to compact a long log. */
  async onStoreDocument({ documentName }: onStoreDocumentPayload): Promise<void> {
    const log = this.logs.get(documentName);
    const limit = this.options.compactAfterRows ?? 500;
    if (log && !log.isClosed && log.updateCount > limit) {
      const { before, after } = log.compact();
      const waiting = this.waiting.get(documentName);
      if (waiting) waiting.rows = []; // merged into the one row left
      this.options.log('info', 'report.compacted', { report: documentName, before, after });
    }
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    if (isIncomingCopy(documentName)) return;
    if (this.batches.has(documentName)) this.commitPending(); // nothing queued is dropped by a close
    this.failed.delete(documentName);
    this.documents.delete(documentName);
    this.waiting.delete(documentName);
    this.logs.get(documentName)?.close();
    this.logs.delete(documentName);
    this.options.log('info', 'report.unloaded', { report: documentName });
  }

  /** Commits what is queued, then flushes and closes every open report file. */
  closeAll(): void {
    if (this.batches.size > 0) this.commitPending();
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
