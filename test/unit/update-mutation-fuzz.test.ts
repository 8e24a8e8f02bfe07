/**
 * Seeded mutation fuzz of what a hostile member can send: real updates of a report
 * (typing, deletions, marks, paragraphs added and removed, a stance, the title), each
 * with a few bytes flipped, replaced, inserted or removed, sent as a client's frame to
 * the sync server's check (`checkClientFrame`, which the app's own checks share), and the
 * same as v2 updates through the update guard's worker (bundles, large updates). Every
 * one is either refused, or Yjs applies it to the report whole, without throwing, and
 * the report's structure stays sound. Before shared/update-integrity.ts, about one in
 * two hundred of those let through made Yjs throw halfway through its transaction.
 * A failure names its seed and bytes; `PLENARY_FUZZ_SEED=<seed>` replays one, and
 * `PLENARY_MUTATION_SESSIONS=N` (from `PLENARY_MUTATION_FIRST`) runs more.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { checkClientFrame } from '../../main/services/sync/frame-guard.ts';
import { UpdateGuard } from '../../main/services/sync/update-guard.ts';
import { createReportDoc } from '../../shared/ydoc.ts';
import { updateFrame } from '../integration/fixtures/sync/hostile-frames.ts';
import { seedsToRun } from '../integration/fuzz/run-sessions.ts';
import { structureProblems } from './helpers/yjs-structure.ts';
import { mutate, reportAndEdits } from './helpers/mutated-updates.ts';

const REPORT = 'mutated-report';

/** Applies an update the checks let through to a fresh copy of the report: why that went wrong, or null. */
function whatGoesWrong(report: Uint8Array, update: Uint8Array, v2: boolean): string | null {
  const doc = createReportDoc();
  Y.applyUpdate(doc, report);
  try {
    if (v2) Y.applyUpdateV2(doc, update);
    else Y.applyUpdate(doc, update);
  } catch (error) {
    return `Yjs threw: ${(error as Error).message}`;
  }
  const problems = structureProblems(doc);
  return problems.length > 0 ? problems.join('; ') : null;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const { report, edits } = reportAndEdits();

describe('mutated updates from a hostile member', () => {
  for (const seed of seedsToRun(Number(process.env.PLENARY_MUTATION_SESSIONS ?? 2), process.env, Number(process.env.PLENARY_MUTATION_FIRST ?? 1))) {
    it(`seed ${seed}: each is refused by the server's check, or applies whole to a sound report`, () => {
      const gen = prng.create(seed);
      const wrong: string[] = [];
      let letThrough = 0;
      for (let i = 0; i < 6_000; i++) {
        const update = mutate(gen, prng.oneOf(gen, edits));
        try {
          checkClientFrame(updateFrame(REPORT, update, prng.oneOf(gen, [1, 2])), 1024 * 1024);
        } catch {
          continue;
        }
        letThrough++;
        const problem = whatGoesWrong(report, update, false);
        if (problem) wrong.push(`${problem} (update ${hex(update)})`);
      }
      expect(wrong, `seed ${seed}`).toEqual([]);
      expect(letThrough).toBeGreaterThan(1_000); // the mutations are not all caught by the framing alone
    }, 120_000);

    it(`seed ${seed}: as v2 updates, each is refused by the update guard's worker, or applies whole`, async () => {
      const gen = prng.create(seed);
      // (The guard's own time bound: none of these has hung it, and a machine busy with
      // other tests must not turn a slow decode into a refusal.)
      const guard = new UpdateGuard();
      const wrong: string[] = [];
      let letThrough = 0;
      try {
        for (let i = 0; i < 1_500; i++) {
          const update = mutate(gen, Y.convertUpdateFormatV1ToV2(prng.oneOf(gen, edits)));
          if (!(await guard.check(update, 'v2').then(() => true, () => false))) continue;
          letThrough++;
          const problem = whatGoesWrong(report, update, true);
          if (problem) wrong.push(`${problem} (v2 update ${hex(update)})`);
        }
      } finally {
        await guard.close();
      }
      expect(wrong, `seed ${seed}`).toEqual([]);
      expect(letThrough).toBeGreaterThan(100);
    }, 120_000);
  }
});
