/**
 * The chair's heatmap in the real renderer through the browser host, with two members in
 * two browser profiles: open it, switch the columns, filter to blocking rows, click a
 * cell and land on the paragraph with its panel, see a stance set in the other profile
 * change the cell, and export an SVG that names every section. The cells are drawn on a
 * canvas: they are found where they are drawn (heatmap-helpers.ts), hovered and clicked
 * there, and their colours read from its pixels.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Host } from './harness.ts';
import { chooseStance, openAsChairAndMember, openPanelByKeyboard, paragraphId } from './stance-helpers.ts';
import { canvasPixel, cellPoint, hoveredCellLabel, near, rgb } from './heatmap-helpers.ts';
import { OBJECTION_MARK, fillFor } from '../../shared/heatmap/scale.ts';

let host: Host;
let browser: Browser;
let chairContext: BrowserContext;
let memberContext: BrowserContext;
let chair: Page;
let member: Page;
const errors: string[] = [];
let first: string;
let headings: string[];

/** A cell's accessible name, read from the cell element that appears where the mouse hovers it. */
const cellLabel = hoveredCellLabel;

async function columnHeaders(page: Page): Promise<string[]> {
  return page.locator('.hm-colhead').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).title));
}

async function sectionRows(page: Page): Promise<string[]> {
  return page.locator('.hm-row.hm-section .hm-title').allTextContents();
}

beforeAll(async () => {
  ({ host, browser, chairContext, memberContext, chair, member } = await openAsChairAndMember(errors, { width: 1400, height: 900 }));
  first = await paragraphId(chair, 0);
  headings = (await chair.locator('.ProseMirror > h1, .ProseMirror > h2, .ProseMirror > h3, .ProseMirror > h4').allTextContents()).map((t) => t.trim());
  // The chair endorses the first paragraph; the other member objects to it.
  await openPanelByKeyboard(chair, first);
  await chooseStance(chair, 'Endorse');
  await chair.keyboard.press('Escape');
}, 180_000);

afterAll(async () => {
  await chairContext?.close();
  await memberContext?.close();
  await browser?.close();
  expect(await host?.stop()).toBe(0);
});

