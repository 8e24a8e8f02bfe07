/**
 * ReportStore: one report is one SQLite file (format in report-store-schema.ts), and
 * every Yjs update is appended to it, in its own committed transaction, before `append`
 * returns — so before the update is acknowledged to the peer that sent it.
 *
 * ## Durability: which settings, and why
 * The promise is "nothing typed is lost when the app crashes or is killed; at most the
 * last second on a power cut". It rests on three SQLite settings and one timer:
 *
 * - `journal_mode = WAL`. A commit appends the transaction's pages to the -wal file
 *   with write(); the write is in the operating system's page cache when the INSERT
 *   returns. A process that is killed (SIGKILL, a crash, the task manager) loses only
 *   its own memory, never the OS cache: the next open replays the WAL. SQLite's docs
 *   (pragma synchronous): "transactions are durable across application crashes
 *   regardless of the synchronous setting or journal mode". test/integration/
 *   kill-durability.test.ts checks this with 200 SIGKILLs of a writing process.
 * - `synchronous = NORMAL`. In WAL mode this never fsyncs on commit, only "before each
 *   checkpoint" (the WAL) and "after each completed checkpoint" (the database file), so
 *   typing costs no disk flush per keystroke. The database stays consistent after a
 *   power loss, but commits since the last sync may roll back (SQLite: "A transaction
 *   committed in WAL mode with synchronous=NORMAL might roll back following a power
 *   loss or system crash").
 * - A once-per-second flush while there are unsynced commits (`flush`): a
 *   `PRAGMA wal_checkpoint(PASSIVE)`, which fsyncs the WAL and then copies its pages
 *   into the database file and fsyncs that. A passive checkpoint cannot backfill frames
 *   that another process is still reading (a reader pins its snapshot); it then may
 *   skip the WAL sync, so in that case the flush commits one small write under
 *   `synchronous = FULL` instead, which fsyncs the WAL on commit ("an additional sync
 *   ... after each transaction commit"). Either way everything committed before the
 *   flush is on disk: a power cut loses at most the last second of typing.
 * - `close()` flushes and closes; the last connection to close checkpoints the WAL and
 *   deletes it, leaving one self-contained file to e-mail or copy.
 *
 * ## Refusing bad files without touching them
 * `inspectReportFile` decides before anything is opened for writing. It reads the
 * file's bytes (header checks in report-store-schema.ts), then opens a copy of them in
 * memory (SQLite would otherwise create -wal/-shm files even for a read-only open of a
 * WAL-mode file) and checks tables, meta, `quick_check` and that every update decodes.
 * Only a file left with a live -wal by a crash is opened read-only on disk, since the
 * WAL holds part of its contents; its side files exist already.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, existsSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { ReportFileError, reportFileError } from './report-errors.ts';
import {
  APPLICATION_ID, FORMAT_VERSION, checkHeader, hasLiveWal, inMemoryImage, migrate, statReportFile,
} from './report-store-schema.ts';

/** Rows above which opening a report merges them into one (atomically). */
export const COMPACT_ABOVE_ROWS = 500;
const FLUSH_INTERVAL_MS = 1000;
/**
 * How long a write waits for another process's write lock before failing. Short, as
 * main's thread waits: a failed append is kept by OpenReport and retried.
 */
const BUSY_TIMEOUT_MS = 2000;

export interface ReportFileInfo {
  reportId: string;
  formatVersion: number;
  created: string;
  updateCount: number;
}

interface Inspection extends ReportFileInfo {
  updates: Uint8Array[];
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

/** Maps an SQLite error met while reading a candidate file to a refusal. */
function refusalFor(path: string, error: unknown): ReportFileError {
  if (error instanceof ReportFileError) return error;
  const code = sqliteCode(error);
  if (code === 'SQLITE_NOTADB') return reportFileError('not-sqlite', path, undefined, error);
  if (code.startsWith('SQLITE_CORRUPT')) return reportFileError('corrupt', path, 'its pages are damaged', error);
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_PERM') {
    return reportFileError('unreadable', path, code, error);
  }
  return reportFileError('corrupt', path, (error as Error).message, error);
}

function assertUpdates(updates: readonly Uint8Array[]): void {
  for (const update of updates) {
    if (!(update instanceof Uint8Array) || update.length === 0) throw new TypeError('An update must be a non-empty Uint8Array.');
  }
}

function readUpdates(db: Database.Database): Array<{ seq: number; data: unknown }> {
  return db.prepare('SELECT seq, data FROM updates ORDER BY seq').all() as Array<{ seq: number; data: unknown }>;
}

