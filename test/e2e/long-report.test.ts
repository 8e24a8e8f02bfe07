/**
 * A long report (2,000 paragraphs) in the real renderer: only the blocks near the
 * viewport are rendered (renderer/editor/block-window.ts), yet to the delegate it reads
 * and edits as one continuous document — the page has its full height, every paragraph
 * scrolled to shows its text and its UN number, Ctrl+End reaches the real end, and what
 * is typed far from where the report opened is saved.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateReport } from '../bench/report-generator.ts';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';

const PARAGRAPHS = 2000;
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

let host: Host;
let browser: Browser;
let page: Page;

interface Screen { blocks: number; rendered: number; pageHeight: number; onScreen: Array<[string | null, string]> }

/** What the delegate sees: the top-level blocks on screen with their margin numbers. */
async function screen(): Promise<Screen> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return page.evaluate(() => {
    const blocks = Array.from(document.querySelector('.ProseMirror')!.children) as HTMLElement[];
    const rendered = blocks.filter((block) => !block.classList.contains('block-placeholder'));
    const onScreen = rendered.filter((block) => {
      const box = block.getBoundingClientRect();
      return box.bottom > 60 && box.top < innerHeight - 60;
    });
    return {
      blocks: blocks.length,
      rendered: rendered.length,
      pageHeight: document.documentElement.scrollHeight,
      onScreen: onScreen.map((block) => [block.getAttribute('data-num'), (block.textContent ?? '').trim()] as [string | null, string]),
    };
  });
}

/** Paragraph numbers on screen, in order. */
function paragraphNumbers(view: Screen): number[] {
  return view.onScreen.map(([label]) => label).filter((label): label is string => /^\d+\.$/.test(label ?? '')).map((label) => Number(label.slice(0, -1)));
}

beforeAll(async () => {
  const dataDir = tempDataDir();
  const report = join(dataDir, 'long.plenary');
  generateReport(report, PARAGRAPHS);
  host = await startHost({ dataDir, report });
  browser = await launchBrowser();
  ({ page } = await newPage(browser));
  await openEditor(page, host.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('a 2,000-paragraph report', () => {
  test('renders a window of blocks, yet the page is as tall as the whole report', async () => {
    const view = await screen();
    expect(view.blocks).toBeGreaterThan(PARAGRAPHS);
    expect(view.rendered).toBeLessThan(150);
    // ~2,130 blocks of several lines each: far taller than the rendered ones alone.
    expect(view.pageHeight).toBeGreaterThan(PARAGRAPHS * 60);
    expect(paragraphNumbers(view)[0]).toBe(1);
  });

  test('scrolling to any depth shows that part of the text, numbered in sequence', async () => {
    for (const fraction of [0.5, 0.25, 0.9]) {
      await page.evaluate((f) => window.scrollTo(0, document.documentElement.scrollHeight * f), fraction);
      const view = await screen();
      const numbers = paragraphNumbers(view);
      expect(numbers.length).toBeGreaterThan(0);
      // Roughly the same fraction of the report, and consecutive numbers.
      expect(numbers[0]! / PARAGRAPHS).toBeGreaterThan(fraction - 0.1);
      expect(numbers[0]! / PARAGRAPHS).toBeLessThan(fraction + 0.1);
      numbers.forEach((n, i) => expect(n).toBe(numbers[0]! + i));
      for (const [, text] of view.onScreen) expect(text.length).toBeGreaterThan(0);
      expect(view.rendered).toBeLessThan(150);
    }
  });

  test('Ctrl+End reaches the real end; what is typed there is saved', async () => {
    await page.locator('.ProseMirror').focus();
    await page.keyboard.press(`${MOD}+End`);
    await page.keyboard.type(' Closing words of the report.');
    const atEnd = await screen();
    const last = atEnd.onScreen.at(-1)!;
    expect(last[0]).toBe(`${PARAGRAPHS}.`);
    expect(last[1].endsWith('Closing words of the report.')).toBe(true);

    await page.keyboard.press(`${MOD}+Home`);
    const atStart = await screen();
    expect(paragraphNumbers(atStart)[0]).toBe(1);

    await page.waitForTimeout(300); // the renderer forwards the update to the host at once; let it land
    await page.reload();
    await page.waitForSelector('body[data-ready="true"] .ProseMirror');
    await page.locator('.ProseMirror').focus();
    await page.keyboard.press(`${MOD}+End`);
    const reopened = await screen();
    expect(reopened.onScreen.at(-1)![1].endsWith('Closing words of the report.')).toBe(true);
  });

  test('undo brings back what was typed in the middle even after scrolling away', async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    const middle = await screen();
    const target = middle.onScreen.find(([label]) => /^\d+\.$/.test(label ?? ''))!;
    const block = page.locator('.ProseMirror > p', { hasText: target[1].slice(0, 40) }).first();
    await block.click({ position: { x: 30, y: 10 } });
    await page.keyboard.press('Home');
    await page.keyboard.type('Inserted by the chair. ');
    expect((await block.textContent())!.startsWith('Inserted by the chair. ')).toBe(true);
    await page.keyboard.press(`${MOD}+End`);
    await page.keyboard.press(`${MOD}+z`);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    await screen();
    await block.scrollIntoViewIfNeeded();
    expect((await block.textContent())!.startsWith(target[1].slice(0, 40))).toBe(true);
  });

  test('a new paragraph renumbers the ones after it, near and far', async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight * 0.9));
    const far = (await screen()).onScreen.find(([label]) => /^\d+\.$/.test(label ?? ''))!;
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight * 0.4));
    const near = (await screen()).onScreen.find(([label]) => /^\d+\.$/.test(label ?? ''))!;
    const nearBlock = page.locator('.ProseMirror > p', { hasText: near[1].slice(0, 40) }).first();
    // Past the end of its last line: the caret lands at the paragraph's end. The window
    // may re-render blocks between measuring and clicking (a busy machine), so the click
    // is repeated until the caret is really there.
    const caretInNear = (): Promise<boolean> => nearBlock.evaluate((block) => {
      const { focusNode, focusOffset } = getSelection()!;
      return block.contains(focusNode) && focusNode!.nodeType === Node.TEXT_NODE && focusOffset === focusNode!.textContent!.length && block.lastChild === focusNode;
    });
    for (let attempt = 0; attempt < 5 && !(await caretInNear()); attempt++) {
      const box = (await nearBlock.boundingBox())!;
      await nearBlock.click({ position: { x: box.width - 4, y: box.height - 6 } });
      await screen();
    }
    await page.keyboard.press('Enter');
    await page.keyboard.type('A new paragraph from the chair.');
    const after = await screen();
    const added = after.onScreen.findIndex(([, text]) => text === 'A new paragraph from the chair.');
    expect(after.onScreen[added]![0]).toBe(`${Number(near[0]!.slice(0, -1)) + 1}.`);
    const numbers = paragraphNumbers(after);
    numbers.forEach((n, i) => expect(n).toBe(numbers[0]! + i));

    // Far below, the paragraph seen before now carries the next number.
    const farBlock = page.locator('.ProseMirror > p', { hasText: far[1].slice(0, 40) }).first();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight * 0.9));
    await screen();
    await farBlock.scrollIntoViewIfNeeded();
    await screen();
    expect(await farBlock.getAttribute('data-num')).toBe(`${Number(far[0]!.slice(0, -1)) + 1}.`);
  });
});
