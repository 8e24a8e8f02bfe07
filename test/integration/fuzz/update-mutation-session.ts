/**
 * One seeded mutation session of what a hostile member can send: real updates of a
 * report (test/unit/helpers/mutated-updates.ts), each with a few bytes flipped, replaced,
 * inserted or removed. As v1, each goes as a client's frame to the sync server's check
 * (`checkClientFrame`, which the app's own checks share); as v2, through the update
 * guard's worker (bundles, large updates). Every one must be refused, or applied by Yjs
 * to the report whole, without throwing, leaving the report's structure sound.
 */
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { checkClientFrame } from '../../../main/services/sync/frame-guard.ts';
import { UpdateGuard } from '../../../main/services/sync/update-guard.ts';
import { createReportDoc } from '../../../shared/ydoc.ts';
import { updateFrame } from '../fixtures/sync/hostile-frames.ts';
import { structureProblems } from '../../unit/helpers/yjs-structure.ts';
import { mutate, reportAndEdits } from '../../unit/helpers/mutated-updates.ts';

export interface MutationSessionResult {
  /** Mutated updates the checks let through (and that were then applied). */
  readonly letThrough: number;
  /** What went wrong applying one of those, with its bytes; empty when nothing did. */
  readonly wrong: string[];
}

/** Mutations a session tries: v1 ones cost ~0.1 ms each, v2 ones a trip to the worker. */
export const MUTATIONS = { v1: 6_000, v2: 1_500 } as const;

const REPORT = 'mutated-report';
const { report, edits } = reportAndEdits();
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Applies an update the checks let through to a fresh copy of the report: why that went wrong, or null. */
function whatGoesWrong(update: Uint8Array, format: 'v1' | 'v2'): string | null {
  const doc = createReportDoc();
  Y.applyUpdate(doc, report);
  try {
    if (format === 'v2') Y.applyUpdateV2(doc, update);
    else Y.applyUpdate(doc, update);
  } catch (error) {
    return `Yjs threw: ${(error as Error).message}`;
  }
  const problems = structureProblems(doc);
  return problems.length > 0 ? problems.join('; ') : null;
}

export async function runMutationSession(seed: number, format: 'v1' | 'v2'): Promise<MutationSessionResult> {
  const gen = prng.create(seed);
  const wrong: string[] = [];
  let letThrough = 0;
  // (The guard's own time bound: none of these has hung it, and a machine busy with other
  // work must not turn a slow decode into a refusal.)
  const guard = format === 'v2' ? new UpdateGuard() : null;
  const passes = async (update: Uint8Array): Promise<boolean> => {
    if (guard) return guard.check(update, 'v2').then(() => true, () => false);
    try {
      checkClientFrame(updateFrame(REPORT, update, prng.oneOf(gen, [1, 2])), 1024 * 1024);
      return true;
    } catch {
      return false;
    }
  };
  try {
    for (let i = 0; i < MUTATIONS[format]; i++) {
      const original = prng.oneOf(gen, edits);
      const update = mutate(gen, format === 'v2' ? Y.convertUpdateFormatV1ToV2(original) : original);
      if (!(await passes(update))) continue;
      letThrough++;
      const problem = whatGoesWrong(update, format);
      if (problem) wrong.push(`${problem} (${format} update ${hex(update)})`);
    }
  } finally {
    await guard?.close();
  }
  return { letThrough, wrong };
}
