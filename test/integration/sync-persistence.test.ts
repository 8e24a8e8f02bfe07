/**
 * The sync server's report files (main/services/sync/persistence.ts): every update is
 * committed as it arrives, and instead of each store's checkpoint on the event loop the
 * server fsyncs the WAL of each report written to since the last time (off the event
 * loop); a report closed meanwhile (its WAL checkpointed and removed) is skipped
 * without a warning.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { afterUnloadDocumentPayload, onLoadDocumentPayload } from '@hocuspocus/server';
import { SqlitePersistence } from '../../main/services/sync/persistence.ts';
import { ReportStore } from '../../main/services/report-store.ts';
import type { LogLevel } from '../../main/services/sync/log.ts';

let dir: string;
let lines: { level: LogLevel; event: string }[];
let persistence: SqlitePersistence;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plenary-persistence-'));
  lines = [];
  persistence = new SqlitePersistence({ dataDir: dir, log: (level, event) => lines.push({ level, event }) });
});
afterEach(() => {
  persistence.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

async function load(name: string): Promise<Y.Doc> {
  const document = new Y.Doc();
  await persistence.onLoadDocument({ documentName: name, document } as unknown as onLoadDocumentPayload);
  return document;
}

describe('sync server report files', () => {
  it('commits each update, fsyncs written reports, and skips a closed one quietly', async () => {
    const open = await load('report-open');
    const closed = await load('report-closed');
    open.getText('t').insert(0, 'kept');
    closed.getText('t').insert(0, 'also kept');
    expect(existsSync(join(dir, 'report-open.plenary-wal'))).toBe(true);
    await persistence.afterUnloadDocument({ documentName: 'report-closed' } as afterUnloadDocumentPayload);
    expect(existsSync(join(dir, 'report-closed.plenary-wal'))).toBe(false);
    await persistence.syncWals();
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);

    // What was committed is in the files (read beside the open store).
    for (const [name, text] of [['report-open', 'kept'], ['report-closed', 'also kept']] as const) {
      const store = ReportStore.open(join(dir, `${name}.plenary`));
      const copy = new Y.Doc();
      Y.applyUpdate(copy, store.loadState());
      store.close();
      expect(copy.getText('t').toString()).toBe(text);
    }
  });
});
