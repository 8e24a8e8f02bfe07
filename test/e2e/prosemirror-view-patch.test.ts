/**
 * patches/prosemirror-view+*.patch: a block container whose content changed in one child,
 * with nothing decorating it, updates that child in place instead of matching all of its
 * children (a keystroke in a 5,000-paragraph report visited every paragraph). What a user
 * relies on: whatever the edits, the editor shows exactly the document, as a fresh render
 * of it would, and a keystroke leaves every other block's element alone.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bundleForPage, launchBrowser, newPage } from './harness.ts';

interface PmPatch {
  open(blocks: number): void;
  run(seed: number, steps: number): string | null;
  compare(): string | null;
  caretInBlock(index: number): void;
  blockCount(): number;
  setDecorated(on: boolean): void;
}
type PatchWindow = { pmPatch: PmPatch };

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const script = await bundleForPage('test/e2e/fixtures/pm-view-page.ts');
  browser = await launchBrowser();
  ({ page } = await newPage(browser));
  await page.setContent('<div id="live"></div><div id="fresh"></div>');
  await page.addScriptTag({ content: script });
});

afterAll(async () => {
  await browser?.close();
});

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('ProseMirror view patch: one changed block is updated in place', () => {
  test.each(SEEDS)('random edits, with others\' cursors coming and going, show the document as a fresh view would (seed %i)', async (seed) => {
    const mismatch = await page.evaluate((s) => {
      const { pmPatch } = window as unknown as PatchWindow;
      pmPatch.open(120);
      return pmPatch.run(s, 150);
    }, seed);
    expect(mismatch).toBeNull();
  });

  test('typing, Backspace and Enter from the keyboard show the document as a fresh view would, and leave other blocks\' elements alone', async () => {
    await page.evaluate(() => (window as unknown as PatchWindow).pmPatch.open(300));
    // An expando property, not an attribute: ProseMirror would read an attribute change as an edit.
    type Marked = Element & { blockMark?: string };
    const before = await page.evaluate(() => [...document.querySelectorAll('#live > .ProseMirror > *')].map((element, i) => ((element as Marked).blockMark = String(i))));
    await page.evaluate(() => (window as unknown as PatchWindow).pmPatch.caretInBlock(151));
    await page.keyboard.type('consensus ');
    await page.keyboard.press('Backspace');
    // Others' cursors arrive mid-typing: the general path takes over, then leaves again.
    await page.evaluate(() => (window as unknown as PatchWindow).pmPatch.setDecorated(true));
    await page.keyboard.type('ly');
    await page.evaluate(() => (window as unknown as PatchWindow).pmPatch.setDecorated(false));
    await page.keyboard.type(' agreed');
    expect(await page.evaluate(() => (window as unknown as PatchWindow).pmPatch.compare())).toBeNull();
    const marks = await page.evaluate(() => [...document.querySelectorAll('#live > .ProseMirror > *')].map((element) => (element as Marked).blockMark ?? null));
    expect(marks.length).toBe(before.length);
    // Every block but the typed one keeps its element; the typed one keeps it too.
    expect(marks.filter((mark, i) => mark !== String(i))).toEqual([]);
    expect(await page.locator('#live .ProseMirror > *').nth(151).textContent()).toContain('consensusly agreed');

    await page.keyboard.press('Enter');
    await page.keyboard.type('A new paragraph');
    expect(await page.evaluate(() => (window as unknown as PatchWindow).pmPatch.blockCount())).toBe(301);
    expect(await page.evaluate(() => (window as unknown as PatchWindow).pmPatch.compare())).toBeNull();
  });
});
