/**
 * A changes file opened with the app (in the desktop app a double-click on one received
 * by e-mail; here the browser host's --changes): the page of the report it is for shows
 * the Import dialog with the file, imports it and says so, and the text is there; a file
 * for a report not on this computer is refused by the host, and the page shows nothing.
 * Changes files dropped on the window are imported the same way (here uploaded first).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { closeAllReports, createReportFile, openReportFile } from '../../main/services/open-report.ts';
import { BundlePeers, exportBundle } from '../../main/services/bundles.ts';
import { RecentReports } from '../../main/services/recent-reports.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';

let host: Host;
let browser: Browser;
let page: Page;
let fromAna: string;
let forElsewhere: string;
let minutes: string;
let reports: string;
/** Two members' files for the secretariat's report, to drop on its window. */
const dropped: Array<{ name: string; bytes: number[] }> = [];

beforeAll(async () => {
  const dataDir = tempDataDir();
  reports = join(dataDir, 'Reports');
  mkdirSync(reports, { recursive: true });
  const secretariat = createReportFile(join(reports, 'secretariat.plenary'), REPORT_TEMPLATE, { title: 'Tunis draft' });
  const ana = openReportFile(secretariat.saveCopyAs(join(reports, 'ana.plenary')));
  addParagraph(ana.doc, 'Written by Ana in Geneva.');
  fromAna = join(dataDir, 'Changes for the secretariat.plenary-changes');
  await exportBundle({ doc: ana.doc, path: fromAna, recipient: 'Secretariat', sender: 'Ana Díaz' });
  for (const [who, text] of [['Bo Lin', 'Written by Bo in Nairobi.'], ['Dee Okafor', 'Written by Dee in Lagos.']] as const) {
    const copy = openReportFile(secretariat.saveCopyAs(join(dataDir, `${who}.plenary`)));
    addParagraph(copy.doc, text);
    const path = join(dataDir, `From ${who}.plenary-changes`);
    await exportBundle({ doc: copy.doc, path, recipient: 'Secretariat', sender: who });
    dropped.push({ name: `From ${who}.plenary-changes`, bytes: [...readFileSync(path)] });
  }
  const other = createReportFile(join(tempDataDir(), 'other.plenary'), REPORT_TEMPLATE, { title: 'Another group’s report' });
  addParagraph(other.doc, 'Not for this report.');
  forElsewhere = join(dataDir, 'Changes for someone else.plenary-changes');
  await exportBundle({ doc: other.doc, path: forElsewhere, recipient: 'Secretariat', sender: 'Bo Lin' });
  // Another report opened here before, and a file from Chen that builds on an earlier one
  // the secretariat never got.
  const minutesReport = createReportFile(join(reports, 'minutes.plenary'), REPORT_TEMPLATE, { title: 'Minutes' });
  minutes = minutesReport.path;
  new RecentReports(dataDir).add(minutesReport.summary());
  const chen = openReportFile(minutesReport.saveCopyAs(join(reports, 'chen.plenary')));
  const chenSent = new BundlePeers(join(dataDir, 'chen-data'));
  addParagraph(chen.doc, 'First day.');
  await exportBundle({ doc: chen.doc, path: join(dataDir, 'lost.plenary-changes'), recipient: 'Secretariat', sender: 'Chen Wei', peers: chenSent });
  addParagraph(chen.doc, 'Second day.');
  const second = join(dataDir, 'Second day.plenary-changes');
  await exportBundle({ doc: chen.doc, path: second, recipient: 'Secretariat', sender: 'Chen Wei', peers: chenSent });
  closeAllReports();
  host = await startHost({ dataDir, report: join(reports, 'secretariat.plenary'), changes: [fromAna, forElsewhere, second] });
  browser = await launchBrowser();
  page = (await newPage(browser)).page;
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

test('the report’s page imports the file it was opened with, in the Import dialog, and says so', async () => {
  await openEditor(page, host.url);
  await page.waitForFunction(() => /imported/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
  expect(await page.textContent('#sync-notice')).toMatch(/Ana Díaz/);
  await page.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Written by Ana in Geneva.'));
  expect(await page.textContent('.ProseMirror')).not.toContain('Not for this report.');
  // Done: the dialog has closed; the notice is what stays.
  expect(await page.$('#sync-dialog[open]')).toBeNull();
});

/** Drops files (names and bytes) on the report's text, as a drag from a folder or an e-mail does. */
async function dropFiles(files: Array<{ name: string; bytes: number[] }>): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const data = new DataTransfer();
    for (const file of list) data.items.add(new File([new Uint8Array(file.bytes)], file.name));
    return data;
  }, files);
  await page.dispatchEvent('.ProseMirror', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('.ProseMirror', 'dragover', { dataTransfer: transfer });
  // While dragged over the window, it says where the files would go.
  expect(await page.isVisible('#drop-changes-hint')).toBe(true);
  expect(await page.textContent('#drop-changes-hint')).toBe('Drop changes files (.plenary-changes) to import them into this report');
  await page.dispatchEvent('.ProseMirror', 'drop', { dataTransfer: transfer });
  expect(await page.isVisible('#drop-changes-hint')).toBe(false);
}

test('changes files dropped on the window are imported together, as Import changes… does', async () => {
  const before = await page.textContent('.ProseMirror');
  await dropFiles(dropped);
  await page.waitForFunction(() => /Bo Lin/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
  expect(await page.textContent('#sync-notice')).toBe('Changes from Bo Lin and Dee Okafor imported (2 files).');
  expect(await page.textContent('.ProseMirror')).toContain('Written by Bo in Nairobi.');
  expect(await page.textContent('.ProseMirror')).toContain('Written by Dee in Lagos.');
  // Nothing of the files went into the text as such.
  expect((await page.textContent('.ProseMirror'))!.replace('Written by Bo in Nairobi.', '').replace('Written by Dee in Lagos.', '')).toBe(before);
  // The browser host keeps them in the Reports folder, where Import changes… lists them.
  expect(readdirSync(reports)).toEqual(expect.arrayContaining(['From Bo Lin.plenary-changes', 'From Dee Okafor.plenary-changes']));
  // Dropped again: nothing changes in the report, and the folder keeps one copy.
  const files = readdirSync(reports);
  await dropFiles(dropped.slice(0, 1));
  await page.waitForFunction(() => /already in this report/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
  expect(readdirSync(reports)).toEqual(files);
});

test('files dragged over the window and away again leave it as it was', async () => {
  const transfer = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['x'], 'From Bo Lin.plenary-changes'));
    return data;
  });
  await page.dispatchEvent('.ProseMirror', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('#report-title', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('.ProseMirror', 'dragleave', { dataTransfer: transfer });
  expect(await page.isVisible('#drop-changes-hint')).toBe(true); // still over the window
  await page.dispatchEvent('#report-title', 'dragleave', { dataTransfer: transfer });
  expect(await page.isVisible('#drop-changes-hint')).toBe(false);
  expect(await page.$('#sync-dialog[open]')).toBeNull();
});

test('a dropped draft is not taken for changes: the page says what can be dropped', async () => {
  const before = await page.textContent('.ProseMirror');
  await dropFiles([{ name: 'Draft by the chair.docx', bytes: [0x50, 0x4b, 0x03, 0x04] }]);
  await page.waitForFunction(() => /Only changes files/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
  expect(await page.textContent('#sync-notice')).toBe('Only changes files (.plenary-changes) can be dropped on the report; to import a draft, use Import….');
  expect(await page.textContent('.ProseMirror')).toBe(before);
  expect(await page.$('#sync-dialog[open]')).toBeNull();
});

test('refused in the page (it builds on a file never imported): the dialog stays with why, the report untouched', async () => {
  const minutesPage = (await newPage(browser)).page;
  await openEditor(minutesPage, `${host.url}?report=${encodeURIComponent(minutes)}`);
  await minutesPage.waitForSelector('#sync-dialog[open]');
  await minutesPage.waitForFunction(() => /continue from an earlier changes file from Chen Wei/.test(document.querySelector('#sync-dialog-message')?.textContent ?? ''));
  expect(await minutesPage.textContent('#sync-dialog')).toContain('Second day.plenary-changes');
  expect(await minutesPage.textContent('.ProseMirror')).not.toContain('Second day.');
  await minutesPage.keyboard.press('Escape');
  expect(await minutesPage.$('#sync-dialog[open]')).toBeNull();
});

test('a file for a report not on this computer is refused by the host, saying which report', () => {
  expect(host.output()).toContain(`Cannot import ${forElsewhere}: These changes from Bo Lin are for the report “Another group’s report”, which has not been opened on this computer.`);
});
