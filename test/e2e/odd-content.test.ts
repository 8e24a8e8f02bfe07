/**
 * A report holding what another client wrote oddly — valid Yjs, but nothing our editor
 * writes: headings of level 9, 1.5, -1e21 and 1e21, a string and a line break straight in
 * the body, an element named after the text node — opens in the real renderer (Chromium)
 * with every heading drawn as one of the four levels, nothing the browser does not know,
 * no error on the page, and the text takes typing.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as Y from 'yjs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { closeAllReports, createReportFile } from '../../main/services/open-report.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf } from '../../shared/ydoc.ts';

const LEVELS = [9, 1.5, -1e21, 1e21];
let host: Host;
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** Another client's writes, as its copy of the report sends them. */
function oddWrites(report: Y.Doc): Uint8Array {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(report));
  const body = bodyOf(other);
  other.transact(() => {
    for (const [i, level] of LEVELS.entries()) {
      const heading = new Y.XmlElement('heading');
      body.insert(body.length, [heading]);
      heading.setAttribute('id', `odd-level-${i}`);
      heading.setAttribute('level', level as unknown as string);
      heading.insert(0, [new Y.XmlText(`Heading written at level ${level}`)]);
    }
    // (Yjs's typings allow only types in an XML fragment; its data allows any value.)
    body.insert(1, ['a string' as unknown as Y.XmlElement, new Y.XmlElement('text'), new Y.XmlElement('hard_break')]);
    const paragraph = new Y.XmlElement('paragraph');
    body.insert(body.length, [paragraph]);
    paragraph.setAttribute('id', 'typed-here');
    paragraph.insert(0, [new Y.XmlText('The Working Group agreed.')]);
  });
  return Y.encodeStateAsUpdate(other, Y.encodeStateVector(report));
}

beforeAll(async () => {
  const dataDir = tempDataDir();
  const report = createReportFile(join(dataDir, 'odd.plenary'), REPORT_TEMPLATE, { title: 'Written oddly' });
  Y.applyUpdate(report.doc, oddWrites(report.doc));
  closeAllReports();
  host = await startHost({ dataDir, report: join(dataDir, 'odd.plenary') });
  browser = await launchBrowser();
  page = (await newPage(browser)).page;
  page.on('pageerror', (error) => errors.push(error.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

test('opens with each heading at one of the four levels, and takes typing', async () => {
  await openEditor(page, host.url);
  const tags = await page.$$eval('.ProseMirror [data-block-id^="odd-level-"]', (elements) => elements.map((element) => element.tagName.toLowerCase()));
  expect(tags).toEqual(['h4', 'h1', 'h1', 'h4']);
  // Nothing drawn as an element the browser does not know.
  expect(await page.$$eval('.ProseMirror *', (elements) => elements.filter((element) => element instanceof HTMLUnknownElement).map((element) => element.tagName))).toEqual([]);
  expect(await page.textContent('.ProseMirror')).not.toContain('a string');

  await page.click('.ProseMirror [data-block-id="typed-here"]');
  await page.keyboard.press('End');
  await page.keyboard.type(' By consensus.');
  await page.waitForFunction(() => document.querySelector('.ProseMirror [data-block-id="typed-here"]')?.textContent?.endsWith('By consensus.'));
  expect(errors).toEqual([]);
});
