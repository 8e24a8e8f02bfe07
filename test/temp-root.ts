// One temporary folder per test run, removed when the run ends. Tests, the hosts and
// servers they start, and Chromium's profiles all make their folders through TMPDIR;
// without this each `npm test` left about a hundred folders (≈ 10 MB) in the system's
// temporary folder, more after every interrupted test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'plenary-test-run-'));
  // Set before vitest starts its workers, so they and every process they start inherit it.
  process.env.TMPDIR = root;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
