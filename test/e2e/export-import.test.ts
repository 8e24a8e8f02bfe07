/**
 * File → Export… and Import… from the UI of the browser host, in real Chromium: a chair
 * endorses a paragraph, exports HTML with the endorsement annex (numbered paragraphs and
 * the annex table in the file, downloadable from the host) and PDF (read back with
 * pdftotext); then imports a Markdown draft after the cursor's paragraph and sees its
 * heading and paragraphs in the report, numbered; an unreadable file changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { chooseStance, expectChip, fillMember, openPanelByKeyboard, openRoster, closeRoster, paragraphId } from './stance-helpers.ts';

let host: Host;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  host = await startHost({ dataDir: tempDataDir() });
  browser = await launchBrowser();
  page = (await newPage(browser)).page;
  page.on('pageerror', (error) => errors.push(error.message));
  await openEditor(page, host.url);
  await openRoster(page);
  await fillMember(page, { name: 'Amina Diallo', group: 'government', role: 'chair', isMe: true });
  await page.locator('.who-am-i', { hasText: 'You are Amina Diallo' }).waitFor();
  await closeRoster(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  expect(await host?.stop()).toBe(0);
});

/** Exports from the dialog and returns the path the dialog reports. */
async function exportFromUi(format: string, annex: boolean): Promise<string> {
  await page.click('#export-button');
  await page.waitForSelector('#export-dialog[open]');
  await page.selectOption('#export-format', format);
  if ((await page.isChecked('#export-annex')) !== annex) await page.click('#export-annex');
  await page.click('#export-go');
  await page.locator('#export-result', { hasText: 'Exported' }).waitFor({ timeout: 60_000 });
  const text = (await page.textContent('#export-result'))!;
  const path = /to (.+)\. Download/.exec(text)?.[1];
  expect(path).toBeTruthy();
  await page.keyboard.press('Escape');
  await page.waitForSelector('#export-dialog:not([open])', { state: 'attached' });
  return path!;
}

describe('export from the UI', () => {
  test('HTML with the annex: numbered paragraphs, the annex table with the stance, offered for download', async () => {
    const first = await paragraphId(page, 0);
    await openPanelByKeyboard(page, first);
    await chooseStance(page, 'Endorse');
    await expectChip(page, first, 'government', 'recognized');
    await page.keyboard.press('Escape');

    const path = await exportFromUi('html', true);
    expect(path).toMatch(/Exports[\\/].+\.html$/);
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/<p class="para"[^>]*><span class="pnum">1\.<\/span>/);
    expect(html).toMatch(/<span class="pnum">2\.<\/span>/);
    const annex = /<table class="annex-table">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(annex).toContain('Government');
    expect(annex).toMatch(/class="s-(recognized|partly)"/);

    const href = await page.getAttribute('#export-download', 'href');
    const download = await fetch(new URL(href!, host.url));
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(html);
    // Only plain names inside the Exports folder are served.
    expect((await fetch(new URL('/exports/..%2F..%2Fetc%2Fpasswd', host.url))).status).toBe(404);
  });

  test('PDF: pdftotext reads the numbered paragraphs', async () => {
    const path = await exportFromUi('pdf', false);
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    const text = spawnSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).stdout;
    const firstText = (await page.locator('.ProseMirror > p').first().textContent())!.trim().slice(0, 30);
    expect(text.replace(/\s+/g, ' ')).toContain(firstText.replace(/\s+/g, ' '));
    expect(text).toMatch(/^\s*1\.\s+\S/m);
  });
});

describe('import from the UI', () => {
  const folder = mkdtempSync(join(tmpdir(), 'plenary-import-'));

  async function importFromUi(file: string): Promise<void> {
    await page.click('#import-button');
    await page.waitForSelector('#import-dialog[open]');
    await page.setInputFiles('#import-file', file);
    await page.check('#import-at-cursor');
    await page.click('#import-go');
  }

  test('a Markdown draft goes after the cursor\'s paragraph, its heading and paragraphs numbered', async () => {
    const file = join(folder, 'draft.md');
    writeFileSync(file, '## Capacity building\n\nDeveloping countries need sustained support.\n\nThe Forum should report yearly.\n');
    const before = await page.locator('.ProseMirror > *').count();
    const first = page.locator('.ProseMirror > p').first();
    await first.click();
    await page.keyboard.press('End');
    await importFromUi(file);
    await page.waitForSelector('#import-dialog:not([open])', { state: 'attached' });
    await expect.poll(() => page.locator('.ProseMirror > *').count()).toBe(before + 3);

    const heading = page.locator('.ProseMirror > h2', { hasText: 'Capacity building' });
    expect(await heading.getAttribute('data-num')).toBeTruthy();
    const support = page.locator('.ProseMirror > p', { hasText: 'Developing countries need sustained support.' });
    const yearly = page.locator('.ProseMirror > p', { hasText: 'The Forum should report yearly.' });
    // Right after the paragraph that had the cursor (the first one, numbered 1.).
    expect(await first.getAttribute('data-num')).toBe('1.');
    expect(await support.getAttribute('data-num')).toBe('2.');
    expect(await yearly.getAttribute('data-num')).toBe('3.');
    // The upload is read once and not kept on the host.
    expect(readdirSync(join(host.dataDir, 'Imports'))).toEqual([]);
  });

  test('a file that is not Markdown is refused with a message; the report does not change', async () => {
    const file = join(folder, 'binary.md');
    writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x00, 0x80]));
    const before = await page.locator('.ProseMirror').innerHTML();
    await importFromUi(file);
    await expect.poll(() => page.textContent('#import-dialog-message')).toMatch(/not a text file.*The report has not changed\./);
    expect(await page.locator('.ProseMirror').innerHTML()).toBe(before);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });
});
