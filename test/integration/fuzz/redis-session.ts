/**
 * One seeded session of a report served by two sync server processes through a real
 * Redis, sharing one data folder: four members (stock Hocuspocus providers), each on one
 * process through a line that can be cut, type and delete in the report and set its
 * fields, while lines are cut and restored, a process's link to Redis is cut and
 * restored, and a process is killed (SIGKILL) or stopped (SIGTERM) and started again.
 *
 * Then, with everything restored and every member's changes acknowledged, every member's
 * copy must be identical, and so must a newcomer's copy from either process: nothing
 * anyone typed lost, however the two processes and Redis fared meanwhile.
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { connectClient, cuttableLink, startRedis, startServerProcess, tempDir, waitFor, type Relay, type ServerProcess, type TestClient } from '../fixtures/sync/harness.ts';

const REPORT = 'tunis-draft';
const STEPS = 30;
const LONGEST_PAUSE_MS = 600;
const WORDS = ['multilateral', 'transparent', 'democratic', 'forum', 'governance', 'Internet', 'stakeholders', 'Tunis'];

interface ServerSlot {
  readonly name: string;
  readonly port: number;
  readonly redisLine: Relay;
  server: ServerProcess | null;
}

interface Member {
  readonly name: string;
  readonly client: TestClient;
  readonly line: Relay;
  readonly on: ServerSlot;
}

export interface RedisSessionResult {
  /** What the session did, step by step (to read a failure by). */
  readonly steps: string[];
  /** Copies that differ, or an empty list. */
  readonly problems: string[];
}

/** What a copy holds, to compare: the text, the fields, and the state vector. */
function contentOf(doc: Y.Doc): string {
  const fields = Object.entries(doc.getMap('fields').toJSON()).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ text: doc.getText('body').toString(), fields, clocks: [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b) });
}

export async function runRedisSession(seed: number): Promise<RedisSessionResult> {
  const gen = prng.create(seed);
  const steps: string[] = [];
  const cleanups: Array<() => unknown> = [];
  const dataDir = tempDir('plenary-redis-fuzz-');
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const redisPort = Number(new URL(redis.url).port);
    const slots: ServerSlot[] = [];
    for (const name of ['one', 'two']) {
      const redisLine = await cuttableLink(redisPort);
      cleanups.push(() => redisLine.close());
      const server = await startServerProcess({ dataDir, args: ['--redis', `redis://127.0.0.1:${redisLine.port}`] });
      const slot: ServerSlot = { name, port: server.port, redisLine, server };
      cleanups.push(() => slot.server?.stop('SIGKILL'));
      slots.push(slot);
    }
    const start = async (slot: ServerSlot): Promise<void> => {
      slot.server = await startServerProcess({ dataDir, port: slot.port, args: ['--redis', `redis://127.0.0.1:${slot.redisLine.port}`] });
    };

    const members: Member[] = [];
    for (const name of ['Ana', 'Bo', 'Chen', 'Dalia']) {
      const on = prng.oneOf(gen, slots);
      const line = await cuttableLink(on.port);
      cleanups.push(() => line.close());
      const client = connectClient(`ws://127.0.0.1:${line.port}`, REPORT);
      cleanups.push(() => client.destroy());
      members.push({ name, client, line, on });
      steps.push(`${name} on process ${on.name}`);
    }
    const cutLines = new Set<Relay>();
    /** Cuts a line that is up, restores one that is cut; true when it is now cut. */
    const cutOrRestore = (line: Relay): boolean => {
      if (cutLines.delete(line)) {
        line.restore();
        return false;
      }
      line.cut();
      cutLines.add(line);
      return true;
    };

    for (let step = 0; step < STEPS; step++) {
      const member = prng.oneOf(gen, members);
      const roll = prng.real53(gen);
      const text = member.client.doc.getText('body');
      if (roll < 0.45) {
        const at = prng.uint32(gen, 0, text.length);
        const word = `${prng.oneOf(gen, WORDS)}-${member.name}${step} `;
        text.insert(at, word);
        steps.push(`${member.name} types "${word}" at ${at}`);
      } else if (roll < 0.55 && text.length > 0) {
        const at = prng.uint32(gen, 0, text.length - 1);
        const length = Math.min(prng.uint32(gen, 1, 12), text.length - at);
        text.delete(at, length);
        steps.push(`${member.name} deletes ${length} at ${at}`);
      } else if (roll < 0.62) {
        const field = prng.oneOf(gen, ['title', 'chair', 'venue']);
        member.client.doc.getMap('fields').set(field, `${member.name} ${step}`);
        steps.push(`${member.name} sets the ${field}`);
      } else if (roll < 0.77) {
        steps.push(`${member.name}'s line ${cutOrRestore(member.line) ? 'cut' : 'restored'}`);
      } else if (roll < 0.87) {
        const slot = prng.oneOf(gen, slots);
        steps.push(`process ${slot.name}'s link to Redis ${cutOrRestore(slot.redisLine) ? 'cut' : 'restored'}`);
      } else {
        const slot = prng.oneOf(gen, slots);
        if (slot.server) {
          const signal = prng.bool(gen) ? 'SIGKILL' : 'SIGTERM';
          await slot.server.stop(signal);
          slot.server = null;
          steps.push(`process ${slot.name} stopped (${signal})`);
        } else {
          await start(slot);
          steps.push(`process ${slot.name} started again`);
        }
      }
      await sleep(prng.uint32(gen, 0, LONGEST_PAUSE_MS));
    }

    for (const line of cutLines) line.restore();
    for (const slot of slots) if (!slot.server) await start(slot);
    steps.push('every line restored, every process running');

    const problems: string[] = [];
    try {
      await Promise.all(members.map((member) => member.client.settled(60_000)));
      await waitFor(() => new Set(members.map((member) => contentOf(member.client.doc))).size === 1, 30_000, 'every copy alike');
    } catch (error) {
      problems.push((error as Error).message);
    }
    const newcomers = slots.map((slot) => connectClient(`ws://127.0.0.1:${slot.port}`, REPORT));
    cleanups.push(() => newcomers.forEach((newcomer) => newcomer.destroy()));
    const expected = contentOf(members[0]!.client.doc);
    try {
      await Promise.all(newcomers.map((newcomer) => newcomer.settled(30_000)));
      await waitFor(() => newcomers.every((newcomer) => contentOf(newcomer.doc) === expected), 30_000, 'the newcomers\' copies alike');
    } catch (error) {
      problems.push((error as Error).message);
    }
    for (const copy of [...members.map((member) => ({ name: member.name, doc: member.client.doc })), ...newcomers.map((newcomer, i) => ({ name: `a newcomer on ${slots[i]!.name}`, doc: newcomer.doc }))]) {
      const content = contentOf(copy.doc);
      if (content !== expected) problems.push(`${copy.name}'s copy differs from Ana's: ${content} against ${expected}`);
    }
    if (problems.length > 0) {
      for (const slot of slots) problems.push(`process ${slot.name}'s last log lines:\n    ${(slot.server?.logLines ?? []).slice(-25).join('\n    ')}`);
    }
    return { steps, problems };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
