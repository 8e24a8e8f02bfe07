/**
 * Reusable e2e harness: builds dist/ once when it is older than the sources, starts the
 * browser host (`dist/host/web.mjs --port 0 --data <tmp>`) and reads the URL it prints,
 * and launches Debian's headless Chromium through playwright-core.
 *
 * Each run snapshots the built host and renderer into test-results/ so that somebody
 * rebuilding dist/ in the same checkout cannot pull files from under a running test.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { spawnNode } from '../support/spawn-node.ts';
import { noteConsoleError } from './draw-failure-log.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCES = ['renderer', 'shared', 'main/host', 'main/services', 'resources', 'scripts/build.mjs'];
const BUILT = ['dist/host/web.mjs', 'dist/renderer/app.js', 'dist/renderer/index.html'];
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function builtIsFresh(): boolean {
  const sources = Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))));
  return BUILT.every((p) => existsSync(join(ROOT, p)) && statSync(join(ROOT, p)).mtimeMs >= sources);
}

/** Takes a directory lock (mkdir is atomic), so parallel test files build once. */
function withBuildLock<T>(action: () => T): T {
  const lock = join(ROOT, 'test-results', '.e2e-build-lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a crashed run is stale after two minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (attempt > 1200) throw new Error('Timed out waiting for another e2e build.');
      spawnSync('sleep', ['0.25']);
    }
  }
  try {
    return action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let snapshot: string | null = null;

/**
 * Snapshots whose test process is gone. A worker stopped by a signal never runs its
 * 'exit' cleanup, and each left-behind copy of the build is ~5 MB: hundreds of runs filled
 * test-results with more than a gigabyte.
 */
function removeOrphanSnapshots(): void {
  const folder = join(ROOT, 'test-results');
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    const pid = Number(/^e2e-dist-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(folder, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds if stale, then copies dist/host and dist/renderer to a private folder; returns its web.mjs. */
export function builtHost(): string {
  if (snapshot) return join(snapshot, 'host', 'web.mjs');
  withBuildLock(() => {
    if (!builtIsFresh()) {
      const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`Build failed:\n${result.stdout}\n${result.stderr}`);
    }
    removeOrphanSnapshots();
    // Under the checkout, so the host's bare imports (yjs, ws…) resolve from node_modules.
    const dir = join(ROOT, 'test-results', `e2e-dist-${process.pid}-${Date.now()}`);
    cpSync(join(ROOT, 'dist', 'host'), join(dir, 'host'), { recursive: true });
    cpSync(join(ROOT, 'dist', 'renderer'), join(dir, 'renderer'), { recursive: true });
    snapshot = dir;
  });
  process.once('exit', () => {
    if (snapshot) rmSync(snapshot, { recursive: true, force: true });
  });
  return join(snapshot!, 'host', 'web.mjs');
}

export interface Host {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the host printed so far. */
  output(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'plenary-e2e-'));
}

/**
 * `preload`: a module the host's Node imports first (node --import), to stand in for what a test cannot change.
 * `meetingHost`: where meetings hosted from its pages listen; `'room'` leaves it to the host, as for a user.
 */
export async function startHost(options: { dataDir: string; port?: number; report?: string; changes?: string[]; preload?: string; meetingHost?: string }): Promise<Host> {
  // Meetings hosted from a test page listen on loopback, like every server in the tests.
  const meetingHost = options.meetingHost ?? '127.0.0.1';
  const args = [builtHost(), '--port', String(options.port ?? 0), '--data', options.dataDir];
  if (meetingHost !== 'room') args.push('--meeting-host', meetingHost);
  if (options.preload) args.unshift('--import', options.preload);
  if (options.report) args.push('--report', options.report);
  for (const file of options.changes ?? []) args.push('--changes', file);
  const child: ChildProcess = spawnNode(args, { cwd: ROOT });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const match = /Plenary web at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) {
        child.stdout!.off('data', check);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`The host exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir: options.dataDir,
    pid: child.pid!,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') noteConsoleError(message.text());
  });
  return { context, page };
}

/** Opens `url` and waits until the report is synced and the editor is built. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"] .ProseMirror');
}

/** A test page's script (a file under the checkout) bundled for the browser, in memory, for `page.addScriptTag`. */
export async function bundleForPage(entry: string): Promise<string> {
  const bundle = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome130',
    logLevel: 'warning',
  });
  return bundle.outputFiles[0]!.text;
}
