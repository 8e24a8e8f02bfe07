/**
 * File → Export… and Import… in the desktop shell's main process, run against the fake
 * Electron module (test/electron/fake-electron.ts; no Electron binary here, so PDF
 * through printToPDF is not exercised): the menu items open the renderer's dialogs,
 * an export goes where the save dialog says with progress events to the window, a
 * cancelled dialog writes nothing, and an import lands in the window's report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupApps, pageEvent, startApp } from './main-harness.ts';

afterEach(cleanupApps);

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
