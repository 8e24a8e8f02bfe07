#!/usr/bin/env node
// Fuzz from the command line. Convergence: `npm run fuzz -- --sessions N [--first S]`.
// Presence: `npm run fuzz -- --presence [--redis] --sessions N [--first S]` (each session
// takes some 20 s, most of it waiting, as the app does, for lines and the departure grace;
// --redis: two server processes through a real redis-server). Mutated updates (a hostile
// member's): `npm run fuzz -- --updates --sessions N [--first S]`.
// `PLENARY_FUZZ_SEED=S npm run fuzz [-- --presence]` replays one seed. Runs the
// TypeScript sources directly (Node 22 strips types). Exit code 1 when any session fails.
import { parseArgs } from 'node:util';
import { runSessions, seedsToRun } from '../test/integration/fuzz/run-sessions.ts';

const { values } = parseArgs({
  options: { sessions: { type: 'string' }, first: { type: 'string' }, presence: { type: 'boolean', default: false }, updates: { type: 'boolean', default: false }, redis: { type: 'boolean', default: false } },
});
const sessions = Number(values.sessions ?? (values.presence ? '20' : values.updates ? '50' : '500'));
if (!Number.isSafeInteger(sessions) || sessions < 1) {
  console.error('--sessions takes a positive whole number.');
  process.exit(2);
}
const first = values.first === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.first);
const seeds = seedsToRun(sessions, process.env, first);
const kind = values.updates ? ' -- --updates' : values.presence ? ` -- --presence${values.redis ? ' --redis' : ''}` : '';
const replay = (seed) => `Replay: PLENARY_FUZZ_SEED=${seed} npm run fuzz${kind}`;

if (values.updates) {
  const { runMutationSession } = await import('../test/integration/fuzz/update-mutation-session.ts');
  console.log(`Mutated updates: ${seeds.length} session(s), seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
  const failed = [];
  let letThrough = 0;
  for (const seed of seeds) {
    for (const format of ['v1', 'v2']) {
      const result = await runMutationSession(seed, format);
      letThrough += result.letThrough;
      if (result.wrong.length === 0) continue;
      failed.push(seed);
      console.log(`FAIL seed ${seed} (${format}):\n  ${result.wrong.join('\n  ')}`);
    }
  }
  console.log(`${seeds.length} sessions, ${letThrough} mutated updates let through and applied; ${failed.length} failed.`);
  for (const seed of new Set(failed)) console.log(replay(seed));
  process.exit(failed.length ? 1 : 0);
}

if (values.presence) {
  const { runPresenceSession } = await import('../test/integration/fuzz/presence-session.ts');
  console.log(`Presence fuzz${values.redis ? ' through Redis' : ''}: ${seeds.length} session(s), seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
  const failed = [];
  for (const seed of seeds) {
    const { steps, problems } = await runPresenceSession(seed, { throughRedis: values.redis }).catch((error) => ({ steps: [], problems: [String(error)] }));
    if (problems.length === 0) continue;
    failed.push(seed);
    console.log(`FAIL seed ${seed}:\n  ${[...steps, ...problems].join('\n  ')}`);
  }
  console.log(`${seeds.length} sessions; ${failed.length} failed.`);
  for (const seed of failed) console.log(replay(seed));
  process.exit(failed.length ? 1 : 0);
}

console.log(`Convergence fuzz: ${seeds.length} session(s), seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
const run = await runSessions(seeds, (line) => console.log(line));
const ops = Object.entries(run.ops).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ');
console.log(`${run.sessions} sessions in ${(run.ms / 1000).toFixed(1)} s; ${run.failures.length} failed.`);
console.log(`Operations: ${ops}`);
for (const failure of run.failures) console.log(replay(failure.seed));
process.exit(run.failures.length ? 1 : 0);
