/**
 * Export and import in the browser host, which has no file dialogs: exports are written
 * to the data folder's Exports directory and offered for download at `/exports/<name>`;
 * a file to import is first uploaded (`POST /imports?name=<name>`, size-capped, only from
 * this host's own pages) into the Imports directory and then named by `importDraft`. A
 * changes file goes to the Reports folder instead, where Import changes… finds it (a
 * name already there gets a number).
 * Page-supplied names are plain file names, never paths, so nothing outside those two
 * folders is read or written. PDF is printed by Chromium when it is installed.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../shared/api.ts';
import { EXPORT_FORMAT_LABELS, type ExportFormatName } from '../../shared/export/export-request.ts';
import { launchChromiumPrinter, type ChromiumPrinter } from '../services/export/chromium-printer.ts';
import type { HtmlPrinter } from '../services/export/pdf.ts';
import { importFormatOf, MAX_IMPORT_BYTES } from '../services/import/import-file.ts';
import { freshPath } from '../services/file-names.ts';
import { reportsDir } from '../services/user-data.ts';
import { MAX_BUNDLE_BYTES } from '../../shared/bundle.ts';
import { BUNDLE_EXTENSION } from '../../shared/sync-requests.ts';

export const EXPORTS_ROUTE = '/exports/';
export const IMPORTS_ROUTE = '/imports';

/** A name a page may give: no path separators, no hidden files, no control characters. */
function plainName(name: string, what: string): string {
  if (name.length === 0 || name.length > 200 || name !== basename(name) || name.includes('\\') || name.startsWith('.') || [...name].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new ApiError(`${what} must be a plain file name (no folders), such as "Report.pdf".`);
  }
  return name;
}

export class WebExports {
  readonly exportsDir: string;
  readonly importsDir: string;
  readonly reportsDir: string;
  private printerStarted: Promise<ChromiumPrinter> | null = null;
  private readonly chromiumPath: string;

  private readonly launch: (chromiumPath: string) => Promise<ChromiumPrinter>;

  constructor(dataDir: string, chromiumPath = process.env.PLENARY_CHROMIUM ?? '/usr/bin/chromium', launch = launchChromiumPrinter) {
    this.exportsDir = join(dataDir, 'Exports');
    this.importsDir = join(dataDir, 'Imports');
    this.reportsDir = reportsDir(dataDir);
    this.chromiumPath = chromiumPath;
    this.launch = launch;
  }

  /** Where an export goes: the page's file name, or a fresh one from the report's title. */
  exportPath(requested: string | null, suggestedName: string, format: ExportFormatName): string {
    const extension = `.${EXPORT_FORMAT_LABELS[format].extension}`;
    mkdirSync(this.exportsDir, { recursive: true });
    if (requested === null) return freshPath(this.exportsDir, suggestedName);
    const name = plainName(requested, 'The export\'s name');
    if (extname(name).toLowerCase() !== extension) throw new ApiError(`A ${format.toUpperCase()} export's name ends in ${extension}.`);
    return join(this.exportsDir, name);
  }

  /** An uploaded file (by the name `POST /imports` answered). */
  importPath(requested: string | null): string {
    if (requested === null) throw new ApiError('The browser host has no file dialog: choose the file to import in the Import dialog.');
    const path = join(this.importsDir, plainName(requested, 'The file to import'));
    if (!existsSync(path)) throw new ApiError(`${requested} has not been uploaded (or was removed); choose the file again.`);
    return path;
  }

  /** An upload is read once: removed after its import, whatever came of it. */
  discardUpload(path: string): void {
    rmSync(path, { force: true });
  }

  readonly printer = async (): Promise<HtmlPrinter> => {
    if (!existsSync(this.chromiumPath)) {
      throw new Error(`the browser host prints PDF with Chromium, which is not installed at ${this.chromiumPath}. Install the chromium package (or set PLENARY_CHROMIUM), or export HTML and print it from your browser.`);
    }
    // The printer is kept warm between exports; a Chromium that has gone since (crashed, killed) is started again, once.
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = (this.printerStarted ??= this.launch(this.chromiumPath));
      const forget = (): void => {
        if (this.printerStarted === started) this.printerStarted = null;
      };
      let printer: ChromiumPrinter;
      try {
        printer = await started;
      } catch (error) {
        forget();
        throw error;
      }
      if (printer.connected) return printer.print;
      forget();
    }
    throw new Error('Chromium stopped as soon as it was started. Export HTML and print it from your browser.');
  };

  /**
   * Launches the printer ahead of a PDF export (the Export dialog opened): Chromium's
   * start took the first PDF export after the host started from ~1.4 to ~4 s. A launch
   * that fails is forgotten here and reported by the export that needs it.
   */
  prepare(): void {
    this.printer().catch(() => undefined);
  }

  async close(): Promise<void> {
    const started = this.printerStarted;
    this.printerStarted = null;
    if (started) await (await started.catch(() => null))?.close();
  }

  /** Serves `/exports/<name>` and `/imports`; false for any other URL. */
  handle(request: IncomingMessage, response: ServerResponse, isOwnOrigin: (origin: string | undefined) => boolean): boolean {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(EXPORTS_ROUTE) && (request.method === 'GET' || request.method === 'HEAD')) {
      void this.download(decodeURIComponent(url.pathname.slice(EXPORTS_ROUTE.length)), request, response);
      return true;
    }
    if (url.pathname === IMPORTS_ROUTE && request.method === 'POST') {
      // Only this host's pages may upload (a web site in the same browser may not).
      if (!isOwnOrigin(request.headers.origin)) {
        response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Forbidden');
        return true;
      }
      void this.upload(url.searchParams.get('name') ?? '', request, response);
      return true;
    }
    return false;
  }

  private async download(name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let path: string;
    try {
      path = join(this.exportsDir, plainName(name, 'An export'));
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a file');
      response.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(info.size),
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  }

  private async upload(name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refuse = (status: number, message: string): void => {
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' }).end(JSON.stringify({ error: message }));
      request.destroy();
    };
    let safe: string;
    try {
      safe = plainName(name, 'The file\'s name');
    } catch (error) {
      refuse(400, (error as Error).message);
      return;
    }
    const changes = extname(safe).toLowerCase() === `.${BUNDLE_EXTENSION}`;
    if (!changes && !importFormatOf(safe)) {
      refuse(400, `${safe}: only Markdown (.md) and Word (.docx) files, or changes files (.${BUNDLE_EXTENSION}), can be imported.`);
      return;
    }
    const limit = changes ? MAX_BUNDLE_BYTES : MAX_IMPORT_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > limit) {
          refuse(413, `${safe} is too large to import (at most ${limit / 1048576} MB).`);
          return;
        }
        chunks.push(chunk as Buffer);
      }
      const folder = changes ? this.reportsDir : this.importsDir;
      mkdirSync(folder, { recursive: true });
      const body = Buffer.concat(chunks);
      // The same changes file dropped again is the one already there, not a second copy.
      const again = changes && (await readFile(join(folder, safe)).catch(() => null))?.equals(body);
      // Otherwise two uploads of "draft.md" never overwrite each other: a random prefix for
      // drafts (read once, then removed), a number for changes files (kept, listed by name).
      const stored = again ? safe : changes ? basename(freshPath(folder, safe)) : `${randomBytes(6).toString('hex')}-${safe}`;
      if (!again) await writeFile(join(folder, stored), body, { flag: 'wx' });
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify({ name: stored }));
    } catch (error) {
      if (!response.headersSent) refuse(500, `Could not receive ${safe}: ${(error as Error).message}`);
    }
  }
}
