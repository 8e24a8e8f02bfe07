/**
 * The page around the text, in headless Chromium against the browser host: the title
 * field, which report a page edits, refusals with their reasons, a paste too large, and
 * the toolbar by keyboard alone.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeReportFile } from '../../main/services/open-report.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { caretAtEndOf, pasteInEditor } from './editor-input.ts';

let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dataDir = tempDataDir();

function reportUrl(path: string): string {
  const url = new URL(host.url);
  url.searchParams.set('report', path);
  return url.toString();
}

async function blockTexts(target: Page = page): Promise<string[]> {
  return target.$$eval('.ProseMirror > *', (nodes) => nodes.map((n) => n.textContent ?? ''));
}

beforeAll(async () => {
  host = await startHost({ dataDir });
  browser = await launchBrowser();
  ({ context, page } = await newPage(browser));
  await openEditor(page, host.url);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  expect(await host?.stop()).toBe(0);
});

describe('the page around the report', () => {
  test('the title is edited above the text, saved, and names the browser tab', async () => {
    const title = page.locator('#report-title');
    await title.fill('Report of the WGIG — second draft');
    expect(await page.title()).toBe('Report of the WGIG — second draft — Plenary');
    // Enter leaves the title for the text rather than breaking the line.
    await title.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('ProseMirror'))).toBe(true);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"] .ProseMirror');
    expect(await title.inputValue()).toBe('Report of the WGIG — second draft');
  });

  test('a page edits the report its URL names', async () => {
    const folder = join(dataDir, 'Elsewhere');
    mkdirSync(folder, { recursive: true });
    const other = join(folder, 'Consultation draft.plenary');
    writeReportFile(other, BLANK_REPORT_TEMPLATE, { title: 'Consultation draft' });
    const second = await context.newPage();
    await openEditor(second, reportUrl(other));
    expect(await second.inputValue('#report-title')).toBe('Consultation draft');
    expect(await blockTexts(second)).toEqual(['Introduction', '']);
    await second.locator('.ProseMirror > p').click();
    await second.keyboard.type('Comments are invited until 15 March.');
    await second.reload();
    await second.waitForSelector('body[data-ready="true"] .ProseMirror');
    expect(await blockTexts(second)).toEqual(['Introduction', 'Comments are invited until 15 March.']);
    expect(await second.textContent('#report-path')).toContain('Consultation draft.plenary');
    await second.close();
    // The default report did not change.
    expect(await blockTexts()).not.toContain('Comments are invited until 15 March.');
  });

  test('a file that is not a report is refused with its reason, and left as it was', async () => {
    const bogus = join(dataDir, 'Notes.plenary');
    writeFileSync(bogus, 'minutes of the second meeting, not a report');
    const second = await context.newPage();
    await second.goto(reportUrl(bogus));
    await expect.poll(() => second.textContent('#alerts')).toMatch(/\S/);
    expect(await second.locator('.ProseMirror').count()).toBe(0);
    expect(await second.textContent('#status')).not.toBe('Saved as you type');
    await second.close();
    expect(readFileSync(bogus, 'utf8')).toBe('minutes of the second meeting, not a report');

    const wrongKind = await context.newPage();
    await wrongKind.goto(reportUrl('/etc/hostname'));
    await expect.poll(() => wrongKind.textContent('#alerts')).toMatch(/Only Plenary reports/);
    await wrongKind.close();
  });

  test('paste from a browser (Google Docs style markup) keeps bold, italic and headings, not the wrapper', async () => {
    const html = '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1234">'
      + '<h3 dir="ltr" style="line-height:1.38;margin-top:14pt"><span style="font-size:13pt;font-family:Arial;color:#434343;font-weight:400">Follow-up mechanisms</span></h3>'
      + '<p dir="ltr" style="line-height:1.38"><span style="font-family:Arial;font-weight:400">Members asked for a </span>'
      + '<span style="font-family:Arial;font-weight:700">light</span><span style="font-family:Arial;font-weight:400"> and </span>'
      + '<span style="font-family:Arial;font-style:italic;font-weight:400">open</span><span style="font-family:Arial;font-weight:400"> forum.</span></p></b>';
    await caretAtEndOf(page, page.locator('.ProseMirror > p').last());
    await pasteInEditor(page, { 'text/html': html, 'text/plain': 'Follow-up mechanisms' });
    const heading = page.locator('.ProseMirror > h3', { hasText: 'Follow-up mechanisms' });
    await expect.poll(() => heading.count()).toBe(1);
    const pasted = page.locator('.ProseMirror > p', { hasText: 'Members asked for a light and open forum.' });
    expect(await pasted.innerHTML()).toBe('Members asked for a <strong>light</strong> and <em>open</em> forum.');
  });

  test('a paste too large is refused whole, with a message', async () => {
    const before = await blockTexts();
    await page.locator('.ProseMirror > p').first().click();
    await pasteInEditor(page, { 'text/plain': 'The Group recommends. '.repeat(60_000) });
    await expect.poll(() => page.textContent('#alerts')).toMatch(/too large/);
    expect(await blockTexts()).toEqual(before);
    await page.locator('#alerts button', { hasText: 'Dismiss' }).first().click();
    expect(await page.locator('#alerts .alert').count()).toBe(0);
  });

  test('the toolbar is one tab stop, walked with the arrow keys, and says what is on', async () => {
    const heading = page.locator('.ProseMirror > h1').first();
    await heading.click();
    const toolbar = page.locator('#toolbar');
    expect(await toolbar.getAttribute('role')).toBe('toolbar');
    expect(await toolbar.locator('button[tabindex="0"]').count()).toBe(1);
    await expect.poll(() => toolbar.locator('button[data-command="heading-1"]').getAttribute('aria-pressed')).toBe('true');
    expect(await toolbar.locator('button[data-command="paragraph"]').getAttribute('aria-pressed')).toBe('false');

    // The whole toolbar is one stop in the tab order: Tab from the button before it lands
    // past it, on the title (or on whatever the page places between them).
    const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-command') ?? null);
    await toolbar.locator('button[tabindex="0"]').focus();
    expect(await focused()).not.toBeNull();
    await page.keyboard.press('Tab');
    expect(await focused()).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).not.toBeNull();
    await page.keyboard.press('Home');
    const first = await focused();
    await page.keyboard.press('ArrowRight');
    const second = await focused();
    expect(second).not.toBe(first);
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe(first);
    // Every button has a name a screen reader can say.
    const unnamed = await toolbar.locator('button:not([aria-label])').count();
    expect(unnamed).toBe(0);
  });

  test('the link dialog refuses a javascript: address and links a web address', async () => {
    const paragraph = page.locator('.ProseMirror > p').first();
    await paragraph.scrollIntoViewIfNeeded();
    await paragraph.dblclick();
    // The word the double click selected reaches ProseMirror on the page's selectionchange
    // event; a key pressed before that event ran (a loaded machine) acts on the old caret.
    await page.waitForFunction(() => !(getSelection()?.isCollapsed ?? true));
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
    await page.keyboard.press('Control+k');
    const dialog = page.locator('#link-dialog');
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await page.keyboard.type('javascript:alert(1)');
    await page.keyboard.press('Enter');
    expect(await page.textContent('#link-error')).toMatch(/web|e-mail/);
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await page.fill('#link-href', 'www.intgovforum.org');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    expect(await paragraph.locator('a').getAttribute('href')).toBe('https://www.intgovforum.org');
  });
});
