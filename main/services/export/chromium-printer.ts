/**
 * An `HtmlPrinter` on headless Chromium through playwright-core, for the browser host
 * and the tests (the desktop app prints with Electron's own Chromium instead). The page
 * runs with JavaScript off and every network request refused: the export is
 * self-contained and must print the same offline.
 *
 * The printer stays warm: one browser and two pages, each in a context of its own (so
 * each has its own renderer process), reused by every print (a new context and page cost
 * 0.3–0.9 s of each export on these machines). Two prints run at once, one per page —
 * the two halves of a split print (pdf.ts, `renderPdfParts`); more wait for a free page,
 * first come first served. A cancelled or failed print closes its page — the only way to
 * stop Chromium mid-print, and a page in an unknown state is not reused — and the next
 * print on that slot opens a fresh one.
 */
import type { Browser, Page } from 'playwright-core';
import { WIDE_PRINTER_VIEWPORT, type HtmlPrinter } from './pdf.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

/** What a finished print leaves on the page: nothing that holds the last report's layout in memory. */
const BLANK = '<!DOCTYPE html><title></title>';

export interface ChromiumPrinter {
  print: HtmlPrinter;
  /** False once the browser has gone (crashed, killed or closed): launch a new printer. */
  readonly connected: boolean;
  close(): Promise<void>;
}

/** Pages printing at once: the halves of a split print. */
const PAGES = 2;

interface Slot {
  warm: Promise<Page> | null;
  /** The blanking of the last print's page, which the next print on it waits for. */
  cleared: Promise<unknown>;
}

export async function launchChromiumPrinter(executablePath = process.env.PLENARY_CHROMIUM ?? '/usr/bin/chromium'): Promise<ChromiumPrinter> {
  // Loaded on demand: the desktop bundle never needs playwright.
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });

  const openPage = (slot: Slot): Promise<Page> => {
    if (!slot.warm) {
      const opening = (async () => {
        // Wide: the report is laid out once, for the printed pages (pdf.ts, printableHtml).
        const context = await browser.newContext({ javaScriptEnabled: false, offline: true, viewport: WIDE_PRINTER_VIEWPORT });
        const page = await context.newPage();
        await page.route('**/*', (route) => route.abort());
        return page;
      })();
      // A page that could not be opened is not kept: the next print tries again.
      opening.catch(() => {
        if (slot.warm === opening) slot.warm = null;
      });
      slot.warm = opening;
    }
    return slot.warm;
  };
  const discard = (slot: Slot, page: Page, opened: Promise<Page>): void => {
    if (slot.warm === opened) slot.warm = null;
    void page.context().close().catch(() => undefined);
  };

  const printOnce = async (slot: Slot, html: string, signal?: AbortSignal): Promise<Uint8Array> => {
    signal?.throwIfAborted();
    const opened = openPage(slot);
    const page = await opened;
    const stop = (): void => discard(slot, page, opened);
    signal?.throwIfAborted();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      // The HTML loads nothing (scripts off, requests refused): 'load' comes right after parsing.
      await page.setContent(html, { waitUntil: 'load' });
      // Untagged and without outline, as Electron's printToPDF prints by default: a tagged PDF
      // (Chromium builds the outline only from tags) made the 264-page bench report 3× larger
      // (1.14 → 3.4 MB) and its print ~0.7 s (~45 %) slower (test/bench/RESULTS.md); the HTML
      // export is the accessible rendering.
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, format: 'A4', tagged: false, outline: false });
      return new Uint8Array(pdf);
    } catch (error) {
      stop();
      throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  };

  const free: Slot[] = Array.from({ length: PAGES }, () => ({ warm: null, cleared: Promise.resolve() }));
  const waiting: ((slot: Slot) => void)[] = [];
  const take = (): Promise<Slot> => {
    const slot = free.shift();
    return slot ? Promise.resolve(slot) : new Promise((resolve) => waiting.push(resolve));
  };
  const give = (slot: Slot): void => {
    const next = waiting.shift();
    if (next) next(slot);
    else free.push(slot);
  };

  // A print that fails does not stop the ones waiting after it.
  const print: HtmlPrinter = async (html, signal) => {
    const slot = await take();
    try {
      await slot.cleared;
      return await printOnce(slot, html, signal);
    } finally {
      // The page is blanked before its next print, not on this one's path.
      slot.cleared = slot.warm ? slot.warm.then((page) => page.setContent(BLANK)).catch(() => undefined) : Promise.resolve();
      give(slot);
    }
  };
  return {
    print,
    get connected() {
      return browser.isConnected();
    },
    close: () => browser.close(),
  };
}
