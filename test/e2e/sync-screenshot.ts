/**
 * The screenshot of working together for the README (docs/screenshots/together.png): two
 * members (two browser profiles, so two identities) on the sample report through a real
 * sync server on loopback; Bo's window shows who is here in the status line, Ana's caret
 * labelled with her name in the text, and the Connect dialog with the address the others
 * use. Not a test: `node test/e2e/sync-screenshot.ts`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, launchBrowser, newPage, openEditor, startHost, tempDataDir } from './harness.ts';
import { nameChairAndMember } from './stance-helpers.ts';
import { startSyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';

const out = join(ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const dataDir = tempDataDir();
const serverDir = tempDataDir();
const host = await startHost({ dataDir });
const server = await startSyncServer({ dataDir: serverDir, host: '127.0.0.1', port: 0, log: silentLogger });
const browser = await launchBrowser();

async function openConnect(page: Page): Promise<void> {
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
}

try {
  const ana = (await newPage(browser, { width: 1400, height: 900 })).page;
  const bo = (await newPage(browser, { width: 1400, height: 900 })).page;
  await openEditor(ana, host.url);
  await openEditor(bo, host.url);
  await openConnect(ana);
  await ana.fill('#sync-server-url', server.url);
  await ana.keyboard.press('Enter');
  await ana.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''));
  await nameChairAndMember(ana, bo, { name: 'Ana Diaz', group: 'government' }, { name: 'Bo Lin', group: 'civil-society' });
  // Ana is typing in the second paragraph; Bo reads the first.
  await bo.locator('.ProseMirror > p').first().click();
  // (At the end of the paragraph's last line: End alone goes to the end of a visual line.)
  const paragraph = ana.locator('.ProseMirror > p').nth(1);
  const box = (await paragraph.boundingBox())!;
  await paragraph.click({ position: { x: box.width - 2, y: box.height - 6 } });
  await ana.keyboard.press('End');
  await ana.keyboard.type(' Capacity building comes first.');
  await bo.waitForFunction(() => document.querySelector('.presence-caret .presence-label')?.textContent === 'Ana Diaz');
  await bo.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Capacity building comes first.'));
  await bo.screenshot({ path: join(out, 'together.png') });
  console.log(`Wrote ${join(out, 'together.png')}`);
  await openConnect(bo);
  await bo.waitForFunction(() => /\/[\w-]+$/.test(document.querySelector('#sync-report-address')?.textContent ?? ''));
  await bo.screenshot({ path: join(out, 'connect.png') });
  console.log(`Wrote ${join(out, 'connect.png')}`);
} finally {
  await browser.close();
  await host.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(serverDir, { recursive: true, force: true });
}
