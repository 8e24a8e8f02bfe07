/* global process, console, setTimeout, setInterval, clearInterval */
// Sync server fan-out: N members (20 to a report) on loopback, each typing one update a
// second, against one server process, then two server processes through Redis. The
// load generator runs in its own process(es). Prints p50/p99 of send → every other
// member of the report has it, and the server processes' resident memory.
//   node test/bench/sync-server-bench.mjs                 100, 500, 1000 members
//   node test/bench/sync-server-bench.mjs --members 40,100 --seconds 10
//   --client provider   members are stock Hocuspocus providers (a Y.Doc each) instead of
//                       raw sockets (see sync-load.mjs)
//   --no-redis          skip the two-process runs
//   --no-single         skip the one-process runs (e.g. to iterate on the Redis rows alone:
//                       --no-single --members 1000 --seconds 10)
//   --dist              run dist/host/sync-server.mjs (the build) instead of the sources
//   --profile DIR       write V8 CPU profiles of the servers and generators to DIR
//   --spread            members of a report type at phases spread over the second (see
//                       sync-load.mjs) instead of 3 ms apart
//   --warmup S          seconds of typing before measuring (default 10). Every member starts
//                       typing at once on reports just loaded, and the first ~8 s at 1,000
//                       members are a transient (p50 tens of ms; 3 s of warm-up, the
//                       default until 2026-11-29, left half of it in the measured window).
//                       "warm-up p99" is that start, reported apart.
// CPU is the processes' user+system time over the measured seconds (servers summed,
// generators summed, redis-server); load avg is the machine's 1-minute load at the end
// of the row. "gen. loop p99" is the load generators' own event-loop delay (p99, worst
// of them) while measuring: when it is a large part of the fan-out p99, the generator
// — not the server — is what is late. "server µs / update" is the servers' CPU over the
// whole row (connecting, warm-up, measuring, draining) divided by the updates sent: a
// per-update cost that a busy machine does not hide (work starved out of the measured
// seconds is still counted once done). "messages / update" is what the members received
// while measuring divided by the updates they sent meanwhile: 19 deliveries and one
// acknowledgement at 20 a report (fewer when the server merges a turn's updates of a
// report into one message), plus whatever else the server sends per update. "server
// writes / update" is the servers' write system calls over the whole row (/proc/PID/io
// syscw: socket writes to members and Redis, report-file writes) per update sent.
// Run it under the shared lock: flock /tmp/plenary/bench.lock node test/bench/sync-server-bench.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
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
    single: { type: 'boolean', default: true },
    client: { type: 'string', default: 'raw' },
    dist: { type: 'boolean', default: false },
    profile: { type: 'string' },
    spread: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '10' },
  },
  allowNegative: true,
});
const sizes = values.members.split(',').map(Number);
const perReport = Number(values['per-report']);
const seconds = Number(values.seconds);
const generators = Number(values.generators);
const profileArgs = (name) => (values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`, `--cpu-prof-name=${name}-${Date.now()}-\${pid}.cpuprofile`] : []);
const serverEntry = values.dist ? join(root, 'dist/host/sync-server.mjs') : join(root, 'main/host/sync-server.ts');
if (!existsSync(serverEntry)) throw new Error(`${serverEntry} is missing${values.dist ? ' (npm run build)' : ''}`);

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
  const child = spawn(process.execPath, [...profileArgs('server'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
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

/** User + system CPU of a process so far, in ms (from /proc; clock ticks are 10 ms). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Write system calls (write, writev) a process has made so far: its socket and file writes. */
function writeCalls(pid) {
  try {
    return Number(/^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))[1]);
  } catch {
    return NaN;
  }
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

function runGenerator(config, onPhase) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profileArgs('generator'), join(root, 'test/bench/sync-load.mjs'), JSON.stringify(config)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      for (const phase of ['measuring', 'measured']) if (out.includes(`"phase":"${phase}"`)) onPhase?.(phase);
    });
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

async function scenario(label, members, servers, redis = null) {
  const reports = Array.from({ length: Math.ceil(members / perReport) }, (_, i) => `bench-${members}-${i}`);
  const urls = servers.map((s) => s.url);
  const share = Array.from({ length: generators }, (_, g) => reports.filter((_, i) => i % generators === g)).filter((r) => r.length);
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, servers.reduce((sum, s) => sum + rssMb(s.child.pid), 0));
  }, 500);
  try {
    // Server CPU over the measured seconds (from the first generator's start of measuring to its end).
    const serverCpuNow = () => servers.reduce((sum, s) => sum + cpuMs(s.child.pid), 0);
    const marks = {};
    const redisMarks = {};
    const onPhase = (phase) => {
      marks[phase] ??= serverCpuNow();
      if (redis) redisMarks[phase] ??= cpuMs(redis.child.pid);
    };
    const cpuAtStart = serverCpuNow();
    const serverWritesNow = () => servers.reduce((sum, s) => sum + writeCalls(s.child.pid), 0);
    const writesAtStart = serverWritesNow();
    const results = await Promise.all(share.map((r) => runGenerator({ urls, reports: r, perReport, seconds, warmupSeconds: Number(values.warmup), client: values.client, spread: values.spread }, onPhase)));
    const rowCpu = serverCpuNow() - cpuAtStart;
    const rowWrites = serverWritesNow() - writesAtStart;
    const sent = results.reduce((n, r) => n + (r.sent ?? NaN), 0);
    const serverCpu = (marks.measured ?? NaN) - (marks.measuring ?? NaN);
    const redisCpu = redis ? (redisMarks.measured ?? NaN) - (redisMarks.measuring ?? NaN) : NaN;
    const loopP99 = Math.max(...results.map((r) => r.loopDelayP99Ms ?? NaN));
    const generatorCpu = results.reduce((sum, r) => sum + (r.cpuMs ?? NaN), 0);
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const warmupLatencies = results.flatMap((r) => r.warmupLatencies).sort((a, b) => a - b);
    const lost = results.reduce((n, r) => n + r.lost, 0);
    const received = results.reduce((n, r) => n + (r.received ?? NaN), 0);
    const sentMeasuring = results.reduce((n, r) => n + (r.sentMeasuring ?? NaN), 0);
    return { label, members: reports.length * perReport, reports: reports.length, updates: latencies.length, lost, p50: percentile(latencies, 50), p99: percentile(latencies, 99), warmupP99: percentile(warmupLatencies, 99), rss: peak, serverCpu, cpuPerUpdateUs: (rowCpu * 1000) / sent, messagesPerUpdate: received / sentMeasuring, writesPerUpdate: rowWrites / sent, generatorCpu, redisCpu, loopP99, load: loadavg()[0] };
  } finally {
    clearInterval(sample);
  }
}

const rows = [];
if (values.single) {
  const single = await startServer(mkdtempSync(join(tmpdir(), 'plenary-bench-')));
  try {
    for (const n of sizes) rows.push(await scenario('1 process', n, [single]));
  } finally {
    single.child.kill('SIGTERM');
    await new Promise((r) => single.child.once('exit', r));
  }
}
if (values.redis && existsSync('/usr/bin/redis-server')) {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'plenary-bench-redis-'));
  const pair = [await startServer(dataDir, redis.url), await startServer(dataDir, redis.url)];
  try {
    for (const n of sizes) rows.push(await scenario('2 processes + Redis', n, pair, redis));
  } finally {
    for (const s of pair) s.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    redis.child.kill('SIGKILL');
  }
}

console.log(`\nSync server fan-out: ${perReport} members a report, 1 update/s each${values.spread ? ' (phases spread)' : ''}, ${seconds} s measured after ${values.warmup} s of warm-up, ${generators} load-generator processes (${values.client} clients), server from ${values.dist ? 'dist' : 'sources'}`);
console.log('| servers | members | reports | updates measured | not delivered | p50 ms | p99 ms | warm-up p99 ms | server RSS MB (peak, sum) | server CPU | server µs / update | server writes / update | messages / update | generators CPU | redis CPU | gen. loop p99 ms | load avg |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const redisCpu = Number.isNaN(r.redisCpu) ? '–' : `${(r.redisCpu / 1000).toFixed(1)} s`;
  console.log(`| ${r.label} | ${r.members} | ${r.reports} | ${r.updates} | ${r.lost} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.warmupP99.toFixed(1)} | ${r.rss.toFixed(0)} | ${(r.serverCpu / 1000).toFixed(1)} s | ${r.cpuPerUpdateUs.toFixed(0)} | ${r.writesPerUpdate.toFixed(1)} | ${r.messagesPerUpdate.toFixed(2)} | ${(r.generatorCpu / 1000).toFixed(1)} s | ${redisCpu} | ${r.loopP99.toFixed(1)} | ${r.load.toFixed(1)} |`);
}
