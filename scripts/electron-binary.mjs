// Where the Electron binary is, without downloading it. The `electron` package fetches
// its binary on first use (npm's install step or `require('electron')`); machines with
// no internet access never get one. scripts/start.mjs and test/electron/ both ask here.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** @returns {{ path: string } | { path: null, reason: string }} */
export function findElectronBinary() {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = join(override, relative || 'electron');
    return existsSync(candidate)
      ? { path: candidate }
      : { path: null, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${candidate} does not exist` };
  }
  if (!relative) return { path: null, reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)' };
  const candidate = join(packageDir, 'dist', relative);
  return existsSync(candidate)
    ? { path: candidate }
    : { path: null, reason: `the Electron binary is missing (${candidate} does not exist)` };
}

/** The electron package's version, for messages. */
export function electronVersion() {
  try {
    return require('electron/package.json').version;
  } catch {
    return 'unknown';
  }
}
