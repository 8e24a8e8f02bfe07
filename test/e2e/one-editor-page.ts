/**
 * A test file's one editor page: a browser host on a fresh data folder and one page on
 * its editor, opened before the file's tests and closed after them. Call at the top of
 * a test file; `page` and `host` are there once the file's first beforeAll has run.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';

export function oneEditorPage(hostOptions: { preload?: string } = {}): { readonly page: Page; readonly host: Host } {
  let host: Host | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    host = await startHost({ dataDir: tempDataDir(), ...hostOptions });
    browser = await launchBrowser();
    page = (await newPage(browser)).page;
    await openEditor(page, host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });
  return {
    get page(): Page {
      if (!page) throw new Error('The editor page opens in beforeAll; use it in a test.');
      return page;
    },
    get host(): Host {
      if (!host) throw new Error('The host starts in beforeAll; use it in a test.');
      return host;
    },
  };
}
