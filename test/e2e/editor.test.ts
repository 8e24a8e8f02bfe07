/**
 * The real renderer in headless Chromium against the browser host: what a delegate does
 * in the first minutes with Plenary, and that it is all still there after a reload and
 * after the host process restarts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ROOT, launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { caretAtEndOf, letEditorReadCaret, pasteInEditor } from './editor-input.ts';

const WORD_HTML = readFileSync(join(ROOT, 'test/e2e/fixtures/word-clipboard.html'), 'utf8');
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dataDir = tempDataDir();

/** Top-level blocks as the margin shows them: [tag, label, text]. */
async function outline(): Promise<[string, string | null, string][]> {
  return page.$$eval('.ProseMirror > *', (nodes) => nodes.map((n) => [n.tagName.toLowerCase(), n.getAttribute('data-num'), (n.textContent ?? '').trim()] as [string, string | null, string]));
}

async function labelOf(text: string): Promise<string | null> {
  const blocks = await outline();
  return blocks.find(([, , t]) => t.includes(text))?.[1] ?? null;
}

/** Puts the caret at the end of the top-level block whose text contains `text`, as a user would. */
function caretAtEndOfText(text: string): Promise<void> {
  return caretAtEndOf(page, page.locator('.ProseMirror > :is(p, h1, h2, h3, h4)', { hasText: text }).first());
}

function paste(html: string, plain: string): Promise<void> {
  return pasteInEditor(page, { 'text/html': html, 'text/plain': plain });
}

beforeAll(async () => {
  host = await startHost({ dataDir });
  browser = await launchBrowser();
  ({ context, page } = await newPage(browser));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openEditor(page, host.url);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  expect(await host?.stop()).toBe(0);
});

