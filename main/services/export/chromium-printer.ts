/**
 * An `HtmlPrinter` on headless Chromium through playwright-core, for the browser host
 * and the tests (the desktop app prints with Electron's own Chromium instead). The page
 * runs with JavaScript off and every network request refused: the export is
 * self-contained and must print the same offline.
 */
import type { Browser } from 'playwright-core';
import type { HtmlPrinter } from './pdf.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

export interface ChromiumPrinter {
  print: HtmlPrinter;
  close(): Promise<void>;
}

export async function launchChromiumPrinter(executablePath = process.env.PLENARY_CHROMIUM ?? '/usr/bin/chromium'): Promise<ChromiumPrinter> {
  // Loaded on demand: the desktop bundle never needs playwright.
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  const print: HtmlPrinter = async (html, signal) => {
    signal?.throwIfAborted();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const closeOnAbort = (): void => void context.close().catch(() => undefined);
    signal?.addEventListener('abort', closeOnAbort, { once: true });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, format: 'A4' });
      return new Uint8Array(pdf);
    } finally {
      signal?.removeEventListener('abort', closeOnAbort);
      await context.close().catch(() => undefined);
    }
  };
  return { print, close: () => browser.close() };
}
