/**
 * The reader's place in the report stays where it is while the focus goes to the sticky
 * toolbar and status line: the Sync menu, its dialogs and the header's buttons. (With
 * the page's scroll padding, a bar always lay inside the padding meant to keep content
 * clear of it, so each focus on one of its buttons scrolled the report by half a
 * screen.) What is focused in the report itself is still brought clear of the bars.
 */
import { beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { oneEditorPage } from './one-editor-page.ts';

const editor = oneEditorPage();
let page: Page;
beforeAll(() => {
  page = editor.page;
});

const scrolled = (): Promise<number> => page.evaluate(() => document.scrollingElement!.scrollTop);
const readingAt = async (top: number): Promise<void> => {
  await page.evaluate((y) => window.scrollTo(0, y), top);
  await page.waitForFunction((y) => document.scrollingElement!.scrollTop === y, top);
};

test('the Sync menu and a dialog from it, worked from the keyboard, leave the report where it was', async () => {
  await readingAt(600);
  await page.focus('#sync-menu-button');
  expect(await scrolled()).toBe(600);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('sync-menu-button');
  expect(await scrolled()).toBe(600);
  await page.keyboard.press('Enter');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#sync-dialog[open]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#sync-dialog:not([open])', { state: 'attached' });
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('sync-menu-button');
  expect(await scrolled()).toBe(600);
});

test("the header's buttons take the focus without moving the report", async () => {
  await readingAt(900);
  await page.focus('#open-roster');
  expect(await scrolled()).toBe(900);
  await page.locator('#toolbar button').first().focus();
  expect(await scrolled()).toBe(900);
});

test('what is focused in the report is brought clear of the sticky toolbar and status line', async () => {
  // The title, hidden under the toolbar, comes out below it when focused.
  const { titleBottom, headerBottom } = await page.evaluate(() => ({
    titleBottom: document.getElementById('report-title')!.getBoundingClientRect().bottom + window.scrollY,
    headerBottom: document.querySelector('.app-header')!.getBoundingClientRect().bottom,
  }));
  await readingAt(Math.ceil(titleBottom - headerBottom + 2));
  expect((await page.locator('#report-title').boundingBox())!.y).toBeLessThan(headerBottom);
  await page.focus('#report-title');
  expect((await page.locator('#report-title').boundingBox())!.y).toBeGreaterThanOrEqual(headerBottom);

  // A paragraph's stance button, hidden under the status line (as Tab reaches it), comes
  // out above it.
  await readingAt(0);
  const row = page.getByRole('button', { name: /^Paragraph 5\., stances/ });
  const rowTop = await row.evaluate((element) => element.getBoundingClientRect().top + window.scrollY);
  const footerTop = await page.evaluate(() => document.querySelector('.status-line')!.getBoundingClientRect().top);
  await readingAt(Math.floor(rowTop - footerTop - 2));
  expect((await row.boundingBox())!.y).toBeGreaterThan(footerTop);
  await row.focus();
  const box = (await row.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(footerTop);
  expect(box.y).toBeGreaterThanOrEqual(headerBottom);
});
