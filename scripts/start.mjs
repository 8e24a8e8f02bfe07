// `npm start` = `npm run build` then this: opens the desktop app (Electron) on the built
// bundle. Electron is started on the project folder, so it reads package.json ("main":
// dist/main/electron.cjs, "productName": Plenary) exactly as the packaged app does, and
// keeps its data in the user's "Plenary" folder.
//
// Native modules: better-sqlite3 13 is a Node-API module with prebuilt binaries in its
// package, so the same binary loads in Node (tests, servers) and in Electron; nothing is
// rebuilt here. Extra arguments are passed on (e.g. `npm start -- report.plenary`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronVersion, findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export function missingElectronMessage(reason) {
  return [
    '',
    'Plenary cannot open its desktop window: the Electron binary is not installed.',
    '',
    `Why: the electron package (${electronVersion()}) downloads its binary, about 100 MB, from`,
    'GitHub the first time it is installed or used. This machine could not fetch it',
    `(no internet access, or a proxy in the way): ${reason}.`,
    '',
    'What to do, either:',
    '  - with network access, fetch it once:   npx install-electron   (or: npm rebuild electron)',
    '    then run npm start again;',
    '  - or use an Electron you already have:  ELECTRON_OVERRIDE_DIST_PATH=/folder/with/electron npm start',
    '',
    'Meanwhile the same editor runs in your browser:   npm run web',
    '',
  ].join('\n');
}

/**
 * The Electron binary's path. Where it was never downloaded (the electron package
 * fetches it on first install or first use), one download is tried here, as
 * `require('electron')` would, but with its error reduced to one line.
 */
function locateElectron() {
  let found = findElectronBinary();
  if (found.path) return found.path;
  let reason = found.reason;
  if (!process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    console.error(`Downloading Electron ${electronVersion()} (needed once)…`);
    const install = spawnSync(process.execPath, [require.resolve('electron/install.js')], {
      stdio: ['ignore', 'inherit', 'pipe'],
      encoding: 'utf8',
    });
    found = findElectronBinary();
    if (found.path) return found.path;
    const firstLine = (install.stderr ?? '').split('\n').map((line) => line.trim()).find((line) => line && !line.startsWith('at '));
    reason = `${found.reason}; downloading it just now failed${firstLine ? ` (${firstLine})` : ''}`;
  }
  console.error(missingElectronMessage(reason));
  process.exit(1);
}

function main() {
  const electron = locateElectron();
  const entry = join(root, 'dist', 'main', 'electron.cjs');
  if (!existsSync(entry)) {
    console.error('dist/main/electron.cjs is missing: run `npm run build` first (npm start does both).');
    process.exit(1);
  }
  const env = { ...process.env };
  // A stray ELECTRON_RUN_AS_NODE would make Electron behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: process.cwd() });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`Could not start Electron (${electron}): ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
