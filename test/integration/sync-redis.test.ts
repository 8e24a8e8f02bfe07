/**
 * Past one machine: two sync server processes serve the same reports through a real
 * Redis (Debian's redis-server, on 127.0.0.1 and a port picked at run time, no
 * persistence), sharing one data folder; clients on different processes converge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as Y from 'yjs';
import { connectClient, freePort, startServerProcess, tempDir, waitFor, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';

const REDIS = '/usr/bin/redis-server';
const hasRedis = existsSync(REDIS);

let redis: ChildProcess | null = null;
let redisUrl = '';
const servers: ServerProcess[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  const port = await freePort();
  redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    redis!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    redis!.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  const dataDir = tempDir();
  for (let i = 0; i < 2; i++) servers.push(await startServerProcess({ dataDir, args: ['--redis', redisUrl] }));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of servers) await s.stop('SIGTERM');
  if (redis && redis.exitCode === null) {
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis!.once('exit', resolve));
  }
});

function client(url: string, report: string): TestClient {
  const c = connectClient(url, report);
  clients.push(c);
  return c;
}

describe.skipIf(!hasRedis)('two server processes through Redis', () => {
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
