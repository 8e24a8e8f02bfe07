// `npm start` = `npm run build` then this: opens the desktop app (Electron) on the built
// bundle. Electron is started on the project folder, so it reads package.json ("main":
// dist/main/electron.cjs, "productName": Plenary) exactly as the packaged app does, and
// keeps its data in the user's "Plenary" folder.
//
// Native modules: better-sqlite3 13 is a Node-API module with prebuilt binaries in its
// package, so the same binary loads in Node (tests, servers) and in Electron; nothing is
// rebuilt here. Extra arguments are passed on (e.g. `npm start -- report.plenary`).
import { spawn } from 'node:child_process';
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

function locateElectron() {
  // require('electron') returns the binary's path and, on a machine with network
  // access, downloads the binary first when it is missing.
  let path = null;
  let downloadFailed = false;
  try {
    path = require('electron');
  } catch {
    downloadFailed = true;
  }
  if (typeof path === 'string' && existsSync(path)) return path;
  const found = findElectronBinary();
  if (found.path) return found.path;
  console.error(missingElectronMessage(downloadFailed ? `${found.reason}, and downloading it just now failed` : found.reason));
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
