/**
 * Runs the Electron main process as built (main/electron/main.ts bundled the way
 * scripts/build.mjs bundles it) in Node against the stand-in Electron of
 * fake-electron.ts, in a fresh data folder: shared by the main-process tests.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeElectron, type FakeElectron, type FakeWebContents } from './fake-electron.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let bundle: Promise<string> | null = null;
const cleanups: Array<() => void> = [];

/** Closes every app started since the last call; run it in afterEach. */
export function cleanupApps(): void {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
}

function mainBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [join(root, 'main/electron/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron', 'better-sqlite3'],
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}

export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`Gave up waiting for ${what}`);
}

/** Starts the app's main process in a fresh data folder; resolves once its first window exists. */
export async function startApp(argv: string[] = []): Promise<{ fake: FakeElectron; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'plenary-main-'));
  const fake = createFakeElectron();
  const savedEnv = process.env.PLENARY_DATA;
  const savedArgv = process.argv;
  process.env.PLENARY_DATA = dataDir;
  process.argv = [...savedArgv.slice(0, 1), root, ...argv];
  const realRequire = createRequire(join(root, 'dist', 'main', 'electron.cjs'));
  const module = { exports: {} };
  try {
    new Function('require', 'module', 'exports', '__dirname', '__filename', await mainBundle())(
      // With resolve, as Node's own require has (the update guard finds Yjs for its worker with it).
      Object.assign((name: string) => (name === 'electron' ? fake.electron : realRequire(name)), { resolve: realRequire.resolve }),
      module,
      module.exports,
      join(root, 'dist', 'main'),
      join(root, 'dist', 'main', 'electron.cjs'),
    );
  } catch (error) {
    process.argv = savedArgv;
    throw error;
  }
  cleanups.push(() => {
    for (const window of fake.windows()) window.destroy();
    fake.app.emit('will-quit', { preventDefault() {} });
    if (savedEnv === undefined) delete process.env.PLENARY_DATA;
    else process.env.PLENARY_DATA = savedEnv;
    rmSync(dataDir, { recursive: true, force: true });
    // Each start evaluates the bundle, and its own Yjs, anew, as a new process would: the
    // next one is not a second Yjs in one app (Yjs's mark of having been loaded goes).
    delete (globalThis as Record<string, unknown>)['__ $YJS$ __'];
  });
  fake.app.readyResolve!();
  try {
    // The app reads its command line once ready (the report files to open).
    await until(() => fake.windows().length > 0, 'the first window');
  } finally {
    process.argv = savedArgv;
  }
  return { fake, dataDir };
}

export function pageEvent(contents: FakeWebContents, frame: Partial<FakeWebContents['mainFrame']> = {}) {
  return { sender: contents, senderFrame: { ...contents.mainFrame, ...frame } };
}
