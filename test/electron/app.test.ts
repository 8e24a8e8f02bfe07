// The desktop app itself, in Electron, driven by playwright-core. These tests need the
// Electron binary, which the electron package downloads on first install; on machines
// without internet access it is absent and the tests are skipped, saying why.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';
import type { PlenaryApi, ReportSummary } from '../../shared/api.ts';
import { needsVirtualDisplay, startDisplay, virtualDisplayAvailable, type Display } from './display.ts';

type PlenaryWindow = Window & { plenary?: PlenaryApi };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const electron = findElectronBinary();
const built = existsSync(join(root, 'dist', 'main', 'electron.cjs'));
const skipReason = 'reason' in electron
  ? `no Electron binary: ${electron.reason}. The electron package downloads it on first install, which needs internet access; run \`npx install-electron\` with network, or set ELECTRON_OVERRIDE_DIST_PATH`
  : !built ? 'dist/ is not built: run `npm run build` first (npm test does)'
  : needsVirtualDisplay() && !virtualDisplayAvailable() ? 'no display, and no Xvfb to make one (apt-get install xvfb)' : '';
if (skipReason) console.warn(`test/electron/app.test.ts skipped: ${skipReason}.`);

const running: ElectronApplication[] = [];
const dataDirs: string[] = [];
let display: Display | null = null;
// Chromium refuses to run as root with its OS sandbox on (CI containers run as root);
// the renderer stays sandboxed in Electron's sense (sandbox: true, no Node) either way.
const chromiumArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

beforeAll(async () => {
  if (!skipReason) display = await startDisplay();
});

afterAll(() => display?.stop());

afterEach(async () => {
  for (const app of running.splice(0)) await app.close().catch(() => undefined);
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-electron-'));
  dataDirs.push(dir);
  return dir;
}

function environment(dataDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env.PLENARY_DATA = dataDir;
  if (display?.display) env.DISPLAY = display.display;
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

async function launch(dataDir: string, files: string[] = []): Promise<ElectronApplication> {
  const app = await _electron.launch({
    executablePath: electron.path!,
    args: [...chromiumArgs, root, ...files],
    env: environment(dataDir),
  });
  running.push(app);
  return app;
}

async function readyWindow(app: ElectronApplication): Promise<Page> {
  const page = await app.firstWindow();
  await page.waitForSelector('body[data-ready="true"] .ProseMirror');
  return page;
}

async function currentReport(page: Page): Promise<ReportSummary> {
  return page.evaluate(() => (window as PlenaryWindow).plenary!.request('currentReport'));
}

async function windowCount(app: ElectronApplication): Promise<number> {
  return app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
}

/** Runs a second instance with `file`; it hands the file to the first and exits. */
function secondInstance(dataDir: string, file: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(electron.path!, [...chromiumArgs, root, file], { env: environment(dataDir), stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

describe.skipIf(Boolean(skipReason))(`desktop app in Electron${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('opens the sample report, keeps what was typed, and shows it again after a restart', async () => {
    const dataDir = freshDataDir();
    let app = await launch(dataDir);
    let page = await readyWindow(app);
    const report = await currentReport(page);
    expect(report.path.startsWith(dataDir)).toBe(true);
    expect(await page.title()).toMatch(/ — Plenary$/);

    const typed = `Typed in Electron ${Date.now()}`;
    await page.click('.ProseMirror p');
    await page.keyboard.press('End');
    await page.keyboard.type(` ${typed}`);
    await page.waitForFunction((text) => document.querySelector('.ProseMirror')!.textContent!.includes(text), typed);
    // IPC from one page arrives in order: once this request is answered, main has
    // applied (and stored) every update the typing sent before it.
    await currentReport(page);
    await app.close();
    running.splice(running.indexOf(app), 1);

    app = await launch(dataDir);
    page = await readyWindow(app);
    expect((await currentReport(page)).path).toBe(report.path);
    expect(await page.textContent('.ProseMirror')).toContain(typed);
  });

  it('opening the same report twice focuses its one window; another report gets its own', async () => {
    const dataDir = freshDataDir();
    const app = await launch(dataDir);
    const page = await readyWindow(app);
    const sample = (await currentReport(page)).path;
    const other = join(dataDir, 'Second report.plenary');
    copyFileSync(sample, other);

    expect(await secondInstance(dataDir, sample)).toBe(0);
    expect(await windowCount(app)).toBe(1);

    expect(await secondInstance(dataDir, other)).toBe(0);
    await expect.poll(() => windowCount(app)).toBe(2);
    expect(await secondInstance(dataDir, other)).toBe(0);
    expect(await windowCount(app)).toBe(2);
  });

  it('keeps the renderer sandboxed: no Node, no ipcRenderer, only window.plenary', async () => {
    const app = await launch(freshDataDir());
    const page = await readyWindow(app);
    const exposed = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      plenary: Object.keys((window as PlenaryWindow).plenary ?? {}).sort(),
    }));
    expect(exposed).toEqual({ require: 'undefined', process: 'undefined', plenary: ['host', 'onEvent', 'onMessage', 'request', 'sendMessage'] });
    const url = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL());
    expect(url).toBe('plenary://app/index.html');
    // No remote content: a request to the network is cancelled by the session.
    const fetched = await page.evaluate(() => fetch('https://example.org/').then(() => 'loaded', () => 'blocked'));
    expect(fetched).toBe('blocked');
  });
});
