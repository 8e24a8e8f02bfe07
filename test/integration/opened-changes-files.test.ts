/**
 * A changes file opened with the app (a double-click on one received by e-mail): which
 * report it is for, found among those this computer has, and what the user is told when
 * the file is damaged or its report is not here. Real report files, real changes files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir as tempFolder } from './fixtures/sync/harness.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeAllReports, createReportFile, openReportFile } from '../../main/services/open-report.ts';
import { exportBundle } from '../../main/services/bundles.ts';
import { readChangesFileTarget, reportForChangesFile, WaitingChangesFiles } from '../../main/services/opened-changes-files.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { ApiError, type ReportSummary } from '../../shared/api.ts';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';

// (Each test's folder goes with the test run's temporary root: test/temp-root.ts.)
afterEach(() => closeAllReports());
const tempDir = (): string => tempFolder('plenary-opened-changes-');

/** The secretariat's report, a copy of it on Ana's laptop, and a changes file from Ana. */
async function aChangesFile(): Promise<{ dir: string; summary: ReportSummary; copy: string; file: string }> {
  const dir = tempDir();
  const report = createReportFile(join(dir, 'Tunis draft.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
  const summary = report.summary();
  const copy = report.saveCopyAs(join(dir, 'Ana’s copy.plenary'));
  closeAllReports();
  const ana = openReportFile(copy);
  addParagraph(ana.doc, 'Agreed in Geneva.');
  const file = join(dir, 'Changes for the secretariat.plenary-changes');
  await exportBundle({ doc: ana.doc, path: file, recipient: 'Secretariat', sender: 'Ana Díaz' });
  closeAllReports();
  return { dir, summary, copy, file };
}

describe('a changes file opened with the app', () => {
  it('names its report, which is found among the reports recently opened here', async () => {
    const { summary, file } = await aChangesFile();
    const target = await readChangesFileTarget(file);
    expect(target).toEqual({ path: file, reportId: summary.id, reportTitle: 'Tunis draft', sender: 'Ana Díaz' });
    const report = reportForChangesFile(target, () => [summary]);
    expect(report.path).toBe(summary.path);
    expect(report.summary().id).toBe(summary.id);
  });

  it('whose report has not been opened here: says which report and how to get it', async () => {
    const { file } = await aChangesFile();
    const target = await readChangesFileTarget(file);
    const attempt = (): unknown => reportForChangesFile(target, () => []);
    expect(attempt).toThrow(ApiError);
    expect(attempt).toThrow('These changes from Ana Díaz are for the report “Tunis draft”, which has not been opened on this computer. Open that report (File → Open…, or Connect to server… with its address), then import the file with File → Import changes…. Nothing was imported.');
  });

  it('a recent entry whose file has gone does not count as having the report', async () => {
    const { dir, summary, file } = await aChangesFile();
    const gone = { ...summary, path: join(dir, 'moved away.plenary') };
    const target = await readChangesFileTarget(file);
    expect(() => reportForChangesFile(target, () => [gone])).toThrow(/has not been opened on this computer/);
  });

  it('damaged, cut short, or not a changes file at all: refused with the import’s own words', async () => {
    const { dir, file } = await aChangesFile();
    const bytes = readFileSync(file);
    const cut = join(dir, 'cut.plenary-changes');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    await expect(readChangesFileTarget(cut)).rejects.toThrow(ApiError);
    await expect(readChangesFileTarget(cut)).rejects.toThrow(/damaged or incomplete/);
    const text = join(dir, 'minutes.plenary-changes');
    writeFileSync(text, 'Minutes of the third meeting');
    await expect(readChangesFileTarget(text)).rejects.toThrow('This file is not a Plenary changes file.');
    await expect(readChangesFileTarget(join(dir, 'missing.plenary-changes'))).rejects.toThrow(/There is no file at/);
  });
});

describe('changes files waiting for their report’s page', () => {
  it('are handed over once, each file once, to the page of their own report only', () => {
    const waiting = new WaitingChangesFiles();
    waiting.add('report-1', '/mail/a.plenary-changes');
    waiting.add('report-1', '/mail/b.plenary-changes');
    waiting.add('report-1', '/mail/a.plenary-changes');
    waiting.add('report-2', '/mail/c.plenary-changes');
    expect(waiting.take('report-3')).toEqual([]);
    expect(waiting.take('report-1')).toEqual(['/mail/a.plenary-changes', '/mail/b.plenary-changes']);
    expect(waiting.take('report-1')).toEqual([]);
    expect(waiting.take('report-2')).toEqual(['/mail/c.plenary-changes']);
  });
});
