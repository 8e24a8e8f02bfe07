/**
 * The on-disk format of a report file (SQLite as an application file format) and the
 * checks that decide, from the raw bytes alone, whether a file may be opened.
 *
 * Format, version 1:
 * - `PRAGMA application_id` = APPLICATION_ID ('PLNR'), so `file(1)` and we can tell a
 *   report from any other SQLite database;
 * - `PRAGMA user_version` = the format version;
 * - `meta(key TEXT PRIMARY KEY, value TEXT)`: 'reportId', 'formatVersion', 'created';
 * - `updates(seq INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB)`: Yjs updates (v1
 *   encoding) in the order they were made; the document is their merge.
 *
 * A newer app that changes the format raises FORMAT_VERSION and adds a migration to
 * MIGRATIONS; an older app refuses files whose user_version it does not know.
 */
import { existsSync, statSync, type Stats } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { reportFileError } from './report-errors.ts';

/** 'PLNR' as a big-endian 32-bit integer (positive, as SQLite stores it signed). */
export const APPLICATION_ID = 0x504c4e52;

/** The format this app writes. */
export const FORMAT_VERSION = 1;

/** File extension of report files (without the dot). */
export const REPORT_EXTENSION = 'plenary';

/** Brings a database from `from - 1` to `from`. Runs inside one transaction. */
export interface Migration {
  to: number;
  migrate(db: BetterSqlite3.Database): void;
}

/** The format's history: MIGRATIONS[i] produces version i + 1 from version i. */
export const MIGRATIONS: readonly Migration[] = [
  {
    to: 1,
    migrate(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL) STRICT;
      `);
    },
  },
];

/** Runs every migration above the file's version, and records the new version. */
export function migrate(db: BetterSqlite3.Database, fromVersion: number): void {
  const pending = MIGRATIONS.filter((m) => m.to > fromVersion);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const migration of pending) migration.migrate(db);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('formatVersion', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(FORMAT_VERSION));
    db.pragma(`user_version = ${FORMAT_VERSION}`);
  })();
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_BYTES = 100;

/** What the 100-byte database header says (https://sqlite.org/fileformat.html). */
export interface HeaderFacts {
  pageSize: number;
  /** True when the header marks the file as WAL mode (read/write versions 2). */
  walMode: boolean;
  applicationId: number;
  userVersion: number;
}

export function sideFiles(path: string): { wal: string; shm: string } {
  return { wal: `${path}-wal`, shm: `${path}-shm` };
}

/** True when a non-empty -wal file lies beside the database: SQLite must read it too. */
export function hasLiveWal(path: string): boolean {
  const { wal } = sideFiles(path);
  return existsSync(wal) && statSync(wal).size > 0;
}

export function statReportFile(path: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw reportFileError('missing', path, undefined, error);
    throw reportFileError('unreadable', path, code, error);
  }
  if (!stats.isFile()) throw reportFileError('not-a-file', path);
  return stats;
}

/**
 * Reads the header from the file's bytes and refuses, with its own message, a file that
 * is not SQLite, is cut short, is another application's database, or is from a newer
 * format. Only reads: nothing is created or written.
 */
export function checkHeader(path: string, bytes: Uint8Array, liveWal: boolean): HeaderFacts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 0) throw reportFileError('truncated', path, 'the file is empty');
  const magicLength = Math.min(bytes.length, SQLITE_MAGIC.length);
  if (!SQLITE_MAGIC.subarray(0, magicLength).equals(bytes.subarray(0, magicLength))) {
    throw reportFileError('not-sqlite', path);
  }
  if (bytes.length < HEADER_BYTES) throw reportFileError('truncated', path, `only ${bytes.length} bytes`);

  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw reportFileError('corrupt', path, 'its header is damaged');
  }
  // With a live WAL, pages may still be on their way into the main file: let SQLite
  // (which reads both) judge the size instead of the header.
  if (!liveWal) {
    const changeCounter = view.getUint32(24);
    const headerPages = view.getUint32(28);
    const validFor = view.getUint32(92);
    const expected = headerPages * pageSize;
    if (bytes.length % pageSize !== 0) {
      throw reportFileError('truncated', path, `${bytes.length} bytes is not a whole number of ${pageSize}-byte pages`);
    }
    if (headerPages > 0 && changeCounter === validFor && bytes.length < expected) {
      throw reportFileError('truncated', path, `${bytes.length} of ${expected} bytes`);
    }
  }

  const applicationId = view.getInt32(68);
  if (applicationId !== APPLICATION_ID) throw reportFileError('not-a-report', path);
  const userVersion = view.getInt32(60);
  if (userVersion > FORMAT_VERSION) {
    throw reportFileError('newer-version', path, `format ${userVersion}; this version reads up to format ${FORMAT_VERSION}`);
  }
  if (userVersion < 1) throw reportFileError('corrupt', path, 'it has no format version');
  return { pageSize, walMode: bytes[18] === 2 && bytes[19] === 2, applicationId, userVersion };
}

/**
 * A copy of a database image that SQLite can open in memory: the WAL-mode marks in the
 * header (bytes 18–19) are set back to rollback mode, because an in-memory database has
 * no WAL. The copy never touches the disk.
 */
export function inMemoryImage(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  if (copy.length >= HEADER_BYTES && copy[18] === 2 && copy[19] === 2) {
    copy[18] = 1;
    copy[19] = 1;
  }
  return copy;
}
