/**
 * Many member columns (narrow), on the heatmap bench page, smaller.
 *
 * The participation gaps: the summary band lists every column's gap, in column order. A
 * list of 60 items was most of a member switch's frame, so only the first items are made
 * with the switch (the list shows two lines and scrolls) and the rest when the page is
 * next idle. What a user relies on: the first items come with the switch and every
 * column is listed, in order, a moment later.
 *
 * The names over the columns: drawn rotated on a canvas (as text boxes they were most of
 * a switch's layout), so what is checked is that a screen reader finds each column
 * header by the member's name and that each column's slot of the canvas has ink.
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

  test('each member column is named for screen readers and tooltips, and its name is drawn over it', async () => {
    const headers = page.locator('.hm-colhead');
    const count = await headers.count();
    expect(count).toBeGreaterThan(10);
    const titles = await headers.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).title));
    for (const title of titles.slice(0, 5)) expect(await page.getByRole('columnheader', { name: title, exact: true }).count()).toBe(1);
    // Ink in every column's slot of the names canvas, none past the last column drawn.
    const ink = await page.evaluate((columns) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.hm-head-names')!;
      const context = canvas.getContext('2d')!;
      const slot = canvas.width / (canvas.getBoundingClientRect().width / 32);
      const inked = (from: number): number => {
        const data = context.getImageData(Math.round(from), 0, Math.round(slot), canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 128) n += 1;
        return n;
      };
      return { columns: Array.from({ length: columns }, (_, i) => inked(i * slot)), after: inked(columns * slot) };
    }, count);
    expect(ink.columns.every((n) => n > 20)).toBe(true);
    expect(ink.after).toBe(0);
    // Back to wide columns: names as text again, the canvas gone with the narrow header.
    await page.evaluate(() => (window as unknown as { heatmapBench: { dimension(id: string): Promise<unknown> } }).heatmapBench.dimension('group'));
    expect(await page.locator('.hm-head-names').count()).toBe(0);
    expect(await page.locator('.hm-colhead span').count()).toBeGreaterThan(0);
  });
});
