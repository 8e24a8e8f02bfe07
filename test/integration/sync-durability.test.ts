/**
 * Durability under SIGKILL: sync server processes are killed at random moments while
 * clients keep writing (at least 100 kills). After every kill, before anything else
 * touches the files, each report on disk holds every update the server had
 * acknowledged to a client (the provider's `unsyncedChanges` reaching 0). At the end
 * the clients' backlogs — what the server had not acknowledged — have been resent and
 * every copy is identical, with every entry every client wrote.
 *
 * The seed is printed; PLENARY_KILL_SEED replays a run.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { connectClient, startServerProcess, tempDir, waitFor, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';
import { ReportStore } from '../../main/services/report-store.ts';

const LANES = 2;
const KILLS_PER_LANE = Number(process.env.PLENARY_KILLS_PER_LANE ?? 52);
const REPORTS = ['report-one', 'report-two'];
const CLIENTS_PER_LANE = 4;

function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

interface Writer {
  name: string;
  report: string;
  client: TestClient;
  written: number;
  /** This client's own clock at the last moment the server had acknowledged everything. */
  acknowledgedClock: number;
  timer: NodeJS.Timeout | null;
}

function startWriter(url: string, report: string, name: string, rand: () => number): Writer {
  const client = connectClient(url, report);
  const writer: Writer = { name, report, client, written: 0, acknowledgedClock: 0, timer: null };
  client.provider.on('unsyncedChanges', ({ number }: { number: number }) => {
    if (number === 0) writer.acknowledgedClock = Y.getState(client.doc.store, client.doc.clientID);
  });
  const tick = (): void => {
    // Typing-sized changes into this writer's own array and a shared text.
    client.doc.transact(() => {
      client.doc.getArray<string>(name).push([`${name}:${writer.written}`]);
      client.doc.getText('body').insert(Math.floor(rand() * (client.doc.getText('body').length + 1)), name[0] ?? '?');
    });
    writer.written += 1;
    writer.timer = setTimeout(tick, 10 + Math.floor(rand() * 30));
  };
  writer.timer = setTimeout(tick, 0);
  return writer;
}

/**
 * How far, from clock 0, the report file holds this client's updates without a gap —
 * counting updates the server keeps as pending (their dependencies are still on their
 * way from another client's backlog): stored is stored.
 */
function storedPrefixes(dataDir: string, report: string): (client: number) => number {
  const path = join(dataDir, `${report}.plenary`);
  if (!existsSync(path)) return () => 0;
  // Opened as the restarted server will open it (replaying a WAL left by the kill).
  const store = ReportStore.open(path, { compactAboveRows: Infinity });
  let state: Uint8Array;
  try {
    state = store.loadState();
  } finally {
    store.close();
  }
  const structs = Y.decodeUpdate(state).structs.filter((s) => !(s instanceof Y.Skip));
  return (client) => {
    const ranges = structs
      .filter((s) => s.id.client === client)
      .map((s) => [s.id.clock, s.id.clock + s.length] as const)
      .sort((a, b) => a[0] - b[0]);
    let end = 0;
    for (const [from, to] of ranges) {
      if (from > end) break;
      end = Math.max(end, to);
    }
    return end;
  };
}

async function runLane(lane: number, seed: number): Promise<{ kills: number; checked: number }> {
  const rand = random(seed + lane * 7919);
  const dataDir = tempDir(`plenary-kill-${lane}-`);
  let server: ServerProcess = await startServerProcess({ dataDir });
  const port = server.port;
  const writers: Writer[] = [];
  for (let i = 0; i < CLIENTS_PER_LANE; i++) {
    writers.push(startWriter(server.url, REPORTS[i % REPORTS.length] as string, `w${lane}${i}`, rand));
  }
  let checked = 0;
  try {
    for (let kill = 0; kill < KILLS_PER_LANE; kill++) {
      // Kill at a random moment after the clients are back and writing: some updates
      // acknowledged, some in flight, some not yet sent.
      const back = 1 + Math.floor(rand() * writers.length);
      await waitFor(() => writers.filter((w) => w.client.provider.isSynced).length >= back, 60_000, 'clients to reconnect');
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 150)));
      await server.stop('SIGKILL');
      // Snapshot what the clients had been told was stored, then read the files.
      const promised = writers.map((w) => ({ w, clock: w.acknowledgedClock }));
      for (const report of REPORTS) {
        const storedPrefix = storedPrefixes(dataDir, report);
        for (const { w, clock } of promised.filter((p) => p.w.report === report)) {
          const have = storedPrefix(w.client.doc.clientID);
          if (have < clock) {
            throw new Error(`seed ${seed}, lane ${lane}, kill ${kill}: ${w.name} was acknowledged up to clock ${clock}, the file has ${have}`);
          }
          checked += 1;
        }
      }
      server = await startServerProcess({ dataDir, port });
    }
    // Stop typing; the backlog of every client goes out and every copy converges.
    for (const w of writers) if (w.timer) clearTimeout(w.timer);
    await Promise.all(writers.map((w) => w.client.settled(60_000)));
    for (const report of REPORTS) {
      const reader = connectClient(server.url, report);
      try {
        await reader.settled(60_000);
        const mine = writers.filter((w) => w.report === report);
        for (const w of mine) {
          await waitFor(() => reader.doc.getArray(w.name).length === w.written, 60_000, `${w.name}'s entries`);
          expect(reader.doc.getArray(w.name).toArray()).toEqual(Array.from({ length: w.written }, (_, i) => `${w.name}:${i}`));
        }
        for (const w of mine) {
          await waitFor(() => Y.encodeStateVector(w.client.doc).join() === Y.encodeStateVector(reader.doc).join(), 60_000, 'convergence');
          expect(w.client.doc.getText('body').toString()).toBe(reader.doc.getText('body').toString());
        }
      } finally {
        reader.destroy();
      }
    }
    return { kills: KILLS_PER_LANE, checked };
  } finally {
    for (const w of writers) {
      if (w.timer) clearTimeout(w.timer);
      w.client.destroy();
    }
    await server.stop('SIGKILL');
  }
}

describe('sync server killed while clients write', () => {
  it('keeps every acknowledged update through 100+ SIGKILLs and converges after', { timeout: 300_000 }, async () => {
    const seed = Number(process.env.PLENARY_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`sync durability seed: ${seed} (replay with PLENARY_KILL_SEED=${seed})`);
    const results = await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane, seed)));
    const kills = results.reduce((n, r) => n + r.kills, 0);
    if (!process.env.PLENARY_KILLS_PER_LANE) expect(kills).toBeGreaterThanOrEqual(100);
    expect(results.every((r) => r.checked > 0)).toBe(true);
  });
});
