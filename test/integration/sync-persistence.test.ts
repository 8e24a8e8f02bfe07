/**
 * The sync server's report files (main/services/sync/persistence.ts): every update is
 * committed before anyone hears of it — the updates of one event-loop turn in one
 * transaction per report (group commit), every message held until then — and instead
 * of each store's checkpoint on the event loop the server fsyncs the WAL of each
 * report written to since the last time (off the event loop); a report closed
 * meanwhile (its WAL checkpointed and removed) is skipped without a warning. A report
 * whose commit fails is never acknowledged: its clients are disconnected and resend.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import type { afterUnloadDocumentPayload, onLoadDocumentPayload } from '@hocuspocus/server';
import { SqlitePersistence } from '../../main/services/sync/persistence.ts';
import { ReportStore } from '../../main/services/report-store.ts';
import type { LogLevel } from '../../main/services/sync/log.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { DurableOutbox } from '../../main/services/sync/durable-outbox.ts';
import { startSyncServer } from '../../main/services/sync/server.ts';
import { connectClient, lockReportFile, storedText, waitFor } from './fixtures/sync/harness.ts';

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

async function load(name: string, into = persistence): Promise<Y.Doc> {
  const document = new Y.Doc();
  await into.onLoadDocument({ documentName: name, document } as unknown as onLoadDocumentPayload);
  return document;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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

  it('commits the updates of one turn in one transaction, and holds every send until it has committed', async () => {
    const outbox = new DurableOutbox();
    const grouped = new SqlitePersistence({ dataDir: dir, log: () => {}, outbox });
    try {
      const doc = await load('report-turn', grouped);
      const wal = join(dir, 'report-turn.plenary-wal');
      const walBefore = existsSync(wal) ? statSync(wal).size : 0;
      const sent: string[] = [];
      outbox.send(() => sent.push('before the turn'));
      for (let i = 0; i < 8; i++) doc.getText('t').insert(i, String(i)); // eight updates in one turn
      outbox.send(() => sent.push('acknowledgement'));
      // Held, and not in the file yet.
      expect(sent).toEqual(['before the turn']);
      expect(outbox.isHolding).toBe(true);
      expect(storedText(dir, 'report-turn')).toBe('');
      await nextTurn();
      expect(sent).toEqual(['before the turn', 'acknowledgement']);
      expect(storedText(dir, 'report-turn')).toBe('01234567');
      // One commit: one WAL frame for the page the eight rows share (eight commits write eight).
      const frames = (statSync(wal).size - Math.max(walBefore, 32)) / (4096 + 24);
      expect(frames).toBeLessThanOrEqual(2);
    } finally {
      grouped.closeAll();
    }
  });

  it('never acknowledges nor relays an update whose commit failed; the writer resends it once the file takes writes', { timeout: 60_000 }, async () => {
    const server = await startSyncServer({ dataDir: dir, log: silentLogger });
    const acknowledged: string[] = [];
    const writer = connectClient(server.url, 'report-locked', {
      onAcknowledged: (update) => {
        const probe = new Y.Doc();
        Y.applyUpdate(probe, update);
        acknowledged.push(probe.getText('t').toString());
      },
    });
    const reader = connectClient(server.url, 'report-locked');
    try {
      await writer.settled();
      await reader.settled();
      // Another process holds the report file's write lock for longer than the server waits.
      const unlock = lockReportFile(dir, 'report-locked');
      let writerDropped = 0;
      writer.provider.on('disconnect', () => (writerDropped += 1));
      writer.provider.on('close', () => (writerDropped += 1));
      writer.doc.getText('t').insert(0, 'typed while the file was locked');
      await waitFor(() => writerDropped > 0, 20_000, 'the server to drop the writer');
      expect(acknowledged.filter((text) => text.includes('locked'))).toEqual([]);
      expect(reader.doc.getText('t').toString()).toBe('');
      expect(writer.provider.unsyncedChanges).toBeGreaterThan(0);
      unlock();
      await waitFor(() => reader.doc.getText('t').toString() === 'typed while the file was locked', 30_000, 'the resent update to reach the reader');
      await writer.settled(30_000);
    } finally {
      writer.destroy();
      reader.destroy();
      await server.close();
    }
    expect(storedText(dir, 'report-locked')).toBe('typed while the file was locked');
  });
});
