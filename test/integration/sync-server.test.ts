/**
 * The standing sync server as its users meet it: the CLI's ready line, a stock
 * Hocuspocus provider in a plain Node script, two clients converging, a clean SIGTERM
 * that keeps every acknowledged update, refused report ids, and read-only observers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { existsSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { connectClient, refusedServerProcess, ROOT, startServerProcess, tempDir, waitFor, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { spawnNode } from '../support/spawn-node.ts';

const run = promisify(execFile);
const servers: ServerProcess[] = [];
const inProcess: SyncServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const server of servers.splice(0)) await server.stop('SIGKILL');
  for (const server of inProcess.splice(0)) await server.close();
});

async function serve(dataDir = tempDir(), args: string[] = []): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, args });
  servers.push(server);
  return server;
}

function client(url: string, reportId: string, options: { token?: string } = {}): TestClient {
  const c = connectClient(url, reportId, options);
  clients.push(c);
  return c;
}

describe('sync server process', () => {
  it('prints its address once ready and syncs with the stock provider in plain Node scripts', async () => {
    const server = await serve();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const script = join(ROOT, 'test/integration/fixtures/sync/stock-client.mjs');
    const first = await run(process.execPath, [script, server.url, 'wgig-report', 'alice'], { cwd: ROOT, timeout: 30_000 });
    expect(JSON.parse(first.stdout)).toEqual({ alice: 'hello from alice' });
    // A second script, after the first has gone: the report was kept by the server.
    const second = await run(process.execPath, [script, server.url, 'wgig-report', 'bob', 'alice'], { cwd: ROOT, timeout: 30_000 });
    expect(JSON.parse(second.stdout)).toEqual({ alice: 'hello from alice', bob: 'hello from bob' });
    // Structured logs: every stderr line is one JSON object.
    for (const line of server.logLines) expect(() => JSON.parse(line)).not.toThrow();
    expect(server.logLines.some((line) => JSON.parse(line).event === 'report.loaded')).toBe(true);
  });

  it('takes its port, host and data folder from the environment', async () => {
    const dataDir = tempDir();
    const child = spawnNode([join(ROOT, 'main/host/sync-server.ts')], {
      cwd: ROOT,
      env: { ...process.env, PLENARY_PORT: '0', PLENARY_HOST: '127.0.0.1', PLENARY_DATA: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    expect(line).toMatch(/^Plenary sync server at ws:\/\/127\.0\.0\.1:\d+\n$/);
    const url = line.trim().replace('Plenary sync server at ', '');
    const writer = client(url, 'env-report');
    writer.doc.getMap('meta').set('title', 'Report of the WGIG');
    await writer.settled();
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });

  it('converges two clients writing concurrently to the same report', async () => {
    const server = await serve();
    const a = client(server.url, 'report-a');
    const b = client(server.url, 'report-a');
    await Promise.all([a.settled(), b.settled()]);
    for (let i = 0; i < 50; i++) {
      a.doc.getText('body').insert(0, 'a');
      b.doc.getText('body').insert(0, 'b');
      b.doc.getMap('endorsements').set(`p${i}:b`, 'endorse');
    }
    await Promise.all([a.settled(), b.settled()]);
    await waitFor(() => a.doc.getText('body').length === 100 && b.doc.getText('body').length === 100, 20_000, 'both texts');
    expect(Y.encodeStateAsUpdate(a.doc)).toEqual(Y.encodeStateAsUpdate(b.doc));
    expect(a.doc.getMap('endorsements').size).toBe(50);
  });

  it('stops cleanly on SIGTERM and every acknowledged update is there after restart', async () => {
    const dataDir = tempDir();
    const server = await serve(dataDir);
    const writer = client(server.url, 'durable');
    await writer.settled();
    for (let i = 0; i < 200; i++) writer.doc.getArray('items').push([i]);
    await writer.settled();
    const { code } = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(server.logLines.map((line) => JSON.parse(line).event)).toContain('server.stopped');
    writer.destroy();

    const restarted = await serve(dataDir);
    const reader = client(restarted.url, 'durable');
    await reader.settled();
    expect(reader.doc.getArray('items').toArray()).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('answers a mistyped flag with what is wrong and its usage, not a stack trace', async () => {
    for (const [args, problem] of [[['--prot', '4455'], "Unknown option '--prot'."], [['--port'], 'argument missing'], [['4455'], "Unexpected argument '4455'."]] as const) {
      const failure = await run(process.execPath, [join(ROOT, 'main/host/sync-server.ts'), ...args], { cwd: ROOT, timeout: 30_000 }).then(() => null, (error: { code: number; stderr: string }) => error);
      expect(failure?.code, args.join(' ')).toBe(2);
      expect(failure?.stderr.split('\n')[0]).toContain(problem);
      expect(failure?.stderr).toContain('Usage: sync-server');
      expect(failure?.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('stops cleanly on a SIGTERM sent the moment it says it is ready (as a service manager may)', async () => {
    for (let i = 0; i < 10; i++) {
      const server = await startServerProcess({ dataDir: tempDir() });
      const stopped = await server.stop('SIGTERM');
      expect(stopped, `start ${i}`).toEqual({ code: 0, signal: null });
      await waitFor(() => server.logLines.some((line) => JSON.parse(line).event === 'server.stopped'), 5_000, 'the stopped line');
    }
  });

  it('says which data folder it cannot make, and ends, even one Node\'s own recursive mkdir never ends on', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a folder');
    const places: Array<[string, string]> = [[join(file, 'data'), 'ENOTDIR']];
    if (existsSync('/proc/self')) places.push([`/proc/plenary-${process.pid}/data`, 'ENOENT']);
    for (const [dataDir, code] of places) {
      const refused = await refusedServerProcess({ dataDir });
      expect(refused.code, dataDir).toBe(1);
      expect(refused.lastLog).toMatchObject({ level: 'error', event: 'server.start_failed' });
      expect(refused.lastLog.reason).toBe(`The folder ${dataDir} cannot be made (${code}): name a folder this user may create and write in.`);
    }
  });

  it('says what to do when it cannot listen: a port in use, an address not this computer\'s', async () => {
    const first = await serve(tempDir());
    const port = new URL(first.url).port;
    const inUse = await refusedServerProcess({ dataDir: tempDir(), port: Number(port) });
    expect(inUse.code).toBe(1);
    expect(inUse.lastLog).toMatchObject({ level: 'error', event: 'server.start_failed' });
    expect(inUse.lastLog.reason).toBe(`Port ${port} on 127.0.0.1 is already in use (another sync server, or another program): stop that one, or give another --port (0 takes a free one).`);
    // (192.0.2.0/24 is set aside for documentation: no machine has it.)
    const elsewhere = await refusedServerProcess({ dataDir: tempDir(), args: ['--host', '192.0.2.7'] });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.lastLog.reason).toBe('192.0.2.7 is not an address of this computer: give one of its own with --host (0.0.0.0 listens on all of them).');
  });

  it('refuses a data folder another server serves without Redis, and takes it once that server is gone, even killed', async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    const refused = await refusedServerProcess({ dataDir });
    expect(refused.code).toBe(1);
    expect(refused.lastLog).toMatchObject({ level: 'error', event: 'server.start_failed' });
    expect(refused.lastLog.reason).toContain(`Another Plenary sync server is serving the data folder ${dataDir}.`);
    expect(refused.lastLog.reason).toContain('--redis');
    // Nor beside it with Redis: the one without would not hear what the others' members write.
    const withRedis = await refusedServerProcess({ dataDir, args: ['--redis', 'redis://127.0.0.1:1'] });
    expect(withRedis.code).toBe(1);
    expect(withRedis.lastLog.reason).toContain(`A Plenary sync server without Redis is serving the data folder ${dataDir}.`);

    // The first one serves on, undisturbed.
    const writer = client(first.url, 'one-folder');
    writer.doc.getMap('meta').set('title', 'Report of the WGIG');
    await writer.settled();
    // Killed, it leaves no lock behind: the next server takes the folder and what it stored.
    await first.stop('SIGKILL');
    writer.destroy();
    const next = await serve(dataDir);
    const reader = client(next.url, 'one-folder');
    await reader.settled();
    expect(reader.doc.getMap('meta').get('title')).toBe('Report of the WGIG');
  });

  it('refuses a report id that is not one, in the path or in a message', async () => {
    const server = await serve();
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url}/..%2F..%2Fetc`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(400);
    const malformed = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${server.url}/%E0%A4%A`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(malformed).toBe(400);
    const bad = client(server.url, '../outside');
    await waitFor(() => server.logLines.some((l) => JSON.parse(l).event === 'message.refused'), 10_000, 'refusal log');
    expect(bad.provider.isSynced).toBe(false);
  });
});

describe('read-only connections', () => {
  it('lets an observer read but never write', async () => {
    const server = await startSyncServer({
      dataDir: tempDir(),
      port: 0,
      log: silentLogger,
      authorize: ({ token }) => (token === 'member-key' ? 'write' : token === 'observer' ? 'read' : 'deny'),
    });
    inProcess.push(server);
    const member = client(server.url, 'frozen', { token: 'member-key' });
    member.doc.getText('body').insert(0, 'Agreed text.');
    await member.settled();

    const observer = client(server.url, 'frozen', { token: 'observer' });
    await waitFor(() => observer.doc.getText('body').toString() === 'Agreed text.', 20_000, 'observer to read');
    observer.doc.getText('body').insert(0, 'FORGED ');
    // The server handles a connection's messages in order: once the observer's next
    // message (its awareness) has reached the member, its edit has been dealt with.
    observer.provider.setAwarenessField('user', { name: 'observer' });
    await waitFor(
      () => [...(member.provider.awareness?.getStates().values() ?? [])].some((s) => s.user?.name === 'observer'),
      20_000,
      'observer awareness',
    );
    // A later member connection sees the server's copy: the observer's edit is not in it.
    const late = client(server.url, 'frozen', { token: 'member-key' });
    await late.settled();
    expect(late.doc.getText('body').toString()).toBe('Agreed text.');
    expect(member.doc.getText('body').toString()).toBe('Agreed text.');

    const stranger = client(server.url, 'frozen', { token: 'nobody' });
    const denied = await new Promise<string>((resolve) => stranger.provider.on('authenticationFailed', ({ reason }: { reason: string }) => resolve(reason)));
    expect(denied).toBe('permission-denied');
    expect(stranger.doc.getText('body').toString()).toBe('');
  });
});
