/**
 * A member who reconnects to a Redis-backed report within the second its server waits
 * before unloading it (the Hocuspocus Redis extension's `disconnectDelay`).
 *
 * After a failed commit the server drops the report's connections and refuses every
 * message for it until its in-memory copy (ahead of its file) is unloaded; with Redis
 * that unload comes a second after the last connection left, and not at all if a
 * connection arrives meanwhile. The provider's first retry is immediate, so the
 * member's link came back to the stale copy, was refused, and was left on an open
 * socket with the report closed: "syncing 1 update" for good, nothing it typed stored
 * or relayed. Now a connection waits for the stale copy to go and loads the report
 * afresh, and a connection refused anyway has its socket closed, so it reconnects. A
 * stale copy that cannot go (something on the server holds it) is waited for 10 s; then
 * the member's socket is closed with "try again" (1013) and its provider retries.
 *
 * Real redis-server on 127.0.0.1 (a port picked at run time, no persistence), two
 * servers in this process sharing one data folder, real clients over WebSockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, hasRedis, lockReportFile, startRedis, storedText, tempDir, waitFor, type RedisProcess, type TestClient } from './fixtures/sync/harness.ts';
import { startSyncServer, type Access, type Authorize, type SyncServer } from '../../main/services/sync/server.ts';
import { ServerLink } from '../../main/services/sync/client.ts';


let redis: RedisProcess | null = null;
let redisUrl = '';
let dataDir = '';
/** Every server's log, in order: `<server> <event> <report>`. */
const log: string[] = [];
const servers: SyncServer[] = [];
/** Authentication of a connection with the token 'slow' waits for this gate. */
let slowGate: Promise<void> = Promise.resolve();
let slowWaiting = false;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  redisUrl = redis.url;
  dataDir = tempDir();
  const authorize: Authorize = async ({ token }): Promise<Access> => {
    if (token === 'slow') {
      slowWaiting = true;
      await slowGate;
    }
    return 'write';
  };
  for (const name of ['one', 'two']) {
    servers.push(await startSyncServer({
      dataDir,
      redisUrl,
      // Longer than the default second, so that a member's reconnect still comes within it
      // when the machine is busy (the case under test).
      redisUnloadDelayMs: 5_000,
      authorize,
      log: (_level, event, fields) => log.push(`${name} ${event} ${fields?.report ?? ''}`),
    }));
  }
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const server of servers) await server.close();
  await redis?.stop();
});

function client(url: string, reportId: string, options: Parameters<typeof connectClient>[2] = {}): TestClient {
  const c = connectClient(url, reportId, options);
  cleanups.push(() => c.destroy());
  return c;
}

/** A writer on the first server and a reader on the second, in sync on a report whose text the writer began with `text`. */
async function writerAndReader(reportId: string, text: string): Promise<{ doc: Y.Doc; writer: TestClient; reader: TestClient; one: SyncServer }> {
  const [one, two] = servers as [SyncServer, SyncServer];
  const doc = new Y.Doc({ gc: false });
  const writer = client(one.url, reportId, { doc });
  const reader = client(two.url, reportId);
  await Promise.all([writer.settled(), reader.settled()]);
  doc.getText('t').insert(0, text);
  await writer.settled();
  return { doc, writer, reader, one };
}

/** Index of the first log line from `from` on that matches. */
function logIndex(line: string, from = 0): number {
  const index = log.indexOf(line, from);
  return index === -1 ? Infinity : index;
}

