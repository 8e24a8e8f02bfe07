/**
 * The merge as the secretariat sees it (merge-bench.ts calls this): the report open in the
 * real editor (the browser host, headless Chromium), File → Import changes… with the 40
 * members' files at once; measured from the click to the notice that they were imported,
 * and the page's longest task meanwhile (the editor applying the merged update: y-prosemirror
 * rebuilding the changed paragraphs, the consensus engine, layout), once per fresh copy.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir } from '../e2e/harness.ts';

export interface EditorMergeSample { clickToNotice: number; longestTask: number }

export async function mergeInEditor(reportPath: string, bundlePaths: string[], runs = 3): Promise<EditorMergeSample[]> {
  const samples: EditorMergeSample[] = [];
  const browser = await launchBrowser();
  try {
    for (let run = 0; run < runs; run++) {
      const dataDir = tempDataDir();
      const reports = join(dataDir, 'Reports');
      mkdirSync(reports, { recursive: true });
      const copy = join(reports, 'report.plenary');
      copyFileSync(reportPath, copy);
      const host = await startHost({ dataDir, report: copy });
      const { page, context } = await newPage(browser, { width: 1280, height: 800 });
      try {
        await openEditor(page, host.url);
        await page.evaluate(() => {
          const seen: number[] = [];
          (window as unknown as { longTasks: number[] }).longTasks = seen;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) seen.push(entry.duration);
          }).observe({ type: 'longtask' });
        });
        await page.click('#sync-menu-button');
        await page.getByRole('menuitem', { name: 'Import changes…' }).click();
        await page.fill('#sync-import-path', bundlePaths.join(', '));
        const start = await page.evaluate(() => performance.now());
        await page.getByRole('button', { name: 'Import', exact: true }).click();
        await page.waitForFunction(() => /imported/.test(document.querySelector('#sync-notice')?.textContent ?? ''), undefined, { timeout: 120_000 });
        const end = await page.evaluate(() => performance.now());
        // Long tasks are reported after they end; the stance checks go on in the background.
        await page.waitForTimeout(2_000);
        const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
        samples.push({ clickToNotice: end - start, longestTask: Math.max(0, ...tasks) });
      } finally {
        await context.close();
        await host.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  return samples;
}
