/**
 * The heatmap screenshot for the README (docs/screenshots/heatmap.png): the sample
 * report with sixteen members and their stances (fixtures/heatmap-report.ts), opened in
 * the real renderer through the browser host at 1400×900, one chapter expanded, a cell
 * under focus. Not a test: `node test/e2e/heatmap-screenshot.ts`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, newPage, openEditor, startHost, tempDataDir } from './harness.ts';
import { writeHeatmapReport } from './fixtures/heatmap-report.ts';
import { cellPoint } from './heatmap-helpers.ts';

const out = join(ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const dataDir = tempDataDir();
const report = join(dataDir, 'WGIG draft.plenary');
writeHeatmapReport(report);
const host = await startHost({ dataDir, report });
const browser = await launchBrowser();
try {
  const { page } = await newPage(browser, { width: 1400, height: 900 });
  await openEditor(page, host.url);
  await page.click('#open-heatmap');
  await page.waitForSelector('#heatmap:not([hidden]) .hm-row.hm-section');
  // Signatures are checked in the background; wait until the figures settle.
  let last = '';
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(250);
    const now = await page.textContent('.hm-summary');
    if (now === last && i > 4) break;
    last = now ?? '';
  }
  await page.locator('.hm-row.hm-section .hm-rowhead').nth(4).click();
  await page.locator('.hm-balance summary').click();
  // The cells are drawn on a canvas: hover one where it is drawn (a paragraph's, second column).
  const paragraph = await page.locator('.hm-body .hm-row.hm-paragraph').nth(1).getAttribute('data-id');
  const point = await cellPoint(page, 'paragraph', paragraph!, 2);
  await page.mouse.move(point.x, point.y);
  await page.screenshot({ path: join(out, 'heatmap.png') });
  console.log(`Wrote ${join(out, 'heatmap.png')}`);
} finally {
  await browser.close();
  await host.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
