/**
 * File → Import changes… (and Export changes… for everyone) in the desktop shell's main process, against the fake Electron
 * module (no Electron binary here): the open dialog lets the secretariat pick several
 * members' changes files at once and they all land in the window's report; when one of
 * them is damaged, the refusal names that file and nothing is imported. The window
 * hears how far the import has got.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanupApps, pageEvent, root, startApp, until } from './main-harness.ts';

const dirs: string[] = [];
afterEach(() => {
  cleanupApps();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * The secretariat's report file, and the changes files Ana and Bo wrote on their own
 * copies: made in a process of their own, since the app's bundle carries its own Yjs.
 */
function reportAndTwoMembersChanges(): { report: string; ana: string; bo: string } {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-desktop-bundles-'));
  dirs.push(dir);
  const made = spawnSync(process.execPath, [join(root, 'test/electron/fixtures/members-changes.ts'), dir], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`Making the changes files failed: ${made.stderr}`);
  return JSON.parse(made.stdout) as { report: string; ana: string; bo: string };
}

describe('Import changes… in the desktop shell (fake Electron)', () => {
  it('imports several members\' files picked at once in the dialog', async () => {
    const paths = reportAndTwoMembersChanges();
    const { fake, dataDir } = await startApp([paths.report]);
    const window = fake.windows()[0]!;
    const ask = (name: string, ...args: unknown[]) => fake.invoke('plenary:request', pageEvent(window.webContents), name, args);
    const markdown = async (name: string): Promise<string> => {
      const out = join(dataDir, name);
      await ask('exportReport', 'markdown', { titlePage: false, toc: false, annex: false, clean: false }, out, 'job-md');
      return readFileSync(out, 'utf8');
    };

    fake.dialogAnswers.open = null;
    expect(await ask('importChanges', null)).toEqual({ ok: true, value: null });
    expect(fake.openDialogs.at(-1)?.properties).toContain('multiSelections');

    fake.dialogAnswers.open = [paths.ana, paths.bo];
    expect(await ask('importChanges', null)).toEqual({ ok: true, value: { senders: ['Ana', 'Bo'], changed: true } });
    // The window was told how far the import had got, file by file, then the merge.
    const progress = window.webContents.sent.filter((s) => s.channel === 'plenary:event').map((s) => s.args[0] as { type: string }).filter((e) => e.type === 'changesProgress');
    expect(progress).toEqual([
      { type: 'changesProgress', phase: 'checking', done: 1, total: 2 },
      { type: 'changesProgress', phase: 'checking', done: 2, total: 2 },
      { type: 'changesProgress', phase: 'merging', done: 0, total: 2 },
    ]);
    const text = await markdown('after.md');
    expect(text).toContain('Written by Ana in Geneva.');
    expect(text).toContain('Written by Bo in Nairobi.');
  });

  it('refuses the lot, naming the damaged file, and imports nothing', async () => {
    const paths = reportAndTwoMembersChanges();
    const bytes = readFileSync(paths.bo);
    bytes[bytes.length - 40]! ^= 0xff;
    writeFileSync(paths.bo, bytes);
    const { fake, dataDir } = await startApp([paths.report]);
    const window = fake.windows()[0]!;
    const ask = (name: string, ...args: unknown[]) => fake.invoke('plenary:request', pageEvent(window.webContents), name, args);

    fake.dialogAnswers.open = [paths.ana, paths.bo];
    const refused = (await ask('importChanges', null)) as { ok: false; message: string };
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^From Bo\.plenary-changes: .*damaged.* Leave that file out to import the others\.$/);
    const out = join(dataDir, 'after.md');
    await ask('exportReport', 'markdown', { titlePage: false, toc: false, annex: false, clean: false }, out, 'job');
    expect(readFileSync(out, 'utf8')).not.toContain('Written by Ana');
  });
});

