/**
 * Screenshots of the real renderer for the README (docs/screenshots/), taken in headless
 * Chromium at 1280×800 against a browser host on a fresh data folder with the sample
 * report. Not a test: `node test/e2e/screenshots.ts` after changing how the editor looks.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, newPage, openEditor, startHost, tempDataDir } from './harness.ts';

const out = join(ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const dataDir = tempDataDir();
const host = await startHost({ dataDir });
const browser = await launchBrowser();
try {
  const { page } = await newPage(browser);
  await openEditor(page, host.url);
  // A caret in the first body paragraph, as someone would be working.
  await page.locator('.ProseMirror > p').first().click();
  await page.keyboard.press('End');
  await page.screenshot({ path: join(out, 'editor.png') });
  console.log(`Wrote ${join(out, 'editor.png')}`);

  // Further down: sub-headings (A., B.), a list, the toolbar showing the caret's style.
  const section = page.locator('.ProseMirror > h1').nth(2);
  await section.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.mouse.wheel(0, -90);
  await page.locator('.ProseMirror > h2').nth(1).click();
  await page.keyboard.press('End');
  await page.screenshot({ path: join(out, 'editor-sections.png') });
  console.log(`Wrote ${join(out, 'editor-sections.png')}`);
} finally {
  await browser.close();
  await host.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
