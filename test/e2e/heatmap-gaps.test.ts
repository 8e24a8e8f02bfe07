/**
 * The participation gaps of member columns: the summary band lists every column's gap,
 * in column order. A list of 60 items was most of a member switch's frame, so only the
 * first items are made with the switch (the list shows two lines and scrolls) and the
 * rest when the page is next idle. What a user relies on: the first items come with the
 * switch and every column is listed, in order, a moment later. Runs the heatmap bench
 * page, smaller.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bundleForPage, launchBrowser, newPage } from './harness.ts';

const MEMBERS = 40;
let browser: Browser;
let page: Page;

interface GapItem { label: string; value: string }
const gapItems = (p: Page): Promise<GapItem[]> => p.evaluate(() => [...document.querySelectorAll('.hm-gaps li')].map((li) => ({
  label: li.querySelector('span')?.textContent ?? '',
  value: li.querySelector('strong')?.textContent ?? '',
})));

beforeAll(async () => {
  const script = await bundleForPage('test/bench/fixtures/heatmap-page.ts');
  browser = await launchBrowser();
  ({ page } = await newPage(browser));
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: `window.heatmapPageSize = { sections: 20, paragraphs: 200, members: ${MEMBERS}, stances: 12 };` });
  await page.addScriptTag({ content: script });
  await page.evaluate(async () => {
    const bench = (window as unknown as { heatmapBench: { build(): Promise<unknown>; show(): Promise<unknown> } }).heatmapBench;
    await bench.build();
    await bench.show();
  });
  // Opening the view reads every block's stances for the gaps in idle time first.
  await page.waitForFunction(() => !/counting/.test(document.querySelector('.hm-gaps-title')?.textContent ?? 'counting'));
});

afterAll(async () => {
  await browser?.close();
});

describe('participation gaps of many columns', () => {
  test('the first come with the switch to member columns, every column is listed in order a moment later', async () => {
    const atOnce = await page.evaluate(() => {
      const bench = (window as unknown as { heatmapBench: { dimension(id: string): Promise<unknown> } }).heatmapBench;
      void bench.dimension('member');
      // Synchronously after the switch: what its frame paints.
      return [...document.querySelectorAll('.hm-gaps li span')].map((s) => s.textContent ?? '');
    });
    expect(atOnce.length).toBeGreaterThan(0);
    expect(atOnce.length).toBeLessThan(MEMBERS);
    const columns = await page.locator('.hm-colhead').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).title));
    expect(atOnce).toEqual(columns.slice(0, atOnce.length));
    await expect.poll(async () => (await gapItems(page)).length).toBe(MEMBERS);
    const all = await gapItems(page);
    expect(all.slice(0, columns.length).map((g) => g.label)).toEqual(columns);
    expect(new Set(all.map((g) => g.label)).size).toBe(MEMBERS);
    expect(all.every((g) => /^\d+%$/.test(g.value))).toBe(true);
  });
});
