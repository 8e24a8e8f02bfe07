// `npm start`'s launcher (scripts/start.mjs), checked with a stand-in for the Electron
// binary: what it says where Electron is missing, and what it runs where it is present.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-start-'));
  dirs.push(dir);
  return dir;
}

function runStart(env: Record<string, string>, args: string[] = []): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('npm start', () => {
  it('where the Electron binary is missing, says why, what to do, and offers the browser editor, then fails', () => {
    const { status, stderr } = runStart({ ELECTRON_OVERRIDE_DIST_PATH: tempDir() });
    expect(status).toBe(1);
    expect(stderr).toContain('Plenary cannot open its desktop window: the Electron binary is not installed.');
    expect(stderr).toMatch(/downloads its binary.*\n.*first time/);
    expect(stderr).toContain('npx install-electron');
    expect(stderr).toContain('ELECTRON_OVERRIDE_DIST_PATH=');
    expect(stderr).toContain('npm run web');
  });

  it.skipIf(!existsSync(join(root, 'dist', 'main', 'electron.cjs')) || process.platform === 'win32')(
    'runs Electron on the project folder with the given files and passes its exit code on',
    () => {
      const dir = tempDir();
      const record = join(dir, 'args.txt');
      const fake = join(dir, 'electron');
      writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\necho "run-as-node=\${ELECTRON_RUN_AS_NODE:-unset}" >> '${record}'\nexit 7\n`);
      chmodSync(fake, 0o755);
      const { status } = runStart({ ELECTRON_OVERRIDE_DIST_PATH: dir, ELECTRON_RUN_AS_NODE: '1' }, ['Draft.plenary']);
      expect(status).toBe(7);
      expect(readFileSync(record, 'utf8').trim().split('\n')).toEqual([root, 'Draft.plenary', 'run-as-node=unset']);
    },
  );
});
