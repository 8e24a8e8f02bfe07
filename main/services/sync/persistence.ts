/**
 * Hocuspocus extension that keeps every report in its own SQLite update log in the
 * data folder (`<data>/<report id>.sqlite`).
 *
 * Durability: the extension listens to the document's own 'update' event, which Yjs
 * fires synchronously inside `applyUpdate`. Hocuspocus acknowledges an update to the
 * provider (its SyncStatus message, which clears `unsyncedChanges`) only after
 * `applyUpdate` returns, so an acknowledged update is always committed first. If the
 * commit fails, the exception aborts the message: no acknowledgement, the connection is
 * closed, and the client resends on reconnect.
 *
 * Updates that arrive from another server process through Redis are not written again
 * when the processes share the data folder (the process that received them from a
 * client already committed them before acknowledging).
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import * as Y from 'yjs';
import type { Extension, onLoadDocumentPayload, afterUnloadDocumentPayload, onStoreDocumentPayload } from '@hocuspocus/server';
import { isTransactionOrigin } from '@hocuspocus/server';
import { openUpdateLog, type UpdateLog, type UpdateLogOptions } from './update-log.ts';
import { assertValidReportId } from './report-id.ts';
import type { Logger } from './log.ts';

export interface PersistenceOptions extends UpdateLogOptions {
  dataDir: string;
  log: Logger;
  /** Also store updates relayed by Redis (set when each process has its own folder). */
  persistRelayed?: boolean;
  /** Merge a report's log into one row once it has this many rows (on idle). */
  compactAfterRows?: number;
}

/** Origin of the state loaded from disk, so it is not written back. */
const LOAD_ORIGIN = { source: 'local', skipStoreHooks: true, context: { plenary: 'load' } } as const;

export class SqlitePersistence implements Extension {
  extensionName = 'PlenarySqlitePersistence';
  private readonly logs = new Map<string, UpdateLog>();
  private readonly options: PersistenceOptions;

  constructor(options: PersistenceOptions) {
    this.options = options;
    mkdirSync(options.dataDir, { recursive: true });
  }

  fileOf(reportId: string): string {
    assertValidReportId(reportId);
    return join(this.options.dataDir, `${reportId}.sqlite`);
  }

  async onLoadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    const log = openUpdateLog(this.fileOf(documentName), this.options);
    this.logs.set(documentName, log);
    Y.applyUpdate(document, log.loadState(), LOAD_ORIGIN);
    let lastPending: Uint8Array | null = null;
    document.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === LOAD_ORIGIN) return;
      if (!this.options.persistRelayed && isTransactionOrigin(origin) && origin.source === 'redis') return;
      log.append(update);
    });
    // An update whose dependencies are missing is kept by Yjs as "pending" and fires no
    // 'update'; Hocuspocus still acknowledges it, so store the pending part as well.
    document.on('afterTransaction', () => {
      const pending = document.store.pendingStructs?.update ?? null;
      if (pending && pending !== lastPending) log.append(pending);
      lastPending = pending;
    });
    this.options.log('info', 'report.loaded', { report: documentName, rows: log.rowCount });
  }

  /** Called by Hocuspocus after a quiet period: a good moment to compact a long log. */
  async onStoreDocument({ documentName }: onStoreDocumentPayload): Promise<void> {
    const log = this.logs.get(documentName);
    const limit = this.options.compactAfterRows ?? 5_000;
    if (log && log.rowCount > limit) {
      log.compact();
      this.options.log('info', 'report.compacted', { report: documentName, rows: log.rowCount });
    }
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    this.logs.get(documentName)?.close();
    this.logs.delete(documentName);
    this.options.log('info', 'report.unloaded', { report: documentName });
  }

  /** Closes every open log (all appends are already committed). */
  closeAll(): void {
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
  }
}