describe('the report editor in a browser', () => {
  test('opens the sample report with its title and UN numbers in the margin', async () => {
    await expect.poll(() => page.inputValue('#report-title')).not.toBe('');
    const blocks = await outline();
    const headings = blocks.filter(([tag]) => tag === 'h1');
    expect(headings.length).toBeGreaterThanOrEqual(5);
    expect(headings.slice(0, 5).map(([, label]) => label)).toEqual(['I.', 'II.', 'III.', 'IV.', 'V.']);
    expect(headings[0]![2]).toMatch(/Introduction/);
    const paragraphs = blocks.filter(([tag]) => tag === 'p');
    expect(paragraphs[0]?.[1]).toBe('1.');
    // Continuous through the report, across headings.
    expect(paragraphs.map(([, label]) => label)).toEqual(paragraphs.map((_, i) => `${i + 1}.`));
  });

  test('typing, a heading by input rule and by toolbar, and a list survive a reload', async () => {
    const first = (await outline()).find(([tag]) => tag === 'p')![2];
    await caretAtEndOfText(first);
    await page.keyboard.type(' Typed by a delegate from Ghana.');
    await page.keyboard.press('Enter');
    await page.keyboard.type('# Capacity building');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Measures for developing countries');
    await page.click('#toolbar button[data-command="heading-2"]');
    await expect.poll(() => page.getAttribute('#toolbar button[data-command="heading-2"]', 'aria-pressed')).toBe('true');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('- Affordable access');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Local content');

    const before = await outline();
    expect(before.some(([tag, , text]) => tag === 'h1' && text === 'Capacity building')).toBe(true);
    expect(before.some(([tag, , text]) => tag === 'h2' && text === 'Measures for developing countries')).toBe(true);
    expect(await page.$$eval('.ProseMirror ul > li', (items) => items.map((li) => li.textContent))).toEqual(
      expect.arrayContaining(['Affordable access', 'Local content']),
    );

    await page.reload();
    await page.waitForSelector('body[data-ready="true"] .ProseMirror');
    const after = await outline();
    expect(after).toEqual(before);
    expect(await labelOf('Typed by a delegate from Ghana.')).toBe('1.');
    expect(await labelOf('Capacity building')).toBe('II.');
    expect(await labelOf('Measures for developing countries')).toBe('A.');
  });

  test('numbers follow a paragraph inserted above', async () => {
    const paragraphs = (await outline()).filter(([tag]) => tag === 'p');
    const second = paragraphs[1]!;
    expect(second[1]).toBe('2.');
    // Start of the first paragraph, Enter: a new empty paragraph 1. above it.
    await page.locator('.ProseMirror > p').first().click();
    await page.keyboard.press('Home');
    await letEditorReadCaret(page);
    await page.keyboard.press('Enter');
    await expect.poll(() => labelOf('Typed by a delegate from Ghana.')).toBe('2.');
    await expect.poll(() => labelOf(second[2])).toBe('3.');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type('A new opening paragraph.');
    expect(await labelOf('A new opening paragraph.')).toBe('1.');
  });

  test('paste from Word keeps structure and drops what a report may not carry; undo takes it back', async () => {
    // A fresh page: its undo history holds only what happens next.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"] .ProseMirror');
    const before = await outline();
    // At the end of the report's last body paragraph.
    const lastParagraph = (await outline()).filter(([tag]) => tag === 'p').at(-1)!;
    await caretAtEndOfText(lastParagraph[2]);
    await paste(WORD_HTML, 'Access and capacity building');

    const heading = page.locator('.ProseMirror h2', { hasText: 'Access and capacity building' });
    await expect.poll(() => heading.count()).toBe(1);
    expect(await page.locator('.ProseMirror strong', { hasText: 'persistent barriers' }).count()).toBe(1);
    expect(await page.locator('.ProseMirror em', { hasText: 'Internet governance' }).count()).toBe(1);
    expect(await page.$$eval('.ProseMirror ul', (lists) => lists.map((ul) => [...ul.children].map((li) => li.textContent?.trim()))))
      .toContainEqual(['Affordable international interconnection costs', 'Multilingualism of domain names']);
    // The javascript: link is dropped, its words stay; the web link stays.
    expect(await page.locator('.ProseMirror a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator('.ProseMirror', { hasText: 'See the background note and the WGIG report.' }).count()).toBe(1);
    const pastedLinks = page.locator('.ProseMirror > p', { hasText: 'See the background note' }).locator('a');
    expect(await pastedLinks.evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([
      ['the WGIG report', 'https://www.wgig.org/docs/WGIGREPORT.pdf'],
    ]);
    // No image, no Office markup, no styles, no bullet characters typed by Word.
    const html = await page.innerHTML('.ProseMirror');
    expect(html).not.toMatch(/<img|mso-|Mso|o:p|<style|style=|clip_image|·/);
    // The pasted heading is numbered like any other.
    expect(await heading.getAttribute('data-num')).toMatch(/^[A-Z]\.$/);

    await page.keyboard.press(`${MOD}+z`);
    await expect.poll(() => heading.count()).toBe(0);
    expect(await outline()).toEqual(before);
  });

  test('undo restores typed-over text', async () => {
    const target = (await outline()).filter(([tag]) => tag === 'p')[2]!;
    const index = (await outline()).findIndex(([, , text]) => text === target[2]);
    const block = page.locator('.ProseMirror > *').nth(index);
    await block.click({ clickCount: 3 });
    await page.keyboard.type('Replaced.');
    await expect.poll(() => block.innerText()).toBe('Replaced.');
    await page.keyboard.press(`${MOD}+z`);
    await expect.poll(() => labelOf(target[2])).toBe(target[1]);
  });

  test('every block in the DOM has an id, and no id appears twice', async () => {
    const ids = await page.$$eval('.ProseMirror :is(p, h1, h2, h3, h4, li, blockquote)', (nodes) => nodes.map((n) => n.getAttribute('data-block-id')));
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.every((id) => typeof id === 'string' && /^[A-Za-z0-9_-]{4,64}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('edits survive a restart of the host process', async () => {
    await caretAtEndOfText('A new opening paragraph.');
    await page.keyboard.type(' Written just before the restart.');
    const before = await outline();
    // A second page sees the words only once the host has them (and so has saved them).
    const second = await context.newPage();
    await openEditor(second, host.url);
    await expect.poll(() => second.locator('.ProseMirror', { hasText: 'Written just before the restart.' }).count()).toBe(1);
    await second.close();
    expect(await host.stop()).toBe(0);
    // The page says it is offline, and keeps what is typed meanwhile.
    await expect.poll(() => page.textContent('#status')).toMatch(/^Plenary host not reachable/);
    await caretAtEndOfText('Written just before the restart.');
    await page.keyboard.type(' Typed while the host was down.');
    const offline = await outline();
    // Leaving the page now would lose it: the browser asks first (here: stay).
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      });
      setTimeout(() => resolve('no question asked'), 5_000);
    });
    void page.evaluate(() => location.reload()).catch(() => {});
    expect(await asked).toBe('beforeunload');
    expect(await outline()).toEqual(offline);
    host = await startHost({ dataDir, port: host.port });
    // The open page reconnects by itself and hands over what it kept.
    await expect.poll(() => page.textContent('#status'), { timeout: 20_000 }).toBe('Saved as you type');
    const third = await context.newPage();
    await openEditor(third, host.url);
    await expect.poll(() => third.locator('.ProseMirror', { hasText: 'Typed while the host was down.' }).count()).toBe(1);
    await third.close();
    // Saved now: the page reloads without asking (an unanswered question would stop the reload).
    await page.reload();
    await page.waitForSelector('body[data-ready="true"] .ProseMirror');
    expect(await outline()).toEqual(offline);
    expect(offline).not.toEqual(before);
    await caretAtEndOfText('Typed while the host was down.');
    await page.keyboard.type(' And after it.');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"] .ProseMirror');
    expect(await labelOf('Written just before the restart. Typed while the host was down. And after it.')).toBe('1.');
  });
});
