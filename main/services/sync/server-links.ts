/**
 * Which server each report syncs with, remembered across runs: `sync-servers.json` in
 * the user's data folder, `{ "<report id>": { "url": "ws://…", "lastSyncAt": "…" } }`.
 * Written atomically (temporary file, then rename), so a crash leaves the old or the
 * new list, never half of one; a damaged file reads as empty rather than failing.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isValidReportId } from '../../../shared/report-id.ts';

export const SERVER_LINKS_FILE = 'sync-servers.json';

export interface ServerLinkRecord {
  url: string;
  /** ISO time of the last moment the report was in sync with this server. */
  lastSyncAt?: string;
}

/** Accepts ws:// and wss:// addresses only. */
export function isServerUrl(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

export class ServerLinks {
  private readonly file: string;
  private readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.file = join(dataDir, SERVER_LINKS_FILE);
  }

  private readAll(): Record<string, ServerLinkRecord> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      const out: Record<string, ServerLinkRecord> = {};
      for (const [id, record] of Object.entries(parsed as Record<string, unknown>)) {
        const r = record as Partial<ServerLinkRecord> | null;
        if (isValidReportId(id) && r && isServerUrl(r.url)) {
          out[id] = { url: r.url, lastSyncAt: typeof r.lastSyncAt === 'string' ? r.lastSyncAt : undefined };
        }
      }
      return out;
    } catch {
      return {};
    }
  }

  private writeAll(records: Record<string, ServerLinkRecord>): void {
    mkdirSync(this.dataDir, { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(records, null, 2)}\n`);
    renameSync(temp, this.file);
  }

  get(reportId: string): ServerLinkRecord | undefined {
    return this.readAll()[reportId];
  }

  set(reportId: string, record: ServerLinkRecord): void {
    if (!isValidReportId(reportId)) throw new Error('Invalid report id.');
    if (!isServerUrl(record.url)) throw new Error(`Not a ws:// or wss:// address: ${record.url}`);
    const all = this.readAll();
    all[reportId] = record;
    this.writeAll(all);
  }

  forget(reportId: string): void {
    const all = this.readAll();
    if (!(reportId in all)) return;
    delete all[reportId];
    this.writeAll(all);
  }
}
