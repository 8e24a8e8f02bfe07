/**
 * Runs convergence sessions one after another: seeds `first … first + count - 1`, or only
 * `PLENARY_FUZZ_SEED` when set (to replay a failure). Prints every failing seed.
 */
import { runConvergenceSession, type SessionStats } from './convergence-session.ts';

export interface FuzzRun {
  sessions: number;
  failures: { seed: number; message: string }[];
  ops: Record<string, number>;
  ms: number;
}

export function seedsToRun(count: number, env: Record<string, string | undefined>, first = 1): number[] {
  const replay = env.PLENARY_FUZZ_SEED;
  if (replay !== undefined && replay !== '') {
    const seed = Number(replay);
    if (!Number.isSafeInteger(seed)) throw new Error(`PLENARY_FUZZ_SEED must be an integer, not ${replay}.`);
    return [seed];
  }
  return Array.from({ length: count }, (_, i) => first + i);
}

export async function runSessions(seeds: number[], log: (line: string) => void = () => {}): Promise<FuzzRun> {
  const started = performance.now();
  const ops: Record<string, number> = {};
  const failures: FuzzRun['failures'] = [];
  for (const seed of seeds) {
    let stats: SessionStats;
    try {
      stats = await runConvergenceSession(seed);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ seed, message });
      log(`FAIL ${message}`);
      continue;
    }
    for (const [op, n] of Object.entries(stats.ops)) ops[op] = (ops[op] ?? 0) + n;
  }
  return { sessions: seeds.length, failures, ops, ms: performance.now() - started };
}
