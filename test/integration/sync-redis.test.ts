/**
 * Past one machine: two sync server processes serve the same reports through a real
 * Redis (Debian's redis-server, on 127.0.0.1 and a port picked at run time, no
 * persistence), sharing one data folder; clients on different processes converge,
 * also when one process's link to Redis was cut while an update went by.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { connectClient, cuttableLink, hasRedis, lockReportFile, refusedServerProcess, sendRawUpdates, startRedis, startServerProcess, storedText, tempDir, waitFor, type RedisProcess, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';
import { decodeRelayBatch, encodeRelayBatch, RelaySequences } from '../../main/services/sync/redis-relay.ts';
import { sendInParts } from '../../main/services/sync/send-in-parts.ts';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { DEPARTURE_GRACE_MS, relayAwareness } from '../../main/services/awareness-relay.ts';
import { namesIn } from './session-peer.ts';
import { craftedUpdate } from '../unit/helpers/crafted-updates.ts';


let redis: RedisProcess | null = null;
let redisUrl = '';
let sharedDataDir = '';
const servers: ServerProcess[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  redisUrl = redis.url;
  sharedDataDir = tempDir();
  for (let i = 0; i < 2; i++) servers.push(await startServerProcess({ dataDir: sharedDataDir, args: ['--redis', redisUrl] }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of servers) await s.stop('SIGTERM');
  await redis?.stop();
});

function client(url: string, report: string): TestClient {
  const c = connectClient(url, report);
  clients.push(c);
  return c;
}

describe.skipIf(!hasRedis)('two server processes through Redis', () => {
  it('share their data folder, which a server without Redis is refused', async () => {
    const refused = await refusedServerProcess({ dataDir: sharedDataDir });
    expect(refused.code).toBe(1);
    expect(refused.lastLog.reason).toContain(`Another Plenary sync server is serving the data folder ${sharedDataDir}.`);
    // A third with the same Redis is welcome.
    const third = await startServerProcess({ dataDir: sharedDataDir, args: ['--redis', redisUrl] });
    const stopped = await third.stop('SIGTERM');
    expect(stopped, third.logLines.join('\n')).toEqual({ code: 0, signal: null });
  });

  it('converges clients connected to different processes', async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    expect(one.port).not.toBe(two.port);
    const a = client(one.url, 'shared-report');
    const b = client(two.url, 'shared-report');
    await Promise.all([a.settled(), b.settled()]);
    for (let i = 0; i < 20; i++) {
      a.doc.getArray('from-a').push([i]);
      b.doc.getArray('from-b').push([i]);
      a.doc.getText('body').insert(0, 'a');
      b.doc.getText('body').insert(0, 'b');
    }
    await Promise.all([a.settled(), b.settled()]);
    await waitFor(() => a.doc.getArray('from-b').length === 20 && b.doc.getArray('from-a').length === 20, 30_000, 'cross-process updates');
    await waitFor(() => a.doc.getText('body').length === 40 && b.doc.getText('body').length === 40, 30_000, 'texts');
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    expect(a.doc.getText('body').toString()).toBe(b.doc.getText('body').toString());
  });

  it('merges a report sent in parts to one process, and members on the other get it in one change', async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    const report = new Y.Doc({ gc: false });
    for (let i = 0; i < 300; i++) report.getText('body').insert(0, `Paragraph ${i}: the forum should be multilateral, transparent and democratic. `);
    const member = client(two.url, 'report-in-parts');
    await member.settled();
    const seen: string[] = [];
    member.doc.on('update', () => seen.push(member.doc.getText('body').toString()));
    let total = 0;
    const sending = sendInParts({ url: one.url, reportId: 'report-in-parts', doc: report, partBytes: 4096, onProgress: (_sent, of) => { total = of; } });
    await sending.done;
    const text = report.getText('body').toString();
    await waitFor(() => member.doc.getText('body').toString() === text, 30_000, 'the member on the other process to have the report');
    expect(total).toBeGreaterThan(3);
    expect(seen).toEqual([text]);
  });

  it('text left waiting on one process, which a member\'s edit on the other would let in misplaced, is dropped there too: both serve the same report', async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    const reportId = 'waiting-across-processes';
    const reader = client(one.url, reportId); // keeps the report loaded on the first process
    const member = client(two.url, reportId);
    member.doc.getText('body').insert(0, 'The WGIG report.');
    await Promise.all([member.settled(), reader.settled()]);
    await waitFor(() => reader.doc.getText('body').toString() === 'The WGIG report.', 10_000, 'the report on the first process');
    // "Z" on the first process: after the member's next character and before the "W".
    const at = (clock: number): { client: number; clock: number } => ({ client: member.doc.clientID, clock });
    const next = Y.getState(member.doc.store, member.doc.clientID);
    const sent = await sendRawUpdates(one.url, reportId, [craftedUpdate([{ client: 2, text: 'Z', origin: at(next), rightOrigin: at(4) }])]);
    expect(sent.acknowledged).toBe(1);
    member.doc.getText('body').insert(6, 'X');
    await member.settled();
    await waitFor(() => one.logLines.some((line) => JSON.parse(line).event === 'update.waiting_misplaced_dropped'), 10_000, 'the first process to drop it');
    await waitFor(() => reader.doc.getText('body').toString() === 'The WGXIG report.', 10_000, 'the edit on the first process');
    for (const server of [one, two]) {
      const late = client(server.url, reportId);
      await late.settled();
      expect(late.doc.getText('body').toString()).toBe('The WGXIG report.');
    }
  });

  it('a member sending in parts to one process, where no one has the report open, is in the presence of members on the other, and they in hers', async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    const reportId = 'presence-in-parts';
    const chair = client(two.url, reportId);
    chair.provider.awareness!.setLocalStateField('user', { name: 'Chair' });
    await chair.settled();
    // The sender's app: a session whose window is Ana's, relayed to the send's connection as the app does.
    const session = new Awareness(new Y.Doc());
    session.setLocalState(null);
    const window = new Awareness(new Y.Doc());
    window.setLocalStateField('user', { name: 'Ana' });
    applyAwarenessUpdate(session, encodeAwarenessUpdate(window, [window.clientID]), 'window');
    const report = new Y.Doc({ gc: false });
    for (let i = 0; i < 300; i++) report.getText('body').insert(0, `Paragraph ${i}: the forum should be multilateral, transparent and democratic. `);
    // A slow line to her process: the parts take seconds.
    const line = await cuttableLink(one.port, 8 * 1024);
    let sent = 0;
    const sending = sendInParts({
      url: `ws://127.0.0.1:${line.port}`, reportId, doc: report, partBytes: 4096,
      presence: (remote) => relayAwareness(session, remote),
      onProgress: (done) => { sent = done; },
    });
    let finished = false;
    void sending.done.finally(() => { finished = true; });
    try {
      await waitFor(() => sent >= 1, 20_000, 'the first part to be through');
      const seen: string[] = [];
      while (!finished) {
        seen.push(`chair sees ${namesIn(chair.provider.awareness).join('+')}; Ana sees ${namesIn(session).join('+')}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await sending.done;
      expect(seen.length).toBeGreaterThanOrEqual(5);
      expect(seen.filter((sample) => sample !== 'chair sees Chair+Ana; Ana sees Ana+Chair'), JSON.stringify(seen)).toEqual([]);
      // Her send over (and she not linked again), she leaves the chair's list within seconds, not at the 30 s timeout.
      await waitFor(() => !namesIn(chair.provider.awareness).includes('Ana'), DEPARTURE_GRACE_MS + 5_000, 'Ana gone from the chair\'s list');
    } finally {
      line.close();
    }
  }, 60_000);

  it("a member whose connection drops, the last on her process, is gone within seconds for members on the other", async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    const reportId = 'presence-last-here';
    const chair = client(two.url, reportId);
    chair.provider.awareness!.setLocalStateField('user', { name: 'Chair' });
    const line = await cuttableLink(one.port);
    try {
      const member = client(`ws://127.0.0.1:${line.port}`, reportId);
      member.provider.awareness!.setLocalStateField('user', { name: 'Ana' });
      await Promise.all([chair.settled(), member.settled()]);
      await waitFor(() => namesIn(chair.provider.awareness).includes('Ana'), 10_000, 'Ana in the chair\'s list');
      // Her laptop's network goes: no goodbye, her process sees the connection end.
      line.cut();
      member.destroy();
      // Not at the 30 s awareness timeout.
      await waitFor(() => !namesIn(chair.provider.awareness).includes('Ana'), 5_000, 'Ana gone from the chair\'s list');
    } finally {
      line.close();
    }
  });

  it('gives a late client on either process the whole report', async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    const writer = client(one.url, 'late-report');
    writer.doc.getMap('meta').set('title', 'Report of the WGIG');
    await writer.settled();
    const late = client(two.url, 'late-report');
    await late.settled();
    await waitFor(() => late.doc.getMap('meta').get('title') === 'Report of the WGIG', 30_000, 'title on the other process');
  });
});

describe.skipIf(!hasRedis)('an update that waited on one process until a relayed one let it in', () => {
  it('is in the shared report file, not only in the memory of the processes', async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    // Both processes hold the report (the second does not read the waiting update from the file).
    const reader = client(one.url, 'waited-report');
    const other = client(two.url, 'waited-report');
    await Promise.all([reader.settled(), other.settled()]);
    // One member's two edits, the second building on the first; the first reaches the
    // other process only, and after the second.
    const writer = new Y.Doc();
    const edits: Uint8Array[] = [];
    writer.on('update', (update: Uint8Array) => edits.push(update));
    writer.getText('t').insert(0, 'First.');
    writer.getText('t').insert(6, ' Built on the first.');
    expect((await sendRawUpdates(one.url, 'waited-report', [edits[1]!])).acknowledged).toBe(1);
    expect((await sendRawUpdates(two.url, 'waited-report', [edits[0]!])).acknowledged).toBe(1);
    await waitFor(() => reader.doc.getText('t').toString() === 'First. Built on the first.', 20_000, 'both edits on the first process');
    // What the first process stored as waiting gave way to the relayed change that let it in.
    await waitFor(() => storedText(sharedDataDir, 'waited-report') === 'First. Built on the first.', 10_000, 'both edits in the file');
  });
});

describe.skipIf(!hasRedis)('an update its process could not store', () => {
  it('never reaches the other process; the writer\'s resend does once the file takes writes', { timeout: 60_000 }, async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    const writer = client(one.url, 'locked-report');
    const reader = client(two.url, 'locked-report');
    await Promise.all([writer.settled(), reader.settled()]);
    // Another program holds the report file's write lock for longer than the servers wait.
    const unlock = lockReportFile(sharedDataDir, 'locked-report');
    try {
      let writerDropped = 0;
      writer.provider.on('close', () => (writerDropped += 1));
      writer.doc.getText('t').insert(0, 'typed while the file was locked');
      await waitFor(() => writerDropped > 0, 30_000, 'the writer\'s process to drop it');
      // Time for a relay, had there been one, to reach the other process and its client.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(reader.doc.getText('t').toString()).toBe('');
    } finally {
      unlock();
    }
    // The writer comes back later (the app's backoff: 1 s, then 2 s…) once its process
    // has dropped the report it could not store; it resends what was never acknowledged.
    writer.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const back = connectClient(one.url, 'locked-report', { doc: writer.doc });
    clients.push(back);
    await waitFor(() => reader.doc.getText('t').toString() === 'typed while the file was locked', 30_000, 'the resent update on the other process');
    await back.settled();
  });
});

describe.skipIf(!hasRedis)('a process whose link to Redis was cut', () => {
  it('gets the update it missed once the link is back, with nobody typing after it', async () => {
    const link = await cuttableLink(Number(new URL(redisUrl).port));
    const linkUrl = `redis://127.0.0.1:${link.port}`;
    const dataDir = tempDir();
    const direct = await startServerProcess({ dataDir, args: ['--redis', redisUrl] });
    const behindLink = await startServerProcess({ dataDir, args: ['--redis', linkUrl] });
    try {
      const writer = client(direct.url, 'cut-report');
      const reader = client(behindLink.url, 'cut-report');
      await Promise.all([writer.settled(), reader.settled()]);
      writer.doc.getMap('meta').set('before', 1);
      await waitFor(() => reader.doc.getMap('meta').get('before') === 1, 30_000, 'the update before the cut');

      link.cut();
      writer.doc.getMap('meta').set('during', 2);
      await writer.settled(); // stored and relayed by its process: Redis had no subscriber behind the link
      // Longer than the once-a-second state-vector exchange the relay used to rely on:
      // its messages are lost to the cut as well.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(reader.doc.getMap('meta').get('during')).toBeUndefined();
      link.restore();

      await waitFor(() => reader.doc.getMap('meta').get('during') === 2, 30_000, 'the update made during the cut');
      expect(Y.encodeStateVector(reader.doc)).toEqual(Y.encodeStateVector(writer.doc));
      // The outage is in the process's log as structured lines, once each way, and
      // ioredis does not print its reconnections to stderr.
      const count = (wanted: string): number => behindLink.logLines.filter((line) => line.startsWith('{') && JSON.parse(line).event === wanted).length;
      expect(count('redis.link_lost')).toBeGreaterThanOrEqual(1);
      await waitFor(() => count('redis.link_back') === count('redis.link_lost'), 10_000, 'each lost connection logged back');
      expect(behindLink.logLines.filter((line) => line.includes('Unhandled error event'))).toEqual([]);
    } finally {
      await behindLink.stop('SIGTERM');
      await direct.stop('SIGTERM');
      link.close();
    }
  });
});

describe.skipIf(!hasRedis)('presence on a process whose link to Redis was cut', () => {
  it('shows who came to the other process meanwhile within seconds of the link coming back', async () => {
    const link = await cuttableLink(Number(new URL(redisUrl).port));
    const dataDir = tempDir();
    const direct = await startServerProcess({ dataDir, args: ['--redis', redisUrl] });
    const behindLink = await startServerProcess({ dataDir, args: ['--redis', `redis://127.0.0.1:${link.port}`] });
    try {
      const reportId = 'cut-presence';
      const chair = client(behindLink.url, reportId);
      chair.provider.awareness!.setLocalStateField('user', { name: 'Chair' });
      await chair.settled();
      link.cut();
      const ana = client(direct.url, reportId);
      ana.provider.awareness!.setLocalStateField('user', { name: 'Ana' });
      await ana.settled();
      await waitFor(() => namesIn(ana.provider.awareness).includes('Ana'), 5_000, 'Ana on her process');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(namesIn(chair.provider.awareness)).not.toContain('Ana');
      link.restore();
      // Not at her next renewal, 15 s after she came.
      await waitFor(() => namesIn(chair.provider.awareness).includes('Ana'), 5_000, "Ana in the chair's list");
    } finally {
      await behindLink.stop('SIGTERM');
      await direct.stop('SIGTERM');
      link.close();
    }
  });
});

describe.skipIf(!hasRedis)('a process told to stop while Redis does not answer', () => {
  it('stops all the same, with its files closed and what it acknowledged kept', { timeout: 60_000 }, async () => {
    const frozen = await startRedis();
    const dataDir = tempDir();
    const server = await startServerProcess({ dataDir, args: ['--redis', frozen.url] });
    try {
      const writer = client(server.url, 'frozen-redis');
      writer.doc.getText('t').insert(0, 'Acknowledged before the stop.');
      await writer.settled();
      await frozen.freeze();
      const exited = server.stop('SIGTERM');
      const outcome = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
      expect(outcome).toEqual({ code: 0, signal: null });
      const events = server.logLines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line).event);
      expect(events).toContain('redis.goodbye_failed');
      expect(events.at(-1)).toBe('server.stopped');
      // Closed: the file stands alone, no write-ahead log beside it.
      expect(existsSync(join(dataDir, 'frozen-redis.plenary-wal'))).toBe(false);
      expect(storedText(dataDir, 'frozen-redis')).toBe('Acknowledged before the stop.');
    } finally {
      await server.stop('SIGKILL');
      frozen.thaw();
      await frozen.stop();
    }
  });
});

describe.skipIf(!hasRedis)('a process started while Redis could not be reached', () => {
  it('serves its reports once Redis is back', { timeout: 90_000 }, async () => {
    const link = await cuttableLink(Number(new URL(redisUrl).port));
    link.cut();
    const dataDir = tempDir();
    const direct = await startServerProcess({ dataDir, args: ['--redis', redisUrl] });
    // (Started before Redis, as a service manager may do at boot.)
    const behindLink = await startServerProcess({ dataDir, args: ['--redis', `redis://127.0.0.1:${link.port}`] });
    try {
      const writer = client(direct.url, 'redis-came-late');
      writer.doc.getMap('meta').set('title', 'Report of the WGIG');
      await writer.settled();
      const reader = client(behindLink.url, 'redis-came-late');
      // Longer than ioredis retries a command (20 tries, about 10 s): the process's first
      // subscriptions fail.
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      link.restore();
      await waitFor(() => reader.doc.getMap('meta').get('title') === 'Report of the WGIG', 30_000, 'the report on the process that started before Redis');
      reader.doc.getMap('meta').set('venue', 'Tunis');
      await waitFor(() => writer.doc.getMap('meta').get('venue') === 'Tunis', 30_000, 'its member\'s change on the other process');
      await reader.settled();
    } finally {
      await behindLink.stop('SIGTERM');
      await direct.stop('SIGTERM');
      link.close();
    }
  });
});

describe('relay batches', () => {
  it('round-trip the updates of one turn, in order, and refuse damaged ones', () => {
    const updates = [new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array(300).fill(7)];
    const bytes = encodeRelayBatch({ sender: 'host-a', reportId: 'r-1', seq: 42, updates });
    expect(decodeRelayBatch(bytes)).toEqual({ sender: 'host-a', reportId: 'r-1', seq: 42, updates });
    expect(() => decodeRelayBatch(bytes.subarray(0, bytes.length - 1))).toThrow();
    expect(() => decodeRelayBatch(new Uint8Array([...bytes, 0]))).toThrow();
    // The extension's own messages start with the sender's identifier length, never 0.
    expect(decodeRelayBatch(new Uint8Array([5, 104, 111, 115, 116, 45]))).toBeNull();
  });

  it('tell a skipped batch from a repeat, per report and sender', () => {
    const seen = new RelaySequences();
    expect(seen.see('r', 'a', 7)).toBe('in-order'); // the first one sets the start
    expect(seen.see('r', 'a', 8)).toBe('in-order');
    expect(seen.see('r', 'a', 8)).toBe('in-order'); // resent after a reconnect
    expect(seen.see('r', 'b', 1)).toBe('in-order');
    expect(seen.see('r', 'a', 10)).toBe('gap');
    expect(seen.see('other', 'a', 3)).toBe('in-order');
    seen.forget('r');
    expect(seen.see('r', 'a', 20)).toBe('in-order');
  });
});
