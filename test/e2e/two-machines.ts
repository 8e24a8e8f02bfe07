/**
 * Two members on machines of their own (a browser host each, each page a browser profile
 * of its own) and the working group's members-only sync server between them, on
 * loopback: the set-up of the e2e tests of linking as oneself. Also the steps those tests
 * share: Connect to server…, a roster row, the status line in sync.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { membersOnly } from '../../main/services/sync/member-access.ts';

export interface TwoMachines {
  server: SyncServer;
  browser: Browser;
  /** The first machine's page (the chair, the secretariat), 1280 × 900. */
  first: Page;
  second: Page;
  /** Errors thrown in either page. */
  errors: string[];
  close(): Promise<void>;
}

export async function twoMachinesAndMembersOnlyServer(): Promise<TwoMachines> {
  const hosts: Host[] = await Promise.all([startHost({ dataDir: tempDataDir() }), startHost({ dataDir: tempDataDir() })]);
  const server = await startSyncServer({ dataDir: tempDataDir(), host: '127.0.0.1', port: 0, log: silentLogger, authorize: membersOnly({ log: silentLogger }) });
  const browser = await launchBrowser();
  const [first, second] = [(await newPage(browser, { width: 1280, height: 900 })).page, (await newPage(browser, { width: 1280, height: 900 })).page];
  const errors: string[] = [];
  for (const page of [first, second]) page.on('pageerror', (error) => errors.push(error.message));
  await openEditor(first, hosts[0]!.url);
  await openEditor(second, hosts[1]!.url);
  return {
    server, browser, first, second, errors,
    close: async () => {
      await browser.close();
      await Promise.all([...hosts.map((host) => host.stop()), server.close()]);
    },
  };
}

export async function openConnectDialog(page: Page): Promise<void> {
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
}

/** Connect to server… with `address` typed in, and Enter. */
export async function connectTo(page: Page, address: string): Promise<void> {
  await openConnectDialog(page);
  await page.fill('#sync-server-url', address);
  await page.keyboard.press('Enter');
}

export function rosterRow(page: Page, name: string) {
  return page.locator('#roster-dialog tbody tr', { has: page.locator('th', { hasText: name }) });
}

export async function waitInSync(page: Page): Promise<void> {
  await page.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''), null, { timeout: 20_000 });
}