describe('the consensus heatmap', () => {
  test('opens by keyboard with every section in order, as a grid with named counts', async () => {
    await chair.keyboard.press('Control+Shift+H');
    await chair.waitForSelector('#heatmap:not([hidden]) .hm-row.hm-section');
    expect(await chair.isHidden('#report')).toBe(true);
    expect(await chair.getAttribute('#open-heatmap', 'aria-pressed')).toBe('true');
    expect(headings.length).toBeGreaterThan(3);
    expect(await sectionRows(chair)).toEqual(headings.map((h) => h.replace(/\s+/g, ' ')));
    expect(await columnHeaders(chair)).toEqual(['Governments', 'Private sector', 'Civil society', 'International organizations']);
    expect(await chair.getAttribute('[role="grid"]', 'aria-rowcount')).toBe(String(headings.length + 1));
    // Focus is in the grid; arrows move between cells, which name their counts.
    await chair.keyboard.press('ArrowRight');
    const focused = await chair.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    expect(focused).toMatch(/Governments: .*of 1 member/);
    expect(await chair.isVisible('#heatmap-tooltip')).toBe(true);
    expect(await chair.textContent('.hm-figure-label >> nth=0')).toBe('report readiness');
  });

  test('expands a section to its paragraphs with UN numbers and shows the stance', async () => {
    const section = await chair.locator('.hm-row.hm-section', { hasText: await firstSectionWith(chair, first) }).first().getAttribute('data-id');
    await chair.click(`.hm-row[data-kind="section"][data-id="${section}"] .hm-rowhead`);
    await chair.waitForSelector(`.hm-row[data-kind="paragraph"][data-id="${first}"]`);
    expect(await chair.textContent(`.hm-row[data-kind="paragraph"][data-id="${first}"] .hm-number`)).toBe('1.');
    expect(await cellLabel(chair, 'paragraph', first, 1)).toMatch(/100% endorse; 1 endorse, 0 accept, 0 reserve, 0 object, 0 stale, 0 no stance of 1 member/);
  });

  test('a stance set in another profile changes the cell live', async () => {
    expect(await cellLabel(chair, 'paragraph', first, 2)).toMatch(/0 object, 0 stale, 1 no stance/);
    // The cells as drawn: the chair's column full (endorsed), the other member's empty, no triangle.
    // Points on the fill (left of the share's figures, below the ring, above the accept bar) and in the top right corner.
    const fillOf = (p: { x: number; y: number }) => ({ x: p.x - 24, y: p.y + 2 });
    const mine = fillOf(await cellPoint(chair, 'paragraph', first, 1));
    const theirs = fillOf(await cellPoint(chair, 'paragraph', first, 2));
    const corner = { x: theirs.x + 24 + 33, y: theirs.y - 2 - 10 };
    expect(near(await canvasPixel(chair, mine), rgb(fillFor(1)))).toBe(true);
    expect(near(await canvasPixel(chair, theirs), rgb(fillFor(0)))).toBe(true);
    expect(near(await canvasPixel(chair, corner), rgb(fillFor(0)))).toBe(true);
    await openPanelByKeyboard(member, first);
    await chooseStance(member, 'Objection', 'The costs fall on developing countries.');
    await expect.poll(() => cellLabel(chair, 'paragraph', first, 2), { timeout: 15_000 }).toMatch(/1 object, 0 stale, 0 no stance of 1 member.*standing objection/);
    expect(await chair.getAttribute(`.hm-row[data-kind="paragraph"][data-id="${first}"] [aria-colindex="3"]`, 'class')).toMatch(/hm-objection/);
    // Repainted on the canvas: the objection's triangle in that cell's corner, and only there.
    await expect.poll(async () => near(await canvasPixel(chair, corner), rgb(OBJECTION_MARK), 40)).toBe(true);
    expect(near(await canvasPixel(chair, theirs), rgb(fillFor(0)))).toBe(true);
    expect(near(await canvasPixel(chair, mine), rgb(fillFor(1)))).toBe(true);
    expect(near(await canvasPixel(chair, { x: mine.x + 24 + 33, y: mine.y - 2 - 10 }), rgb(fillFor(1)))).toBe(true);
    await expect.poll(() => chair.textContent('.hm-figure.hm-alert .hm-figure-value')).toBe('1');
  });

  test('the hovered cell shows its counts in a tooltip; the keyboard moves one focused cell, named for screen readers', async () => {
    await chair.mouse.move((await cellPoint(chair, 'paragraph', first, 2)).x, (await cellPoint(chair, 'paragraph', first, 2)).y);
    await expect.poll(() => chair.textContent('#heatmap-tooltip')).toMatch(/Bruno Costa|Private sector/);
    expect(await chair.textContent('#heatmap-tooltip')).toMatch(/1 object, 0 stale, 0 no stance of 1 member/);
    await chair.mouse.move(5, 5);
    // Focus on the paragraph's row header, then right: its first cell, the grid's only tab stop.
    await chair.focus(`.hm-row[data-kind="paragraph"][data-id="${first}"] .hm-rowhead`);
    await chair.keyboard.press('ArrowRight');
    await chair.keyboard.press('ArrowRight');
    const focused = await chair.evaluate(() => {
      const cell = document.activeElement as HTMLElement;
      const row = cell.closest('[role="row"]') as HTMLElement;
      return { role: cell.getAttribute('role'), col: cell.getAttribute('aria-colindex'), label: cell.getAttribute('aria-label'), row: row.dataset.id, described: cell.getAttribute('aria-describedby'),
        stops: document.querySelectorAll('.hm-grid [tabindex="0"]').length };
    });
    expect(focused).toMatchObject({ role: 'gridcell', col: '3', row: first, described: 'heatmap-tooltip', stops: 1 });
    expect(focused.label).toMatch(/^Paragraph 1\., .*: 0% endorse; 0 endorse, 0 accept, 0 reserve, 1 object/);
    expect(await chair.isVisible('#heatmap-tooltip')).toBe(true);
    // Up: the same column one row higher, still one tab stop.
    const place = () => chair.evaluate(() => {
      const cell = document.activeElement as HTMLElement;
      return { col: cell.getAttribute('aria-colindex'), row: Number(cell.closest('[role="row"]')?.getAttribute('aria-rowindex')), stops: document.querySelectorAll('.hm-grid [tabindex="0"]').length };
    });
    const before = await place();
    await chair.keyboard.press('ArrowUp');
    expect(await place()).toEqual({ col: '3', row: before.row - 1, stops: 1 });
    expect(await chair.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/, Private sector: \d+% endorse;/);
  });

  test('switches the columns to members and to regions', async () => {
    await chair.selectOption('#hm-dimension', 'member');
    await expect.poll(() => columnHeaders(chair)).toEqual(['Amina Diallo', 'Bruno Costa']);
    expect(await cellLabel(chair, 'paragraph', first, 2)).toMatch(/Bruno Costa: 0% endorse; .*1 object/);
    await chair.selectOption('#hm-dimension', 'region');
    await expect.poll(() => columnHeaders(chair)).toEqual(['African States', 'Asia-Pacific States', 'Eastern European States', 'Latin American and Caribbean States', 'Western European and other States']);
    await chair.selectOption('#hm-dimension', 'group');
  });

  test('the chair sets roster targets by keyboard: Tab goes on to the next field, and a line short of its target is marked', async () => {
    await chair.locator('.hm-balance summary').click();
    await chair.focus('#balance-group-government');
    await chair.keyboard.type('3');
    await chair.keyboard.press('Tab');
    expect(await chair.evaluate(() => document.activeElement?.id)).toBe('balance-group-private-sector');
    await chair.keyboard.type('1');
    await chair.keyboard.press('Tab');
    await expect.poll(() => chair.locator('.hm-balance tr.hm-short').allTextContents()).toEqual(['Governments12 short']);
    expect(await chair.inputValue('#balance-group-government')).toBe('3');
    expect(await chair.inputValue('#balance-group-private-sector')).toBe('1');
    expect(await chair.textContent('.hm-balance summary')).toBe('Roster balance: 1 short of target');
    await chair.locator('.hm-balance summary').click();
  });

  test('filters to the rows that block consensus', async () => {
    await chair.check('#hm-blocking');
    await expect.poll(() => chair.locator('.hm-row.hm-section').count()).toBe(1);
    const rows = await chair.locator('.hm-body .hm-row').evaluateAll((nodes) => nodes.map((n) => `${(n as HTMLElement).dataset.kind}:${(n as HTMLElement).dataset.id}`));
    expect(rows).toContain(`paragraph:${first}`);
    expect(rows.filter((r) => r.startsWith('paragraph:'))).toEqual([`paragraph:${first}`]);
  });

  test('exports an SVG that names every section', async () => {
    await chair.uncheck('#hm-blocking');
    const [download] = await Promise.all([chair.waitForEvent('download'), chair.click('#hm-export-svg')]);
    expect(download.suggestedFilename()).toMatch(/heatmap\.svg$/);
    const svg = readFileSync((await download.path())!, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const heading of headings) expect(svg).toContain(escapeXml(heading.replace(/\s+/g, ' ')));
    const [png] = await Promise.all([chair.waitForEvent('download'), chair.click('#hm-export-png')]);
    const bytes = readFileSync((await png.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    const [csv] = await Promise.all([chair.waitForEvent('download'), chair.click('#hm-export-csv')]);
    expect(readFileSync((await csv.path())!, 'utf8')).toMatch(/^\ufeffrow,number,title,column/);
  });

  test('clicking a cell opens the report at that paragraph with its panel', async () => {
    // Where the cell is drawn (the canvas takes the click and finds the cell under it).
    const point = await cellPoint(chair, 'paragraph', first, 2);
    await chair.mouse.click(point.x, point.y);
    await chair.waitForSelector('#heatmap', { state: 'hidden' });
    await chair.waitForSelector('#stance-panel:not([hidden])');
    const caretBlock = await chair.evaluate(() => {
      const node = window.getSelection()?.anchorNode;
      const element = node instanceof Element ? node : node?.parentElement;
      return element?.closest('[data-block-id]')?.getAttribute('data-block-id');
    });
    expect(caretBlock).toBe(first);
    expect(await chair.textContent('#stance-panel')).toMatch(/Bruno Costa/);
    expect(errors).toEqual([]);
  });
});

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The title of the section row holding a block: its nearest heading above. */
async function firstSectionWith(page: Page, blockId: string): Promise<string> {
  return page.evaluate((id) => {
    let node = document.querySelector(`.ProseMirror > [data-block-id="${id}"]`)?.previousElementSibling;
    while (node && !/^H[1-4]$/.test(node.tagName)) node = node.previousElementSibling;
    return node?.textContent?.trim() ?? '';
  }, blockId);
}
