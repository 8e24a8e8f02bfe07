/**
 * A report whose history outgrows any one network message: nothing is ever collected
 * (every deleted character is kept for versions and merges), so a report drafted for
 * months carries far more than it shows. Its window still opens it: main's whole state
 * reaches the page in one message, which the page does not cap as it caps a peer's.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { closeAllReports, createReportFile } from '../../main/services/open-report.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { MAX_MESSAGE_BYTES } from '../../shared/sync-messages.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';

let host: Host;
let browser: Browser;
let page: Page;
let stateBytes = 0;

beforeAll(async () => {
  const dataDir = tempDataDir();
  const report = createReportFile(join(dataDir, 'long history.plenary'), REPORT_TEMPLATE, { title: 'Nine months of drafting' });
  // Months of drafts, rewritten and deleted again: more than a peer's largest message.
  const draft = 'An earlier wording of the paragraph, since rewritten. '.repeat(Math.ceil((MAX_MESSAGE_BYTES + 2 * 1024 * 1024) / 54));
  addParagraph(report.doc, draft);
  const body = bodyOf(report.doc);
  report.doc.transact(() => body.delete(body.length - 1, 1));
  addParagraph(report.doc, 'The text as agreed in Tunis.');
  stateBytes = Y.encodeStateAsUpdate(report.doc).length;
  closeAllReports();
  host = await startHost({ dataDir, report: join(dataDir, 'long history.plenary') });
  browser = await launchBrowser();
  page = (await newPage(browser)).page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

test('opens in its window, showing the text as it is now', async () => {
  expect(stateBytes).toBeGreaterThan(MAX_MESSAGE_BYTES);
  await openEditor(page, host.url);
  expect(await page.textContent('.ProseMirror')).toContain('The text as agreed in Tunis.');
  expect(await page.textContent('.ProseMirror')).not.toContain('An earlier wording');
  expect(await page.textContent('#alerts')).toBe('');
});
