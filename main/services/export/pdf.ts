/**
 * PDF from the one HTML rendering: the caller supplies the printer. In the desktop app
 * the Electron shell passes one built on `webContents.printToPDF` (load the HTML in a
 * hidden, sandboxed window with JavaScript off; `{ printBackground: true,
 * preferCSSPageSize: true }` so the file's `@page` rules decide the page); the browser
 * host and the tests pass the Chromium printer (`chromium-printer.ts`). A long report
 * prints in two halves at once, joined afterwards (`renderPdfParts`).
 */
import type { PrintParts } from '../../../shared/export/print-parts.ts';
import { joinPrintedHalves, loadPrinted } from './pdf-join.ts';

/**
 * Prints a self-contained HTML document to PDF bytes; should stop when `signal` aborts.
 *
 * In Electron (main/electron only), roughly:
 *   const win = new BrowserWindow({ show: false, webPreferences: { javascript: false, sandbox: true } });
 *   signal?.addEventListener('abort', () => win.destroy(), { once: true });
 *   await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html).toString('base64')}`);
 *   const pdf = await win.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true });
 *   win.destroy(); return new Uint8Array(pdf);
 * (a data: URL must be allowed for that one hidden window; no network is needed).
 * A split print calls it twice without waiting: each call needs a renderer of its own
 * (a page, a window) for the halves to print in parallel.
 */
export type HtmlPrinter = (html: string, signal?: AbortSignal) => Promise<Uint8Array>;

export class PdfPrintError extends Error {
  override name = 'PdfPrintError';
}

/**
 * A printer page at least this wide lays the report out only once, for the print: see
 * `printableHtml`. Far wider than any page (A4 landscape is 1,123 CSS px).
 */
export const WIDE_PRINTER_VIEWPORT = { width: 4000, height: 800 } as const;

/**
 * The HTML as handed to a printer: the same document, with a rule that hides the body
 * wherever the browser lays it out for anything but the printed pages. Printing uses
 * print media at the page's width, so the PDF is unchanged. What goes is work Chromium
 * would throw away: the screen layout of the whole report before and after the print
 * (screen media) and, on a page as wide as `WIDE_PRINTER_VIEWPORT`, its layout at the
 * window's width when printing starts (print media, before pagination). For a 264-page
 * report that is two of Chromium's three full layouts (test/bench/RESULTS.md). A window
 * narrower than 3,000 px (Electron's hidden print window) only saves the screen layouts.
 */
export function printableHtml(html: string): string {
  const head = html.indexOf('</head>');
  const rule = '<style>@media screen, (min-width: 3000px) { body { display: none; } }</style>\n';
  return head < 0 ? html : `${html.slice(0, head)}${rule}${html.slice(head)}`;
}

export async function renderPdf(html: string, printer: HtmlPrinter, signal?: AbortSignal): Promise<Uint8Array> {
  signal?.throwIfAborted();
  let pdf: Uint8Array;
  try {
    pdf = await raceAbort(printer(printableHtml(html), signal), signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new PdfPrintError(`Could not print the report to PDF: ${(error as Error).message}`, { cause: error });
  }
  // A printer that returned something else must not end up under a .pdf name.
  if (pdf.length < 5 || String.fromCharCode(...pdf.subarray(0, 5)) !== '%PDF-') {
    throw new PdfPrintError('Could not print the report to PDF: the printer returned no PDF.');
  }
  return pdf;
}

/**
 * Prints `printParts`' output: a whole document as `renderPdf` does; two halves at once
 * (the printer is called twice without waiting: Chromium's has a page for each, Electron's
 * a window for each, so each half has a renderer process and a core of its own), each half
 * parsed as soon as it arrives, then joined and numbered (`pdf-join.ts`). One half failing
 * stops the other.
 */
export async function renderPdfParts(parts: PrintParts, printer: HtmlPrinter, signal?: AbortSignal): Promise<Uint8Array> {
  if (!parts.split) return renderPdf(parts.html[0] ?? '', printer, signal);
  signal?.throwIfAborted();
  const both = new AbortController();
  const stopBoth = (): void => both.abort(signal?.reason);
  signal?.addEventListener('abort', stopBoth, { once: true });
  try {
    const halves = await Promise.all(parts.html.map(async (html) => {
      try {
        return await loadPrinted(await renderPdf(html, printer, both.signal));
      } catch (error) {
        both.abort(error);
        throw error;
      }
    }));
    return await joinPrintedHalves(halves);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof PdfPrintError) throw error;
    throw new PdfPrintError(`Could not print the report to PDF: ${(error as Error).message}`, { cause: error });
  } finally {
    signal?.removeEventListener('abort', stopBoth);
  }
}

function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
