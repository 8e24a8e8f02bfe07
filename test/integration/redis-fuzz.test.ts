/**
 * Seeded fuzz of a report served by two sync server processes through a real Redis
 * (test/integration/fuzz/redis-session.ts): members on either process type, delete and
 * set fields while their lines drop, a process's link to Redis drops, and processes are
 * killed and started again; in the end every copy, and a newcomer's on either process,
 * is the same. A failure prints its seed and steps; replay one with
 * `PLENARY_FUZZ_SEED=<seed> npm run fuzz -- --redis`, run more with
 * `npm run fuzz -- --redis --sessions N`.
 */
import { describe, expect, it } from 'vitest';
import { seedsToRun } from './fuzz/run-sessions.ts';
import { runRedisSession } from './fuzz/redis-session.ts';
import { hasRedis } from './fixtures/sync/harness.ts';

describe.skipIf(!hasRedis)('two server processes through Redis, fuzzed', () => {
  // Each session takes 10-20 s, most of it processes starting and lines reconnecting.
  // Seed 1 fails when a process does not repair what it missed after its link to Redis
  // comes back (redis-relay.ts's repairAfterReconnect), as 8 does, and not 2 to 7.
  for (const seed of seedsToRun(Number(process.env.PLENARY_REDIS_SESSIONS ?? 2), process.env, 1)) {
    it(`seed ${seed}: every copy ends the same, on either process`, async () => {
      const { steps, problems } = await runRedisSession(seed);
      if (problems.length > 0) console.error(`Redis fuzz, seed ${seed}:\n  ${steps.join('\n  ')}`);
      expect(problems).toEqual([]);
    }, 180_000);
  }
});
