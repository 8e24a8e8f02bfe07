/**
 * A report whose history is larger than its server takes in one message, connected from
 * the editor: the status line says it is being sent in parts and counts them, a screen
 * reader hears it once, and it ends in sync with the server holding the whole report.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { closeAllReports, createReportFile } from '../../main/services/open-report.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, readMeta } from '../../shared/ydoc.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { fetchReport } from '../../main/services/sync/fetch-report.ts';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';

const LIMIT = 64 * 1024;
let server: SyncServer;
let host: Host;
let browser: Browser;
let page: Page;
let reportId = '';
let body = '';

beforeAll(async () => {
  const dataDir = tempDataDir();
  const report = createReportFile(join(dataDir, 'months of drafting.plenary'), REPORT_TEMPLATE, { title: 'Months of drafting' });
  for (let i = 0; i < 1200; i++) addParagraph(report.doc, `${i + 1}. The Working Group recognizes that Internet governance includes more than names and addresses. (${i})`);
  expect(Y.encodeStateAsUpdate(report.doc).length).toBeGreaterThan(2 * LIMIT);
  reportId = readMeta(report.doc).id;
  body = bodyOf(report.doc).toJSON();
  closeAllReports();
  server = await startSyncServer({ dataDir: tempDataDir(), host: '127.0.0.1', port: 0, log: silentLogger, maxMessageBytes: LIMIT });
  host = await startHost({ dataDir, report: join(dataDir, 'months of drafting.plenary') });
  browser = await launchBrowser();
  page = (await newPage(browser)).page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await server?.close();
});

test('Connect to server… sends it in parts, saying so, and ends in sync', async () => {
  await openEditor(page, host.url);
  // Every text the status line and its announcer show, as they change.
  await page.evaluate(() => {
    const seen: string[] = [];
    const heard: string[] = [];
    (window as unknown as { seen: string[]; heard: string[] }).seen = seen;
    (window as unknown as { seen: string[]; heard: string[] }).heard = heard;
    const line = document.querySelector('#sync-status') as HTMLElement;
    const announcer = document.querySelector('#sync-status-announcer') as HTMLElement;
    new MutationObserver(() => seen.push(line.textContent ?? '')).observe(line, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => heard.push(announcer.textContent ?? '')).observe(announcer, { childList: true, characterData: true, subtree: true });
  });
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
  await page.fill('#sync-server-url', server.url);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''), undefined, { timeout: 30_000 });

  // The dialog closed as soon as the parts began, and said why they take a while.
  expect(await page.textContent('#sync-notice')).toBe(`The report is larger than ${server.url} takes at once: it is being sent in parts, counted in the status line. Work on meanwhile.`);
  const { seen, heard } = await page.evaluate(() => {
    const { seen, heard } = window as unknown as { seen: string[]; heard: string[] };
    return { seen, heard };
  });
  const counted = seen.filter((text) => /^Sending the report to the server in parts · \d+ of \d+ sent… · its history is larger than the server takes at once$/.test(text));
  expect(counted.length).toBeGreaterThan(1);
  expect(seen.filter((text) => /not reached|Offline/.test(text))).toEqual([]);
  expect(heard).toContain('Sending the report to the server in parts… · its history is larger than the server takes at once');
  expect(heard.at(-1)).toMatch(/^In sync/);
  const onServer = await fetchReport({ url: server.url, reportId });
  expect(bodyOf(onServer).toJSON()).toBe(body);
  onServer.destroy();
});
