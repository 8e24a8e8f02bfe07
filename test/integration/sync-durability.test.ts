/**
 * Durability under SIGKILL: sync server processes are killed at random moments while
 * clients keep writing (at least 100 kills). After every kill, before anything else
 * touches the files, each report on disk holds every update the server had
 * acknowledged to a client (each SyncStatus the server sent, matched to the update
 * message it answers on that socket). At the end
 * the clients' backlogs — what the server had not acknowledged — have been resent and
 * every copy is identical, with every entry every client wrote.
 *
 * The seed is printed; PLENARY_KILL_SEED replays a run.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { connectClient, startServerProcess, tempDir, waitFor, warmServer, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';
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
  /** Clock ranges of this client's own changes that the server acknowledged. */
  acknowledged: Array<[number, number]>;
  timer: NodeJS.Timeout | null;
}

function startWriter(url: string, report: string, name: string, rand: () => number): Writer {
  const acknowledged: Array<[number, number]> = [];
  const client = connectClient(url, report, {
    onAcknowledged: (update) => {
      for (const s of Y.decodeUpdate(update).structs) {
        if (s.id.client === client.doc.clientID && !(s instanceof Y.Skip)) acknowledged.push([s.id.clock, s.id.clock + s.length]);
      }
    },
  });
  const writer: Writer = { name, report, client, written: 0, acknowledged, timer: null };
  const tick = (): void => {
    // Typing-sized changes into this writer's own array and a shared text.
    client.doc.transact(() => {
      client.doc.getArray<string>(name).push([`${name}:${writer.written}`]);
      client.doc.getText('body').insert(Math.floor(rand() * (client.doc.getText('body').length + 1)), name[0] ?? '?');
    });
    writer.written += 1;
    writer.timer = setTimeout(tick, 30 + Math.floor(rand() * 90));
  };
  writer.timer = setTimeout(tick, 0);
  return writer;
}

/**
 * The clock ranges of each client's changes the report file holds — counting updates
 * the server keeps as pending (their dependencies are still on their way in another
 * client's backlog): stored is stored. Opened as the restarted server will open it
 * (replaying a WAL left by the kill).
 */
function storedRanges(dataDir: string, report: string): (client: number) => Array<[number, number]> {
  const path = join(dataDir, `${report}.plenary`);
  if (!existsSync(path)) return () => [];
  const store = ReportStore.open(path, { compactAboveRows: Infinity });
  let state: Uint8Array;
  try {
    state = store.loadState();
  } finally {
    store.close();
  }
  const structs = Y.decodeUpdate(state).structs.filter((s) => !(s instanceof Y.Skip));
  return (client) =>
    merge(structs.filter((s) => s.id.client === client).map((s) => [s.id.clock, s.id.clock + s.length]));
}

function merge(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** The first acknowledged range not inside the stored ones, if any. */
function missing(acknowledged: Array<[number, number]>, stored: Array<[number, number]>): [number, number] | null {
  for (const [from, to] of merge(acknowledged)) {
    if (!stored.some(([sFrom, sTo]) => sFrom <= from && to <= sTo)) return [from, to];
  }
  return null;
}

async function runLane(lane: number, seed: number): Promise<{ kills: number; checked: number }> {
  const rand = random(seed + lane * 7919);
  const dataDir = tempDir(`plenary-kill-${lane}-`);
  let server: ServerProcess = await startServerProcess({ dataDir });
  const port = server.port;
  // The next server is always started ahead, so a restart costs a listen, not a start-up.
  let spare = warmServer();
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
      await waitFor(() => writers.filter((w) => w.client.provider.isSynced).length >= back, 120_000, 'clients to reconnect').catch((error: Error) => {
        const clients = writers.map((w) => `${w.name} ${w.client.provider.configuration.websocketProvider.status} synced=${w.client.provider.isSynced} unsynced=${w.client.provider.unsyncedChanges}`);
        throw new Error(`seed ${seed}, lane ${lane}, kill ${kill}: ${error.message}; ${clients.join('; ')}; server log:\n${server.logLines.slice(-12).join('\n')}`);
      });
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 150)));
      await server.stop('SIGKILL');
      // Snapshot what the clients had been told was stored, then read the files.
      const promised = writers.map((w) => ({ w, acknowledged: [...w.acknowledged] }));
      for (const report of REPORTS) {
        const stored = storedRanges(dataDir, report);
        for (const { w, acknowledged } of promised.filter((p) => p.w.report === report)) {
          const gap = missing(acknowledged, stored(w.client.doc.clientID));
          if (gap) throw new Error(`seed ${seed}, lane ${lane}, kill ${kill}: ${w.name}'s clocks ${gap[0]}..${gap[1]} were acknowledged but are not in the file (stored ${JSON.stringify(stored(w.client.doc.clientID))}, acknowledged ${JSON.stringify(merge(acknowledged))})`);
          checked += acknowledged.length;
        }
      }
      server = await (await spare).listen({ port, dataDir });
      spare = warmServer();
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
    (await spare).kill();
  }
}

describe('sync server killed while clients write', () => {
  it('keeps every acknowledged update through 100+ SIGKILLs and converges after', { timeout: 900_000 }, async () => {
    const seed = Number(process.env.PLENARY_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`sync durability seed: ${seed} (replay with PLENARY_KILL_SEED=${seed})`);
    const results = await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane, seed)));
    const kills = results.reduce((n, r) => n + r.kills, 0);
    if (!process.env.PLENARY_KILLS_PER_LANE) expect(kills).toBeGreaterThanOrEqual(100);
    expect(results.every((r) => r.checked > 0)).toBe(true);
  });
});
