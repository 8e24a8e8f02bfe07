/* global process, console, setTimeout, setInterval, clearInterval */
// Sync server fan-out: N members (20 to a report) on loopback, each typing one update a
// second, against one server process, then two server processes through Redis. The
// load generator runs in its own process(es). Prints p50/p99 of send → every other
// member of the report has it, and the server processes' resident memory.
//   node test/bench/sync-server-bench.mjs                 100, 500, 1000 members
//   node test/bench/sync-server-bench.mjs --members 40,100 --seconds 10
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100,500,1000' },
    'per-report': { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    generators: { type: 'string', default: '2' },
    redis: { type: 'boolean', default: true },
  },
});
const sizes = values.members.split(',').map(Number);
const perReport = Number(values['per-report']);
const seconds = Number(values.seconds);
const generators = Number(values.generators);
const serverEntry = existsSync(join(root, 'dist/host/sync-server.mjs')) ? join(root, 'dist/host/sync-server.mjs') : join(root, 'main/host/sync-server.ts');

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(dataDir, redisUrl) {
  const args = [serverEntry, '--port', '0', '--data', dataDir, ...(redisUrl ? ['--redis', redisUrl] : [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /Plenary sync server at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { child, url };
}

function rssMb(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
    return Number(line.split(/\s+/)[1]) / 1024;
  } catch {
    return NaN;
  }
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error('redis-server exited')));
  });
  return { child, url: `redis://127.0.0.1:${port}` };
}

function runGenerator(config) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'test/bench/sync-load.mjs'), JSON.stringify(config)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', () => {
      try {
        const result = JSON.parse(out.trim().split('\n').pop());
        if (result.error) reject(new Error(result.error));
        else resolve(result);
      } catch (error) {
        reject(error);
      }
    });
  });
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

async function scenario(label, members, servers) {
  const reports = Array.from({ length: Math.ceil(members / perReport) }, (_, i) => `bench-${members}-${i}`);
  const urls = servers.map((s) => s.url);
  const share = Array.from({ length: generators }, (_, g) => reports.filter((_, i) => i % generators === g)).filter((r) => r.length);
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, servers.reduce((sum, s) => sum + rssMb(s.child.pid), 0));
  }, 500);
  try {
    const results = await Promise.all(share.map((r) => runGenerator({ urls, reports: r, perReport, seconds })));
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const lost = results.reduce((n, r) => n + r.lost, 0);
    return { label, members: reports.length * perReport, reports: reports.length, updates: latencies.length, lost, p50: percentile(latencies, 50), p99: percentile(latencies, 99), rss: peak };
  } finally {
    clearInterval(sample);
  }
}

const rows = [];
const single = await startServer(mkdtempSync(join(tmpdir(), 'plenary-bench-')));
try {
  for (const n of sizes) rows.push(await scenario('1 process', n, [single]));
} finally {
  single.child.kill('SIGTERM');
}
if (values.redis && existsSync('/usr/bin/redis-server')) {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'plenary-bench-redis-'));
  const pair = [await startServer(dataDir, redis.url), await startServer(dataDir, redis.url)];
  try {
    for (const n of sizes) rows.push(await scenario('2 processes + Redis', n, pair));
  } finally {
    for (const s of pair) s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    redis.child.kill('SIGKILL');
  }
}

console.log(`\nSync server fan-out: ${perReport} members a report, 1 update/s each, ${seconds} s measured, ${generators} load-generator processes`);
console.log('| servers | members | reports | updates measured | not delivered | p50 ms | p99 ms | server RSS MB (peak, sum) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.label} | ${r.members} | ${r.reports} | ${r.updates} | ${r.lost} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.rss.toFixed(0)} |`);
}
