/**
 * Back on a network (Wi-Fi found again, the laptop woken), the report's link to its server
 * tries at once instead of at the end of a backoff grown to many seconds: the page hears
 * the browser's 'online' event and asks main to retry now.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';

const serverDir = tempDataDir();
let server: SyncServer;
let host: Host;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const status = (): Promise<string> => page.evaluate(() => document.querySelector('#sync-status')?.textContent ?? '');

beforeAll(async () => {
  server = await startSyncServer({ dataDir: serverDir, host: '127.0.0.1', port: 0, log: silentLogger });
  host = await startHost({ dataDir: tempDataDir() });
  browser = await launchBrowser();
  ({ page, context } = await newPage(browser));
  await openEditor(page, host.url);
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
  await page.fill('#sync-server-url', server.url);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''));
  await page.keyboard.press('Escape');
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await server?.close();
});

test('the link tries again as soon as the network is back, not at the end of its backoff', async () => {
  const port = server.port;
  await server.close();
  await expect.poll(status).toMatch(/^Offline/);
  // Long enough off the network for the link to wait many seconds between attempts.
  await page.waitForTimeout(16_000);
  server = await startSyncServer({ dataDir: serverDir, host: '127.0.0.1', port, log: silentLogger });
  await context.setOffline(true);
  await context.setOffline(false);
  await expect.poll(status, { timeout: 2_000, interval: 50 }).toMatch(/^In sync/);
});