describe.skipIf(!hasRedis)('a member reconnecting within the unload delay', () => {
  it("after a failed commit, the app's link comes back at once, gets in sync, and what it typed is stored and reaches the other process", { timeout: 60_000 }, async () => {
    const [one, two] = servers as [SyncServer, SyncServer];
    const doc = new Y.Doc({ gc: false });
    const link = new ServerLink({ url: one.url, reportId: 'failed-then-back', doc }); // the app's backoff: first retry at once
    cleanups.push(() => link.close());
    const reader = client(two.url, 'failed-then-back');
    await waitFor(() => link.status.state === 'in-sync', 20_000, 'the link to sync');
    await reader.settled();

    const unlock = lockReportFile(dataDir, 'failed-then-back');
    const failedAt = log.length;
    doc.getText('t').insert(0, 'typed while the file was locked. ');
    try {
      await waitFor(() => logIndex('one report.commit_failed failed-then-back', failedAt) < Infinity, 20_000, 'the commit to fail');
    } finally {
      unlock();
    }
    doc.getText('t').insert(doc.getText('t').length, 'Typed after.');

    await waitFor(() => link.status.state === 'in-sync' && link.status.pending === 0, 20_000, 'the link to be in sync again');
    await waitFor(() => reader.doc.getText('t').toString() === doc.getText('t').toString(), 20_000, 'both edits on the other process');
    expect(storedText(dataDir, 'failed-then-back')).toBe('typed while the file was locked. Typed after.');
    // It did come back while the stale copy was still loaded (the case under test)…
    const failed = logIndex('one report.commit_failed failed-then-back', failedAt);
    const reconnected = logIndex('one connection.opened ', failed);
    expect(reconnected).toBeLessThan(logIndex('one report.unloaded failed-then-back', failed));
    // …and waited for the report to be reloaded instead of being refused: its socket was
    // closed once, at the failure.
    expect(log.slice(failed).filter((line) => line === 'one connection.closed ')).toHaveLength(1);
  });

  it('a connection that reached the stale copy anyway is refused with its socket closed, and reconnects to the report reloaded from its file', { timeout: 60_000 }, async () => {
    const [one, two] = servers as [SyncServer, SyncServer];
    const writer = client(one.url, 'stale-copy');
    const reader = client(two.url, 'stale-copy');
    await Promise.all([writer.settled(), reader.settled()]);
    reader.doc.getText('t').insert(0, 'Stored. ');
    await reader.settled();

    // A member whose authentication is under way when the commit fails: it is
    // attached after the failure, to the copy its server is about to unload.
    let openGate = (): void => {};
    slowGate = new Promise((resolve) => (openGate = resolve));
    const late = client(one.url, 'stale-copy', { token: 'slow' });
    await waitFor(() => slowWaiting, 20_000, 'the late connection to be authenticating');

    const unlock = lockReportFile(dataDir, 'stale-copy');
    let writerDropped = false;
    writer.provider.on('close', () => (writerDropped = true));
    writer.doc.getText('t').insert(0, 'Never acknowledged. ');
    try {
      await waitFor(() => writerDropped, 20_000, 'the writer to be dropped');
    } finally {
      unlock();
    }
    writer.destroy(); // only the late connection is left to come back
    const failedAt = log.indexOf('one report.commit_failed stale-copy');
    let lateDropped = false;
    late.provider.on('disconnect', () => (lateDropped = true));
    openGate();

    await late.settled(20_000);
    expect(lateDropped).toBe(true); // refused, and back through a new socket
    expect(late.doc.getText('t').toString()).toBe('Stored. ');
    late.doc.getText('t').insert(late.doc.getText('t').length, 'Late.');
    await late.settled();
    await waitFor(() => reader.doc.getText('t').toString() === 'Stored. Late.', 20_000, 'the late edit on the other process');
    expect(storedText(dataDir, 'stale-copy')).toBe('Stored. Late.');
    expect(failedAt).toBeGreaterThan(-1);
  });

  it('a stale copy that cannot be unloaded: the member is told to try again after 10 s, and gets in once it can', { timeout: 90_000 }, async () => {
    const { doc, writer, reader, one } = await writerAndReader('held-copy', 'Stored. ');
    // Something on the server holds the loaded copy (closing sockets does not end it), so
    // the stale copy cannot be unloaded after the failure.
    const held = await one.hocuspocus.openDirectConnection('held-copy');
    let released = false;
    cleanups.push(() => (released ? undefined : held.disconnect()));

    const closes: number[] = [];
    const reasons: string[] = [];
    writer.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => {
      closes.push(event.code);
      reasons.push(event.reason);
    });
    const unlock = lockReportFile(dataDir, 'held-copy');
    const failedAt = log.length;
    doc.getText('t').insert(doc.getText('t').length, 'Typed while the file was locked.');
    try {
      await waitFor(() => logIndex('one report.commit_failed held-copy', failedAt) < Infinity, 20_000, 'the commit to fail');
    } finally {
      unlock();
    }
    // The writer reconnects at once and waits for the stale copy to go; it does not go.
    const waitingSince = Date.now();
    await waitFor(() => closes.includes(1013), 30_000, 'the writer to be told to try again');
    expect(Date.now() - waitingSince).toBeGreaterThan(8_000);
    expect(reasons[closes.indexOf(1013)]).toBe('The report is being reloaded; try again.');
    expect(logIndex('one report.unloaded held-copy', failedAt)).toBe(Infinity);

    await held.disconnect();
    released = true;
    await writer.settled(30_000);
    await waitFor(() => reader.doc.getText('t').toString() === doc.getText('t').toString(), 20_000, 'the edit on the other process');
    expect(storedText(dataDir, 'held-copy')).toBe('Stored. Typed while the file was locked.');
  });

  it('without a failure, a writer back within the delay keeps the loaded copy: nothing unloaded, nothing refused', { timeout: 60_000 }, async () => {
    const { doc, writer, reader, one } = await writerAndReader('quick-return', 'One. ');
    const leftAt = log.length;
    writer.destroy();
    await waitFor(() => logIndex('one connection.closed ', leftAt) < Infinity, 20_000, 'the writer to leave');

    const back = client(one.url, 'quick-return', { doc });
    doc.getText('t').insert(doc.getText('t').length, 'Two.');
    await back.settled();
    await waitFor(() => reader.doc.getText('t').toString() === 'One. Two.', 20_000, 'the edit after the return on the other process');
    expect(storedText(dataDir, 'quick-return')).toBe('One. Two.');
    expect(log.slice(leftAt).filter((line) => line.includes('quick-return') && !line.startsWith('two '))).toEqual([]);
  });
});
