// `npm run bench`: runs every benchmark in test/bench/ (files named *-bench.ts or
// *-bench.mjs), one after another so they do not compete for the two cores, and
// passes their tables through. `npm run bench -- consensus` runs only matching ones.
// Benchmarks print numbers; they never pass or fail on timing.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'test/bench');
const filter = process.argv.slice(2);
const benches = readdirSync(benchDir)
  .filter((name) => /-bench\.(ts|mjs)$/.test(name))
  .filter((name) => filter.length === 0 || filter.some((f) => name.includes(f)))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, [join(benchDir, name)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${name} exited with ${result.status ?? result.signal}`);
  }
}
if (benches.length === 0) console.log('No benchmarks matched.');
process.exit(failed ? 1 : 0);
