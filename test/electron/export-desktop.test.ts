/**
 * File → Export… and Import… in the desktop shell's main process, run against the fake
 * Electron module (test/electron/fake-electron.ts; no Electron binary here, so PDF
 * through printToPDF is not exercised): the menu items open the renderer's dialogs,
 * an export goes where the save dialog says with progress events to the window, a
 * cancelled dialog writes nothing, and an import lands in the window's report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeElectron, type FakeElectron, type FakeWebContents } from './fake-electron.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let bundle: Promise<string> | null = null;
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

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

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`Gave up waiting for ${what}`);
}

/** Starts the app's main process in a fresh data folder; resolves once its first window exists. */
async function startApp(argv: string[] = []): Promise<{ fake: FakeElectron; dataDir: string }> {
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
      (name: string) => (name === 'electron' ? fake.electron : realRequire(name)),
      module,
      module.exports,
      join(root, 'dist', 'main'),
      join(root, 'dist', 'main', 'electron.cjs'),
    );
  } finally {
    process.argv = savedArgv;
  }
  cleanups.push(() => {
    for (const window of fake.windows()) window.close();
    fake.app.emit('will-quit', { preventDefault() {} });
    if (savedEnv === undefined) delete process.env.PLENARY_DATA;
    else process.env.PLENARY_DATA = savedEnv;
    rmSync(dataDir, { recursive: true, force: true });
  });
  fake.app.readyResolve!();
  await until(() => fake.windows().length > 0, 'the first window');
  return { fake, dataDir };
}

function pageEvent(contents: FakeWebContents, frame: Partial<FakeWebContents['mainFrame']> = {}) {
  return { sender: contents, senderFrame: { ...contents.mainFrame, ...frame } };
}


const OPTIONS = { titlePage: true, toc: false, annex: true, clean: false };

describe('export and import in the desktop shell (fake Electron)', () => {
  it('File → Export report… and Import a draft… open the renderer\'s dialogs', async () => {
    const { fake } = await startApp();
    const window = fake.windows()[0]!;
    type Item = { label?: string; submenu?: Item[]; click?: (item: unknown, window: unknown) => void };
    const file = (fake.menu() as Item[]).find((m) => m.label === '&File')!.submenu!;
    const item = (label: string): Item => file.find((m) => m.label?.replace(/&/g, '') === label)!;
    item('Export report…').click!({}, window);
    item('Import a draft…').click!({}, window);
    const events = window.webContents.sent.filter((s) => s.channel === 'plenary:event').map((s) => s.args[0]);
    expect(events).toEqual([{ type: 'fileDialog', dialog: 'export' }, { type: 'fileDialog', dialog: 'import' }]);
  });

  it('exports where the save dialog says, with progress events; a cancelled dialog writes nothing', async () => {
    const { fake, dataDir } = await startApp();
    const window = fake.windows()[0]!;
    const ask = (name: string, ...args: unknown[]) => fake.invoke('plenary:request', pageEvent(window.webContents), name, args);

    expect(await ask('exportReport', 'html', OPTIONS, null, 'job-1')).toEqual({ ok: true, value: null });
    expect(existsSync(join(dataDir, 'Final report.html'))).toBe(false);
    fake.dialogAnswers.save = join(dataDir, 'Final report');
    const done = (await ask('exportReport', 'html', OPTIONS, null, 'job-2')) as { ok: true; value: { path: string; bytes: number } };
    expect(done.ok).toBe(true);
    expect(done.value.path).toBe(join(dataDir, 'Final report.html'));
    const html = readFileSync(done.value.path, 'utf8');
    expect(html).toContain('<span class="pnum">1.</span>');
    expect(html).toContain('class="annex-table"');
    const progress = window.webContents.sent
      .filter((s) => s.channel === 'plenary:event')
      .map((s) => s.args[0] as { type: string; jobId?: string; phase?: string })
      .filter((e) => e.type === 'export-progress');
    expect(progress.every((e) => e.jobId === 'job-2')).toBe(true);
    expect(progress.at(-1)?.phase).toBe('done');

    expect(await ask('exportReport', 'html', OPTIONS, 'relative.html', 'job-3')).toEqual({ ok: false, message: 'An export is saved under an absolute path.' });
    expect(await ask('exportReport', 'exe', OPTIONS, null, 'job-4')).toMatchObject({ ok: false, message: expect.stringMatching(/format must be one of/) });
    expect(await ask('cancelExport', 'job-2')).toEqual({ ok: true, value: false });
  });

  it('imports a Markdown draft at the end of the window\'s report; an unreadable one changes nothing', async () => {
    const { fake, dataDir } = await startApp();
    const window = fake.windows()[0]!;
    const ask = (name: string, ...args: unknown[]) => fake.invoke('plenary:request', pageEvent(window.webContents), name, args);
    const draft = join(dataDir, 'draft.md');
    writeFileSync(draft, '## Capacity building\n\nDeveloping countries need sustained support.\n');
    fake.dialogAnswers.open = draft;
    expect(await ask('importDraft', null, 'end')).toEqual({ ok: true, value: { blocks: 2, dropped: {} } });
    const out = join(dataDir, 'after.md');
    await ask('exportReport', 'markdown', { ...OPTIONS, annex: false, titlePage: false }, out, 'job-md');
    expect(readFileSync(out, 'utf8')).toMatch(/Capacity building[\s\S]*Developing countries need sustained support\.\s*$/);

    const bad = join(dataDir, 'bad.docx');
    writeFileSync(bad, 'not a zip');
    expect(await ask('importDraft', bad, 'end')).toMatchObject({ ok: false, message: expect.stringMatching(/not a Word document/) });
    await ask('exportReport', 'markdown', { ...OPTIONS, annex: false, titlePage: false }, join(dataDir, 'after2.md'), 'job-md2');
    expect(readFileSync(join(dataDir, 'after2.md'), 'utf8')).toBe(readFileSync(out, 'utf8'));
  });
});