describe('a changes file opened with the app (a double-click, the command line) in the desktop shell (fake Electron)', () => {
  it('opens the report it is for, whose page imports it; a file for a report not here is refused and says why', async () => {
    const paths = reportAndTwoMembersChanges();
    // The app started by a double-click on Ana's file before the report was ever opened here.
    const { fake, dataDir } = await startApp([paths.ana]);
    expect(fake.errorBoxes).toEqual([{
      title: 'Plenary could not import From Ana.plenary-changes',
      message: expect.stringMatching(/^These changes from Ana are for the report “Tunis draft”, which has not been opened on this computer\. Open that report \(File → Open…, or Connect to server… with its address\), then import the file with File → Import changes…\. Nothing was imported\.$/),
    }]);
    const sample = fake.windows()[0]!; // the app still opens (the sample report)
    const waitingEvents = (contents: typeof sample.webContents): unknown[] =>
      contents.sent.filter((s) => s.channel === 'plenary:event' && (s.args[0] as { type: string }).type === 'changesFilesWaiting');
    const ask = (contents: typeof sample.webContents, name: string, ...args: unknown[]) => fake.invoke('plenary:request', pageEvent(contents), name, args);
    expect(await ask(sample.webContents, 'changesFilesToImport')).toEqual({ ok: true, value: [] });

    // Once the report has been opened here (and closed again), the same double-click opens it.
    fake.app.emit('second-instance', {}, ['/opt/Plenary/plenary', paths.report], dataDir);
    await until(() => fake.windows().length === 2, 'the report\'s window');
    fake.windows()[1]!.close();
    fake.app.emit('second-instance', {}, ['/opt/Plenary/plenary', paths.ana], dataDir);
    await until(() => fake.windows().length === 2, 'the report\'s window again');
    const report = fake.windows()[1]!;
    expect(((await ask(report.webContents, 'currentReport')) as { value: { path: string } }).value.path).toBe(paths.report);
    // The page is told; it asks once ready, gets the file once, and imports it as Import changes… does.
    await until(() => waitingEvents(report.webContents).length === 1, 'the page to be told');
    expect(await ask(sample.webContents, 'changesFilesToImport')).toEqual({ ok: true, value: [] });
    expect(await ask(report.webContents, 'changesFilesToImport')).toEqual({ ok: true, value: [paths.ana] });
    expect(await ask(report.webContents, 'changesFilesToImport')).toEqual({ ok: true, value: [] });
    expect(await ask(report.webContents, 'importChanges', [paths.ana])).toEqual({ ok: true, value: { senders: ['Ana'], changed: true } });

    // macOS hands a file over with "open-file": the report's open window is focused and told.
    const focused = report.focusCount;
    fake.app.emit('open-file', { preventDefault() {} }, paths.bo);
    await until(() => waitingEvents(report.webContents).length === 2, 'the open page to be told');
    expect(fake.windows()).toHaveLength(2);
    expect(report.focusCount).toBeGreaterThan(focused);
    expect(await ask(report.webContents, 'changesFilesToImport')).toEqual({ ok: true, value: [paths.bo] });

    // Not a changes file after all: refused in the import's own words; nothing waits.
    const text = join(dataDir, 'minutes.plenary-changes');
    writeFileSync(text, 'Minutes of the third meeting');
    fake.app.emit('open-file', { preventDefault() {} }, text);
    await until(() => fake.errorBoxes.length === 2, 'the refusal');
    expect(fake.errorBoxes[1]).toEqual({ title: 'Plenary could not import minutes.plenary-changes', message: 'This file is not a Plenary changes file.' });
    expect(await ask(report.webContents, 'changesFilesToImport')).toEqual({ ok: true, value: [] });
  });
});

describe('Export changes… for everyone in the desktop shell (fake Electron)', () => {
  it('asks for a folder, and writes each member\'s file into a new folder inside it', async () => {
    const paths = reportAndTwoMembersChanges();
    const { fake } = await startApp([paths.report]);
    const window = fake.windows()[0]!;
    const ask = (name: string, ...args: unknown[]) => fake.invoke('plenary:request', pageEvent(window.webContents), name, args);

    fake.dialogAnswers.open = null;
    expect(await ask('exportChangesForEveryone', null, false)).toEqual({ ok: true, value: null });
    expect(fake.openDialogs.at(-1)?.properties).toEqual(['openDirectory', 'createDirectory']);

    const outbox = join(dirname(paths.report), 'Outbox');
    mkdirSync(outbox);
    fake.dialogAnswers.open = [outbox];
    const done = (await ask('exportChangesForEveryone', null, false)) as { ok: true; value: { folder: string; files: number; complete: number } };
    expect(done.value).toMatchObject({ files: 2, complete: 2 });
    expect(dirname(done.value.folder)).toBe(outbox);
    expect(readdirSync(done.value.folder).sort()).toEqual(['Changes for Ana.plenary-changes', 'Changes for Bo.plenary-changes']);
    const progress = window.webContents.sent.filter((s) => s.channel === 'plenary:event').map((s) => s.args[0] as { type: string }).filter((e) => e.type === 'changesProgress');
    expect(progress).toEqual([1, 2].map((done) => ({ type: 'changesProgress', phase: 'writing', done, total: 2 })));
    // A folder the page names itself must be absolute.
    expect(await ask('exportChangesForEveryone', 'Outbox', false)).toMatchObject({ ok: false, message: 'The folder for the changes files is named by an absolute path.' });
  });
});
