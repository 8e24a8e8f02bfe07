/**
 * Reading the heatmap as a user sees it: its cells are drawn on a canvas, so a cell is
 * found by where it is (its row's line and its column header's place), hovered or clicked
 * there, and its colour read from the canvas's pixels.
 */
import type { Page } from 'playwright-core';

export interface Point { x: number; y: number }

/** The page coordinates of a cell's centre (column is 1-based, as aria-colindex − 1), scrolled into view first. */
export async function cellPoint(page: Page, kind: 'section' | 'paragraph', id: string, column: number): Promise<Point> {
  const row = page.locator(`.hm-body .hm-row[data-kind="${kind}"][data-id="${id}"]`);
  await row.locator('.hm-rowhead').scrollIntoViewIfNeeded();
  const rowBox = (await row.boundingBox())!;
  const head = (await page.locator(`.hm-colhead[aria-colindex="${column + 1}"]`).boundingBox())!;
  return { x: head.x + head.width / 2, y: rowBox.y + rowBox.height / 2 };
}

/** Hovers a cell and returns the accessible name of the cell element that appears there. */
export async function hoveredCellLabel(page: Page, kind: 'section' | 'paragraph', id: string, column: number): Promise<string> {
  const point = await cellPoint(page, kind, id, column);
  await page.mouse.move(point.x, point.y);
  const cell = page.locator(`.hm-row[data-kind="${kind}"][data-id="${id}"] [role="gridcell"][aria-colindex="${column + 1}"]`);
  return (await cell.getAttribute('aria-label', { timeout: 5_000 })) ?? '';
}

/** The cells' colour (r, g, b) at a point of the page, read from the canvas drawn there. */
export async function canvasPixel(page: Page, point: Point): Promise<[number, number, number]> {
  return page.evaluate(({ x, y }) => {
    const canvas = document.elementsFromPoint(x, y).find((e): e is HTMLCanvasElement => e instanceof HTMLCanvasElement && e.matches('.hm-canvas'));
    if (!canvas) throw new Error(`No cells' canvas at ${x}, ${y}`);
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const data = canvas.getContext('2d')!.getImageData(Math.floor((x - box.left) * scale), Math.floor((y - box.top) * scale), 1, 1).data;
    return [data[0]!, data[1]!, data[2]!] as [number, number, number];
  }, point);
}

/** "#rrggbb" or "rgb(r, g, b)" as numbers. */
export function rgb(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16)];
  const parts = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour);
  if (!parts) throw new Error(`Not a colour: ${colour}`);
  return [Number(parts[1]), Number(parts[2]), Number(parts[3])];
}

/** Whether two colours are the same within a few levels (anti-aliasing, rounding). */
export function near(a: readonly number[], b: readonly number[], tolerance = 6): boolean {
  return a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= tolerance);
}