function checkContents(path: string, db: Database.Database): Inspection {
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw reportFileError('corrupt', path, 'its pages are damaged');
  if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) throw reportFileError('not-a-report', path);
  const formatVersion = db.pragma('user_version', { simple: true }) as number;
  if (formatVersion > FORMAT_VERSION) {
    throw reportFileError('newer-version', path, `format ${formatVersion}; this version reads up to format ${FORMAT_VERSION}`);
  }
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name));
  if (!tables.has('meta') || !tables.has('updates')) throw reportFileError('corrupt', path, 'its tables are missing');
  const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
  const reportId = meta.get('reportId');
  if (!reportId) throw reportFileError('corrupt', path, 'it has no report id');
  const updates: Uint8Array[] = [];
  for (const row of readUpdates(db)) {
    if (!(row.data instanceof Uint8Array)) throw reportFileError('corrupt', path, `saved change no. ${row.seq} is not binary`);
    try {
      Y.decodeUpdate(row.data);
    } catch (error) {
      throw reportFileError('corrupt', path, `saved change no. ${row.seq} cannot be read`, error);
    }
    updates.push(row.data);
  }
  return { reportId, formatVersion, created: meta.get('created') ?? '', updateCount: updates.length, updates };
}

function inspect(path: string): Inspection {
  statReportFile(path);
  const liveWal = hasLiveWal(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw reportFileError('unreadable', path, (error as NodeJS.ErrnoException).code, error);
  }
  checkHeader(path, bytes, liveWal);
  let db: Database.Database | undefined;
  try {
    db = liveWal
      ? new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS })
      : new Database(inMemoryImage(bytes), { readonly: true });
    return checkContents(path, db);
  } catch (error) {
    throw refusalFor(path, error);
  } finally {
    db?.close();
  }
}

/**
 * Checks, without modifying it or creating anything beside it, that a file is a report
 * this app can open; throws a ReportFileError with a user-facing message otherwise.
 */
export function inspectReportFile(path: string): ReportFileInfo {
  const { updates: _updates, ...info } = inspect(path);
  return info;
}

