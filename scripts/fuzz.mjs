#!/usr/bin/env node
// Convergence fuzz from the command line: `npm run fuzz -- --sessions N [--first S]`;
// `PLENARY_FUZZ_SEED=S npm run fuzz` replays one seed. Runs the TypeScript sources
// directly (Node 22 strips types). Exit code 1 when any session fails.
import { parseArgs } from 'node:util';
import { runSessions, seedsToRun } from '../test/integration/fuzz/run-sessions.ts';

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '500' }, first: { type: 'string' } },
});
const sessions = Number(values.sessions);
if (!Number.isSafeInteger(sessions) || sessions < 1) {
  console.error('--sessions takes a positive whole number.');
  process.exit(2);
}
const first = values.first === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.first);
const seeds = seedsToRun(sessions, process.env, first);
console.log(`Convergence fuzz: ${seeds.length} session(s), seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
let done = 0;
const run = await runSessions(seeds, (line) => console.log(line));
done = run.sessions;
const ops = Object.entries(run.ops).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ');
console.log(`${done} sessions in ${(run.ms / 1000).toFixed(1)} s; ${run.failures.length} failed.`);
console.log(`Operations: ${ops}`);
for (const failure of run.failures) console.log(`Replay: PLENARY_FUZZ_SEED=${failure.seed} npm run fuzz`);
process.exit(run.failures.length ? 1 : 0);
