/**
 * The recently opened reports: a small JSON file in the data folder, newest first,
 * one entry per file (by real path), at most RECENT_LIMIT entries.
 *
 * Writes are atomic (a temporary file renamed over the old one), so a crash never
 * leaves a half-written list. A file that has vanished is left out of `list()` but kept
 * in the stored list, so a report on an unplugged USB stick comes back with the stick;
 * it falls off the end as newer reports are opened. A damaged list reads as empty.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportSummary } from '../../shared/api.ts';

export const RECENT_LIMIT = 10;
export const RECENT_FILE = 'recent-reports.json';

interface StoredList {
  version: 1;
  reports: ReportSummary[];
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isSummary(value: unknown): value is ReportSummary {
  const entry = value as Partial<ReportSummary> | null;
  return !!entry && typeof entry.path === 'string' && entry.path.length > 0
    && typeof entry.id === 'string' && typeof entry.title === 'string';
}

export class RecentReports {
  readonly file: string;
  private readonly limit: number;

  constructor(dataDir: string, limit = RECENT_LIMIT) {
    this.file = join(dataDir, RECENT_FILE);
    this.limit = limit;
  }

  /** Stored entries, newest first, whether or not their files exist. */
  private read(): ReportSummary[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return [];
    }
    const reports = (parsed as Partial<StoredList> | null)?.reports;
    return Array.isArray(reports) ? reports.filter(isSummary) : [];
  }

  private write(reports: ReportSummary[]): void {
    const data: StoredList = { version: 1, reports };
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      const fd = openSync(temp, 'w');
      try {
        writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.file);
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** Recently opened reports that still exist, newest first. */
  list(): ReportSummary[] {
    return this.read().filter((entry) => existsSync(entry.path));
  }

  /** Puts a report at the top of the list (moving it if it was there already). */
  add(summary: ReportSummary): void {
    const path = realPathOf(summary.path);
    const rest = this.read().filter((entry) => realPathOf(entry.path) !== path);
    this.write([{ path, id: summary.id, title: summary.title }, ...rest].slice(0, this.limit));
  }

  /** Forgets a report (say, one that could not be opened). */
  remove(path: string): void {
    const real = realPathOf(path);
    const stored = this.read();
    const kept = stored.filter((entry) => realPathOf(entry.path) !== real);
    if (kept.length !== stored.length) this.write(kept);
  }

  clear(): void {
    this.write([]);
  }
}
