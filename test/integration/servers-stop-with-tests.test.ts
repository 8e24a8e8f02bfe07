/**
 * Servers stop by themselves: a sync server, browser host or redis-server started by a
 * test process that then dies without stopping them (a crash: no afterAll) is gone
 * within seconds, not left listening on the machine (spawn-node.ts).
 */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, waitFor } from './fixtures/sync/harness.ts';

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether something accepts connections on 127.0.0.1:`port`. */
const listening = (port: number): Promise<boolean> => new Promise((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('error', () => resolve(false));
});

test('a server, a host and redis outlive no test process, however it ended', async () => {
  const crashing = spawn(process.execPath, [join(ROOT, 'test/integration/fixtures/crashing-test-process.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  crashing.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise((resolve) => crashing.once('exit', resolve));
  expect(code).toBe(3);
  const { server, host, redisPort } = JSON.parse(out.trim()) as { server: number; host: number; redisPort: number | null };
  try {
    await waitFor(() => !running(server) && !running(host), 10_000, 'the orphaned server and host to stop');
  } finally {
    for (const pid of [server, host]) if (running(pid)) process.kill(pid, 'SIGKILL');
  }
  if (redisPort !== null) {
    const deadline = Date.now() + 10_000;
    while ((await listening(redisPort)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await listening(redisPort)).toBe(false);
  }
}, 60_000);
