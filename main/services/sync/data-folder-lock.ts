/**
 * One data folder, one server, unless the servers share a Redis. Each server process
 * keeps its reports in memory and writes what its own clients send to the folder's
 * report files; only Redis tells one process what another's clients wrote. Two servers
 * started on one folder without it (a second instance from a service manager, a test
 * server pointed at the real folder) would each accept members, and the members on one
 * would not see the edits made on the other until its copy was reloaded: the working
 * group split in two, silently.
 *
 * The lock is an SQLite lock on an empty file in the folder, taken with no wait: a server
 * without Redis holds it exclusively, servers with Redis hold it shared, so any number of
 * the latter fit together and none beside the former. The operating system lets go of
 * it when the process ends, however it ends (a SIGKILL, a power cut), so a crashed
 * server never leaves a stale lock for the next one to trip on.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeFolder } from '../make-folder.ts';

export const DATA_FOLDER_LOCK_FILE = '.plenary-server-lock';

export class DataFolderInUseError extends Error {
  override name = 'DataFolderInUseError';
}

export interface DataFolderLock {
  release(): void;
}

export function lockDataFolder(dataDir: string, options: { sharedThroughRedis: boolean }): DataFolderLock {
  makeFolder(dataDir);
  const db = new Database(join(dataDir, DATA_FOLDER_LOCK_FILE), { timeout: 0 });
  try {
    if (options.sharedThroughRedis) {
      db.exec('BEGIN');
      // (A read is what takes a shared lock; it is held until the transaction ends.)
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } else {
      db.exec('BEGIN EXCLUSIVE');
    }
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new DataFolderInUseError(options.sharedThroughRedis
      ? `A Plenary sync server without Redis is serving the data folder ${dataDir}. Servers may share a folder only when every one of them is started with the same --redis; otherwise members on one would not see the edits made on another. Stop that server and start it again with --redis, or give this one its own --data folder.`
      : `Another Plenary sync server is serving the data folder ${dataDir}. Servers may share a folder only when every one of them is started with the same --redis; otherwise members on one would not see the edits made on another. Stop the other server, give this one its own --data folder, or start them all with --redis.`);
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.close();
    },
  };
}
