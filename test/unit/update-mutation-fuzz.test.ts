/**
 * Seeded mutation fuzz of what a hostile member can send
 * (test/integration/fuzz/update-mutation-session.ts): real updates of a report with a few
 * bytes changed, through the server's frame check (v1) and the update guard's worker
 * (v2). Every one is either refused, or Yjs applies it to the report whole, without
 * throwing, and the report's structure stays sound. Before shared/update-integrity.ts,
 * about one in two hundred of those let through made Yjs throw halfway through its
 * transaction. A failure names its seed and bytes; replay one with
 * `PLENARY_FUZZ_SEED=<seed> npm run fuzz -- --updates`, run more with
 * `npm run fuzz -- --updates --sessions N`.
 */
import { describe, expect, it } from 'vitest';
import { seedsToRun } from '../integration/fuzz/run-sessions.ts';
import { MUTATIONS, runMutationSession } from '../integration/fuzz/update-mutation-session.ts';

describe('mutated updates from a hostile member', () => {
  for (const seed of seedsToRun(2, process.env, 1)) {
    for (const format of ['v1', 'v2'] as const) {
      it(`seed ${seed}, ${format}: each is refused by the checks, or applies whole to a sound report`, async () => {
        const { letThrough, wrong } = await runMutationSession(seed, format);
        expect(wrong, `seed ${seed}`).toEqual([]);
        // The mutations are not all caught by the framing alone.
        expect(letThrough).toBeGreaterThan(MUTATIONS[format] / 15);
      }, 120_000);
    }
  }
});
