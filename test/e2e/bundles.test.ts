/**
 * Update bundles from the UI of the browser host: Ana exports the changes Bo lacks from
 * her copy of the report; Bo imports them into his copy (another file of the same
 * report); a tampered file is refused with its message shown and Bo's text untouched;
 * the secretariat's export for everyone on the roster writes one file each.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { closeAllReports, createReportFile } from '../../main/services/open-report.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { addMember } from '../../shared/roster.ts';

let host: Host;
let browser: Browser;
let ana: Page;
let bo: Page;
let reports: string;

beforeAll(async () => {
  const dataDir = tempDataDir();
  reports = join(dataDir, 'Reports');
  mkdirSync(reports, { recursive: true });
  const original = createReportFile(join(reports, 'ana.plenary'), REPORT_TEMPLATE, { title: 'Tunis draft' });
  for (const name of ['Chen Wei', 'Dee Okafor']) {
    addMember(original.doc, { name, group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', role: 'member', publicKey: '' });
  }
  original.saveCopyAs(join(reports, 'bo.plenary'));
  closeAllReports();
  host = await startHost({ dataDir, report: join(reports, 'ana.plenary') });
  browser = await launchBrowser();
  ana = (await newPage(browser)).page;
  bo = (await newPage(browser)).page;
  await openEditor(ana, host.url);
  await openEditor(bo, `${host.url}?report=${encodeURIComponent(join(reports, 'bo.plenary'))}`);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function openSyncDialog(page: Page, item: string): Promise<void> {
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: item }).click();
  await page.waitForSelector('#sync-dialog[open]');
}

async function importFile(page: Page, name: string): Promise<void> {
  await openSyncDialog(page, 'Import changes…');
  await page.fill('#sync-import-path', name);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

describe('changes files', () => {
  test('Ana exports her changes for Bo, Bo imports them into his copy', async () => {
    await ana.locator('.ProseMirror p').first().click();
    await ana.keyboard.press('End');
    await ana.keyboard.type(' Agreed in Geneva.');
    await openSyncDialog(ana, 'Export changes…');
    await ana.fill('#sync-recipient', 'Bo');
    await ana.fill('#sync-export-path', 'for-bo.plenary-changes');
    await ana.getByRole('button', { name: 'Export', exact: true }).click();
    await ana.waitForFunction(() => /saved to .*for-bo\.plenary-changes/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
    // A long notice (a file path) gives way in the status line; the sync status stays in the window.
    const statusRight = await ana.evaluate(() => document.querySelector('#sync-status')!.getBoundingClientRect().right);
    expect(statusRight).toBeLessThanOrEqual(await ana.evaluate(() => document.documentElement.clientWidth));
    expect(await ana.getAttribute('#sync-notice', 'title')).toMatch(/^\/.*\/for-bo\.plenary-changes$/); // where it went

    expect(await bo.textContent('.ProseMirror')).not.toContain('Agreed in Geneva.');
    await importFile(bo, 'for-bo.plenary-changes');
    await bo.waitForFunction(() => /imported/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
    await bo.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Agreed in Geneva.'));

    await importFile(bo, 'for-bo.plenary-changes');
    await bo.waitForFunction(() => /already in this report/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
  });

  test('Export changes… for everyone writes a file per member on the roster, in a new folder', async () => {
    await openSyncDialog(ana, 'Export changes…');
    await ana.getByLabel('Everyone on the roster (2 members, one file each)').check();
    expect(await ana.isDisabled('#sync-recipient')).toBe(true);
    expect(await ana.isVisible('#sync-export-path')).toBe(false);
    await ana.fill('#sync-export-folder', 'Round 1');
    await ana.keyboard.press('Enter');
    await ana.waitForFunction(() => /^Changes for 2 members saved in Round 1 \(\d+\.\d kB in all, each the whole report\)\.$/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
    expect(readdirSync(join(reports, 'Round 1')).sort()).toEqual(['Changes for Chen Wei.plenary-changes', 'Changes for Dee Okafor.plenary-changes']);
    // Unticked again, the dialog is for one person.
    await openSyncDialog(ana, 'Export changes…');
    expect(await ana.isChecked('#sync-everyone')).toBe(false);
    expect(await ana.isVisible('#sync-export-folder')).toBe(false);
    await ana.keyboard.press('Escape');
  });

  test('a tampered changes file is refused with its message, Bo\'s report unchanged', async () => {
    const bytes = readFileSync(join(reports, 'for-bo.plenary-changes'));
    // The update is compressed (bundle format 2): alter a byte of it, just before the 32-byte checksum.
    const at = bytes.length - 40;
    expect(at).toBeGreaterThan(0);
    bytes[at] = bytes[at]! ^ 0x20;
    writeFileSync(join(reports, 'tampered.plenary-changes'), bytes);
    const before = await bo.textContent('.ProseMirror');
    await importFile(bo, 'tampered.plenary-changes');
    await bo.waitForFunction(() => /damaged or incomplete/.test(document.querySelector('#sync-dialog-message')?.textContent ?? ''));
    expect(await bo.isVisible('#sync-dialog[open]')).toBe(true);
    expect(await bo.textContent('.ProseMirror')).toBe(before);
    await bo.getByRole('button', { name: 'Close', exact: true }).click();
  });

  test('several changes files imported at once: all merged, or none when one is bad', async () => {
    const exportFor = async (name: string, file: string, line: string): Promise<void> => {
      await ana.locator('.ProseMirror p').first().click();
      await ana.keyboard.press('End');
      await ana.keyboard.type(line);
      await openSyncDialog(ana, 'Export changes…');
      await ana.fill('#sync-recipient', name);
      await ana.fill('#sync-export-path', file);
      await ana.getByRole('button', { name: 'Export', exact: true }).click();
      await ana.waitForFunction((f) => document.querySelector('#sync-notice')?.textContent?.includes(f), file);
    };
    // Two files for Bo, the second continuing from the first: neither is in his copy yet.
    await exportFor('Bo', 'monday.plenary-changes', ' Monday in Geneva.');
    await exportFor('Bo', 'tuesday.plenary-changes', ' Tuesday in Geneva.');

    const before = await bo.textContent('.ProseMirror');
    await importFile(bo, 'tuesday.plenary-changes, tampered.plenary-changes');
    await bo.waitForFunction(() => /^tampered\.plenary-changes: .*damaged or incomplete.*Leave that file out/.test(document.querySelector('#sync-dialog-message')?.textContent ?? ''));
    expect(await bo.textContent('.ProseMirror')).toBe(before);
    await bo.getByRole('button', { name: 'Close', exact: true }).click();

    // The browser host offers its Reports folder's changes files, newest first, to tick.
    await openSyncDialog(bo, 'Import changes…');
    await bo.waitForSelector('#sync-import-files input[value="monday.plenary-changes"]');
    const offered = await bo.$$eval('#sync-import-files .sync-files-list input', (boxes) => boxes.map((box) => (box as HTMLInputElement).value));
    expect(offered).toContain('for-bo.plenary-changes');
    expect(offered.indexOf('tuesday.plenary-changes')).toBeLessThan(offered.indexOf('monday.plenary-changes'));
    await bo.check('#sync-import-files input[value="tuesday.plenary-changes"]');
    await bo.focus('#sync-import-files input[value="monday.plenary-changes"]');
    await bo.keyboard.press('Space');
    expect(await bo.evaluate(() => (document.querySelector('#sync-import-all') as HTMLInputElement).indeterminate)).toBe(true);
    await bo.getByRole('button', { name: 'Import', exact: true }).click();
    // (Ana is not on the roster here, so her files name her "A Plenary user".)
    await bo.waitForFunction(() => /^Changes from A Plenary user imported \(2 files\)\.$/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
    await bo.waitForFunction(() => /Monday in Geneva\. Tuesday in Geneva\./.test(document.querySelector('.ProseMirror')?.textContent ?? ''));
  });

  test('a notice makes room again in the status line after 20 s', async () => {
    // (Last in the file: the page's clock stays under the test's hand.)
    await bo.clock.install();
    await importFile(bo, 'for-bo.plenary-changes');
    await bo.waitForFunction(() => /already in this report/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
    await bo.clock.runFor(19_000);
    expect(await bo.textContent('#sync-notice')).toMatch(/already in this report/);
    await bo.clock.runFor(1_500);
    expect(await bo.textContent('#sync-notice')).toBe('');
    expect(await bo.isVisible('#sync-notice')).toBe(false);
  });
});
