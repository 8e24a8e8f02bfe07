/**
 * "Nothing typed is lost when the app is killed": a child process opens a report and
 * types into it, acknowledging each update once ReportStore.append has returned; the
 * test kills it with SIGKILL at a random moment, 200 times over the same file, and after
 * each kill reopens the file and checks that every acknowledged update is there and
 * that the file opens cleanly (a kill during the open's compaction included).
 *
 * The kill times come from a seeded PRNG; the seed is printed, and PLENARY_KILL_SEED=n
 * replays a run.
 *
 * The writer is test/integration/fixtures/kill-writer.ts, runnable with plain `node`.
 * Node's type stripping and loading Yjs module by module cost ~0.3–0.7 s per start on
 * these (loaded) 2-core machines, times 200 starts; so the test first bundles the
 * writer with esbuild (as scripts/build.mjs bundles the app) into node_modules/.cache,
 * where it starts in ~0.1 s of CPU. The code under test is the same source either way.
 *
 * Cost: about 50 s of CPU in all (200 writer starts dominate). Measured wall time on the
 * 2-core machines: 65 s with a load average of 8, 145–180 s with 10–18 (other suites
 * running); on an otherwise idle machine well under 90 s. PLENARY_KILLS=n runs fewer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { ReportStore } from '../../main/services/report-store.ts';
import { bodyOf, createReportDoc, Origin } from '../../shared/ydoc.ts';

const KILLS = Number(process.env.PLENARY_KILLS ?? 200);
const WRITER_SOURCE = fileURLToPath(new URL('./fixtures/kill-writer.ts', import.meta.url));
/** Inside node_modules so the bundle resolves better-sqlite3 (kept external: native). */
const WRITER_BUNDLE_DIR = fileURLToPath(new URL('../../node_modules/.cache/plenary-test/', import.meta.url));
let writer = WRITER_SOURCE;

async function bundleWriter(): Promise<string> {
  const { build } = await import('esbuild');
  mkdirSync(WRITER_BUNDLE_DIR, { recursive: true });
  const outfile = join(WRITER_BUNDLE_DIR, `kill-writer-${process.pid}.mjs`);
  await build({
    entryPoints: [WRITER_SOURCE], outfile, bundle: true, platform: 'node', format: 'esm',
    target: 'node22', external: ['better-sqlite3'], logLevel: 'warning',
  });
  return outfile;
}

/** mulberry32: small, seedable, good enough to spread kill times. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Round {
  /** Highest n the child acknowledged before it died; -1 when none. */
  lastAck: number;
  killedBeforeReady: boolean;
}

/**
 * Runs one writer and kills it: usually `delay` ms after its first ack, sometimes
 * `delay` ms after it started (so while it opens, loads or compacts the file).
 */
function runAndKill(path: string, round: number, delay: number, duringOpen: boolean): Promise<Round> {
  return new Promise((resolve, reject) => {
    // Plain spawn, not spawnNode: the writer stops by itself without a test process, as its
    // next ack meets a broken pipe.
    const child = spawn(process.execPath, ['--no-warnings', writer, path, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastAck = -1;
    let ready = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    let pending = '';
    let stderr = '';
    const kill = (): void => {
      killTimer = setTimeout(() => child.kill('SIGKILL'), delay);
    };
    if (duringOpen) kill();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') ready = true;
        const match = /^ack (\d+)$/.exec(line);
        if (!match) continue;
        const n = Number(match[1]);
        if (n !== lastAck + 1) reject(new Error(`round ${round}: ack ${n} after ${lastAck}`));
        lastAck = n;
        if (n === 0 && !duringOpen) kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`round ${round}: writer exited by itself (code ${code}): ${stderr}`));
        return;
      }
      resolve({ lastAck, killedBeforeReady: !ready });
    });
  });
}

/** Reopens the file as the app does; returns the typed paragraph's text. */
function reopenText(path: string): string {
  const store = ReportStore.open(path);
  try {
    const doc = createReportDoc();
    Y.applyUpdate(doc, store.loadState(), Origin.load);
    // Every saved update applied: nothing waits for a missing predecessor.
    expect(doc.store.pendingStructs).toBeNull();
    expect(doc.store.pendingDs).toBeNull();
    const first = bodyOf(doc).get(0);
    return first instanceof Y.XmlElement ? (first.get(0) as Y.XmlText).toString() : '';
  } finally {
    store.close();
  }
}

describe('kill durability', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plenary-kill-'));
    writer = await bundleWriter();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (writer !== WRITER_SOURCE) rmSync(writer, { force: true });
  });

  it(`keeps every acknowledged update through ${KILLS} SIGKILLs of a writing process`, async () => {
    const seed = Number(process.env.PLENARY_KILL_SEED ?? (Date.now() % 2 ** 31));
    console.log(`kill-durability seed: ${seed} (replay with PLENARY_KILL_SEED=${seed})`);
    const random = prng(seed);
    const path = join(dir, 'killed.plenary');
    ReportStore.create(path, { reportId: 'kill-test' }).close();

    const acked: number[] = [];
    let totalAcks = 0;
    let killedDuringOpen = 0;
    const started = Date.now();
    for (let round = 0; round < KILLS; round++) {
      const duringOpen = random() < 0.1;
      const delay = duringOpen ? Math.floor(random() * 150) : 2 + Math.floor(random() * 48);
      const result = await runAndKill(path, round, delay, duringOpen);
      acked[round] = result.lastAck;
      totalAcks += result.lastAck + 1;
      if (result.killedBeforeReady) killedDuringOpen++;

      const text = reopenText(path);
      const present = new Set(text.match(/<\d+:\d+>/g) ?? []);
      for (let r = 0; r <= round; r++) {
        for (let n = 0; n <= acked[r]!; n++) {
          if (!present.has(`<${r}:${n}>`)) {
            throw new Error(`seed ${seed}: update <${r}:${n}> was acknowledged but is missing after kill ${round}`);
          }
        }
      }
    }
    console.log(`kill-durability: ${KILLS} kills, ${totalAcks} acknowledged updates, ${killedDuringOpen} kills before the writer was ready, ${Date.now() - started} ms`);
    expect(totalAcks).toBeGreaterThan(KILLS);
  }, 600_000);
});
