#!/usr/bin/env node
// Fuzz from the command line. Convergence: `npm run fuzz -- --sessions N [--first S]`.
// Presence: `npm run fuzz -- --presence [--redis] --sessions N [--first S]` (each session
// takes some 20 s, most of it waiting, as the app does, for lines and the departure grace;
// --redis: two server processes through a real redis-server). Mutated updates (a hostile
// member's): `npm run fuzz -- --updates --sessions N [--first S]`. Two server processes
// through Redis, with lines, Redis links and processes going down:
// `npm run fuzz -- --redis --sessions N [--first S]`. Odd content another client writes
// into a report's body (vitest runs it: the editor's plugins are tested there):
// `npm run fuzz -- --content --sessions N [--first S]`. A member's selection while another
// client changes the report (vitest runs it too): `npm run fuzz -- --selections --sessions N [--first S]`.
// `PLENARY_FUZZ_SEED=S npm run fuzz [-- --presence|--redis|--updates|--content|--selections]` replays one seed. Runs the
// TypeScript sources directly (Node 22 strips types). Exit code 1 when any session fails.
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { runSessions, seedsToRun } from '../test/integration/fuzz/run-sessions.ts';

const { values } = parseArgs({
  options: { sessions: { type: 'string' }, first: { type: 'string' }, presence: { type: 'boolean', default: false }, updates: { type: 'boolean', default: false }, redis: { type: 'boolean', default: false }, content: { type: 'boolean', default: false }, selections: { type: 'boolean', default: false } },
});
const sessions = Number(values.sessions ?? (values.presence || values.redis ? '20' : values.updates ? '50' : values.content || values.selections ? '1000' : '500'));
if (!Number.isSafeInteger(sessions) || sessions < 1) {
  console.error('--sessions takes a positive whole number.');
  process.exit(2);
}
const first = values.first === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.first);
const seeds = seedsToRun(sessions, process.env, first);
const kind = values.content ? ' -- --content' : values.selections ? ' -- --selections' : values.updates ? ' -- --updates' : values.presence ? ` -- --presence${values.redis ? ' --redis' : ''}` : values.redis ? ' -- --redis' : '';
const replay = (seed) => `Replay: PLENARY_FUZZ_SEED=${seed} npm run fuzz${kind}`;

/** Runs sessions that each end in a list of problems (empty when it passed), then exits. */
async function runEach(what, run) {
  console.log(`${what}: ${seeds.length} session(s), seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
  const failed = [];
  for (const seed of seeds) {
    const { steps, problems } = await run(seed).catch((error) => ({ steps: [], problems: [String(error)] }));
    if (problems.length === 0) continue;
    failed.push(seed);
    console.log(`FAIL seed ${seed}:\n  ${[...steps, ...problems].join('\n  ')}`);
  }
  console.log(`${seeds.length} sessions; ${failed.length} failed.`);
  for (const seed of failed) console.log(replay(seed));
  process.exit(failed.length ? 1 : 0);
}

if (values.content || values.selections) {
  const env = { ...process.env, PLENARY_FUZZ_SESSIONS: String(seeds.length), PLENARY_FUZZ_FIRST: String(seeds[0]) };
  const [what, file] = values.content
    ? ["Odd content in a report's body", 'test/unit/stray-content-fuzz.test.ts']
    : ['A selection while another client changes the report', 'test/unit/selection-under-changes-fuzz.test.ts'];
  console.log(`${what}: ${seeds.length} session(s), seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
  const { status } = spawnSync('npx', ['vitest', 'run', file], { stdio: 'inherit', env });
  process.exit(status ?? 1);
}
if (values.updates) {
  const { runMutationSession } = await import('../test/integration/fuzz/update-mutation-session.ts');
  await runEach('Mutated updates', async (seed) => {
    const results = await Promise.all(['v1', 'v2'].map((format) => runMutationSession(seed, format)));
    return { steps: [], problems: results.flatMap((result) => result.wrong) };
  });
}
if (values.presence) {
  const { runPresenceSession } = await import('../test/integration/fuzz/presence-session.ts');
  await runEach(`Presence fuzz${values.redis ? ' through Redis' : ''}`, (seed) => runPresenceSession(seed, { throughRedis: values.redis }));
}
if (values.redis) {
  const { runRedisSession } = await import('../test/integration/fuzz/redis-session.ts');
  await runEach('Two server processes through Redis', runRedisSession);
}

console.log(`Convergence fuzz: ${seeds.length} session(s), seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
const run = await runSessions(seeds, (line) => console.log(line));
const ops = Object.entries(run.ops).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ');
console.log(`${run.sessions} sessions in ${(run.ms / 1000).toFixed(1)} s; ${run.failures.length} failed.`);
console.log(`Operations: ${ops}`);
for (const failure of run.failures) console.log(replay(failure.seed));
process.exit(run.failures.length ? 1 : 0);