function fsyncPath(path: string, flags: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, flags);
    fsyncSync(fd);
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tempPathBeside(path: string, purpose: string): string {
  return join(dirname(path), `.${basename(path)}.${purpose}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Moves a finished temporary file into place and makes the rename durable. */
function publish(temp: string, path: string): void {
  fsyncPath(temp, 'r+');
  renameSync(temp, path);
  fsyncPath(dirname(path), 'r');
}

export interface CreateOptions {
  reportId: string;
  /** ISO time; now when omitted. */
  created?: string;
  /** The report's initial content as one Yjs update. */
  initialUpdate?: Uint8Array;
}

export class ReportStore {
  readonly path: string;
  readonly reportId: string;
  private readonly db: Database.Database;
  private readonly insertUpdate: Database.Statement<[Uint8Array]>;
  private readonly deleteUpdate: Database.Statement<[number]>;
  private insertMany: ((rows: readonly Uint8Array[]) => void) | null = null;
  private replaceRows: ((rows: readonly Uint8Array[], withdrawn: readonly number[], by: readonly Uint8Array[]) => number[]) | null = null;
  private dirty = false;
  private closed = false;
  private cachedStateVector: Uint8Array | null = null;
  private readonly flushTimer: ReturnType<typeof setInterval>;

  private constructor(path: string, db: Database.Database, reportId: string) {
    this.path = path;
    this.db = db;
    this.reportId = reportId;
    this.insertUpdate = db.prepare('INSERT INTO updates (data) VALUES (?)');
    this.deleteUpdate = db.prepare('DELETE FROM updates WHERE seq = ?');
    this.flushTimer = setInterval(() => this.flushQuietly(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  /** Opens an existing report, refusing (unmodified) anything that is not one. */
  static open(path: string, options: { compactAboveRows?: number } = {}): ReportStore {
    const info = inspect(path);
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    } catch (error) {
      throw refusalFor(path, error);
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      if (info.formatVersion < FORMAT_VERSION) migrate(db, info.formatVersion);
    } catch (error) {
      db.close();
      throw refusalFor(path, error);
    }
    const store = new ReportStore(path, db, info.reportId);
    if (info.updateCount > (options.compactAboveRows ?? COMPACT_ABOVE_ROWS)) store.compact();
    return store;
  }

  /**
   * Creates a new report file and opens it. The file is built under a temporary name
   * and renamed into place complete, so no half-made report is ever seen at `path`.
   */
  static create(path: string, options: CreateOptions): ReportStore {
    if (existsSync(path)) throw reportFileError('exists', path);
    const temp = tempPathBeside(path, 'creating');
    try {
      const db = new Database(temp);
      try {
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.pragma('journal_mode = WAL');
        migrate(db, 0);
        db.transaction(() => {
          const setMeta = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
          setMeta.run('reportId', options.reportId);
          setMeta.run('created', options.created ?? new Date().toISOString());
          if (options.initialUpdate) db.prepare('INSERT INTO updates (data) VALUES (?)').run(options.initialUpdate);
        })();
      } finally {
        db.close(); // checkpoints and removes the temporary -wal
      }
      if (existsSync(path)) throw reportFileError('exists', path);
      publish(temp, path);
    } finally {
      for (const leftover of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(leftover, { force: true });
    }
    return ReportStore.open(path);
  }

  /** All saved updates merged into one. */
  loadState(): Uint8Array {
    this.assertOpen();
    const rows = readUpdates(this.db).map((row) => row.data as Uint8Array);
    return Y.mergeUpdates(rows);
  }

  /** The state vector of everything saved (for sync step 1 against the file). */
  get stateVector(): Uint8Array {
    this.cachedStateVector ??= Y.encodeStateVectorFromUpdate(this.loadState());
    return this.cachedStateVector;
  }

  get updateCount(): number {
    this.assertOpen();
    return (this.db.prepare('SELECT count(*) AS n FROM updates').get() as { n: number }).n;
  }

  /**
   * Appends one Yjs update. Returns only after its transaction has committed: from then
   * on the update survives the process being killed (see the module doc).
   */
  append(update: Uint8Array): void {
    this.appendAll([update]);
  }

  /**
   * Appends several updates, one row each, in ONE transaction (group commit: one WAL
   * commit for all of them). Returns only after it has committed; if it throws, none
   * of them is stored.
   */
  appendAll(updates: readonly Uint8Array[]): void {
    this.assertOpen();
    assertUpdates(updates);
    if (updates.length === 0) return;
    if (updates.length === 1) this.insertUpdate.run(updates[0]!);
    else this.insertAll(updates);
    this.written();
  }

  private insertAll(updates: readonly Uint8Array[]): void {
    this.insertMany ??= this.db.transaction((rows: readonly Uint8Array[]) => {
      for (const row of rows) this.insertUpdate.run(row);
    });
    this.insertMany(updates);
  }

  /**
   * Appends `updates`, and replaces the rows `replaced.rows` by the updates
   * `replaced.by`, in ONE transaction. Returns the seqs of the replacing rows. For what
   * is rewritten whole whenever it changes (the updates a sync server holds that wait
   * for their dependencies, persistence.ts): the file keeps its latest form only. The
   * caller answers for the replaced rows holding nothing the file does not have elsewhere.
   */
  appendReplacing(updates: readonly Uint8Array[], replaced: { rows: readonly number[]; by: readonly Uint8Array[] }): number[] {
    this.assertOpen();
    assertUpdates(updates);
    assertUpdates(replaced.by);
    this.replaceRows ??= this.db.transaction((rows: readonly Uint8Array[], withdrawn: readonly number[], by: readonly Uint8Array[]) => {
      for (const row of rows) this.insertUpdate.run(row);
      for (const seq of withdrawn) this.deleteUpdate.run(seq);
      return by.map((row) => Number(this.insertUpdate.run(row).lastInsertRowid));
    });
    const seqs = this.replaceRows(updates, replaced.rows, replaced.by);
    this.written();
    return seqs;
  }

  private written(): void {
    this.dirty = true;
    this.cachedStateVector = null;
  }

  /**
   * Replaces all rows by their merge, in one transaction: a crash leaves either the old
   * rows or the merged one, never neither. Returns the row counts before and after.
   */
  compact(): { before: number; after: number } {
    this.assertOpen();
    const result = this.db.transaction(() => {
      const rows = readUpdates(this.db);
      if (rows.length <= 1) return { before: rows.length, after: rows.length };
      const merged = Y.mergeUpdates(rows.map((row) => row.data as Uint8Array));
      const last = rows[rows.length - 1]!.seq;
      this.db.prepare('DELETE FROM updates WHERE seq <= ?').run(last);
      this.insertUpdate.run(merged);
      return { before: rows.length, after: 1 };
    }).immediate();
    this.dirty = true;
    return result;
  }

  /** Makes every committed update safe from a power cut (see the module doc). */
  flush(): void {
    this.assertOpen();
    if (!this.dirty) return;
    const [status] = this.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    if (!status || status.busy !== 0 || status.checkpointed < status.log) {
      // A reader pins frames the checkpoint could not copy: sync the WAL by a commit.
      this.db.pragma('synchronous = FULL');
      try {
        this.db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('flushed', ?)`).run(new Date().toISOString());
      } finally {
        this.db.pragma('synchronous = NORMAL');
      }
    }
    this.dirty = false;
  }

  private flushQuietly(): void {
    try {
      this.flush();
    } catch {
      // Busy or a transient I/O error: still dirty, tried again on the next tick.
    }
  }

  /**
   * Writes a consistent copy of the report to `target` (VACUUM INTO a temporary file,
   * checked to open as a report, then renamed into place, replacing any file there).
   */
  copyTo(target: string): void {
    this.assertOpen();
    const temp = tempPathBeside(target, 'copying');
    try {
      this.db.prepare('VACUUM INTO ?').run(temp);
      inspectReportFile(temp);
      publish(temp, target);
    } finally {
      rmSync(temp, { force: true });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Stops the once-a-second flush on this thread: the caller takes over making commits
   * safe from a power cut (the sync server fsyncs the -wal file on libuv's thread pool,
   * so a busy disk does not stall its event loop; see sync/persistence.ts). `close()`
   * still flushes.
   */
  stopFlushTimer(): void {
    clearInterval(this.flushTimer);
  }

  /** Flushes and closes; the file is then one self-contained report. Idempotent. */
  close(): void {
    if (this.closed) return;
    clearInterval(this.flushTimer);
    this.flushQuietly();
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The report store for ${this.path} is closed.`);
  }
}
