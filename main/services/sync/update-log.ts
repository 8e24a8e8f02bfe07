/**
 * The server's durable store for one report: an append-only log of Yjs updates in a
 * SQLite file (better-sqlite3, WAL). `append` commits synchronously, so when it returns
 * the update survives a killed process; the server calls it before it acknowledges the
 * update to the client.
 *
 * Same shape as the report store of the desktop app (open, append, loadState, compact,
 * close); the server keeps its own small file per report so it does not depend on the
 * app's meta tables.
 */
import Database from 'better-sqlite3';
import * as Y from 'yjs';

export interface UpdateLog {
  /** Appends one update in its own transaction; durable when it returns. */
  append(update: Uint8Array): void;
  /** The whole report as one update (empty doc → a valid empty update). */
  loadState(): Uint8Array;
  /** Number of stored rows, to decide when to compact. */
  readonly rowCount: number;
  /** Replaces all rows by one merged update, in one transaction. */
  compact(): void;
  close(): void;
}

export interface UpdateLogOptions {
  /**
   * 'process' (default): a commit survives the server process being killed (WAL,
   * synchronous=NORMAL). 'power': it also survives power loss (fsync per commit).
   */
  durability?: 'process' | 'power';
}

export function openUpdateLog(path: string, options: UpdateLogOptions = {}): UpdateLog {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durability === 'power' ? 'FULL' : 'NORMAL'}`);
  // Two server processes may share a data folder (Redis scale-out): wait, do not fail.
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO updates (data) VALUES (?)');
  const selectAll = db.prepare('SELECT data FROM updates ORDER BY seq').pluck();
  const count = db.prepare('SELECT count(*) FROM updates').pluck();
  const deleteUpTo = db.prepare('DELETE FROM updates WHERE seq <= ?');
  const maxSeq = db.prepare('SELECT max(seq) FROM updates').pluck();
  let rows = count.get() as number;

  const readMerged = (): Uint8Array => {
    const updates = (selectAll.all() as Buffer[]).map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    if (updates.length === 0) return Y.encodeStateAsUpdate(new Y.Doc());
    return updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
  };

  return {
    append(update) {
      insert.run(Buffer.from(update.buffer, update.byteOffset, update.byteLength));
      rows += 1;
    },
    loadState: readMerged,
    get rowCount() {
      return rows;
    },
    compact() {
      db.transaction(() => {
        const upTo = maxSeq.get() as number | null;
        if (upTo === null) return;
        const merged = readMerged();
        deleteUpTo.run(upTo);
        insert.run(Buffer.from(merged));
      }).immediate();
      rows = count.get() as number;
    },
    close() {
      db.close();
    },
  };
}
