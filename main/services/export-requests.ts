/**
 * File → Export… and Import… (the `ExportRequestMap` of shared/api.ts) for one open
 * report, the same in the Electron shell and the browser host; each host says how a
 * path is chosen (a save/open dialog, or a name in its own folders), how PDF is printed
 * and where progress goes. Every refusal becomes an ApiError with the library's message,
 * written for the user; a file that cannot be imported changes nothing.
 */
import type * as Y from 'yjs';
import { ApiError, type ExportRequestMap } from '../../shared/api.ts';
import { EXPORT_FORMAT_LABELS, type ExportFormatName, type ExportProgressEvent } from '../../shared/export/export-request.ts';
import { readMeta } from '../../shared/ydoc.ts';
import { ExportError, type AnnexReader } from './export/export-report.ts';
import { ExportJobs, importDraftInto } from './export/export-jobs.ts';
import { PdfPrintError, type HtmlPrinter } from './export/pdf.ts';
import { ExportWriteError } from './export/write-file.ts';
import { fileNameTitle } from './file-names.ts';
import { ImportError } from './import/import-file.ts';

export type ExportHandlers = {
  [K in keyof ExportRequestMap]: (...args: ExportRequestMap[K]['args']) => Promise<ExportRequestMap[K]['result']> | ExportRequestMap[K]['result'];
};

export interface ExportHandlerContext {
  doc: Y.Doc;
  /** The jobs of this report and page/window (cancel must find the export it started). */
  jobs: ExportJobs;
  /** The file to write: `requested` checked, or chosen (a dialog); null when the user cancelled. */
  exportPath: (requested: string | null, suggestedName: string, format: ExportFormatName) => Promise<string | null> | string | null;
  /** The file to import: `requested` checked, or chosen; null when cancelled. */
  importPath: (requested: string | null) => Promise<string | null> | string | null;
  /** Called once an import has read `path`, whatever came of it (the browser host removes its upload). */
  importDone?: (path: string) => void;
  /** Creates and opens a new report for "Import into a new report". */
  seedNewReport?: () => Promise<{ doc: Y.Doc; path: string }>;
  /** Starts what an export will need, when the Export dialog opens (the browser host launches its PDF printer). */
  prepare?: () => void;
}

const USER_ERRORS = [ExportError, ExportWriteError, PdfPrintError, ImportError];

function asApiError(error: unknown): never {
  if (USER_ERRORS.some((kind) => error instanceof kind)) throw new ApiError((error as Error).message);
  if (error instanceof DOMException && error.name === 'AbortError') throw new ApiError('The export was cancelled; no file was written.');
  throw error;
}

/** "WGIG report.pdf": the report's title, without characters file systems refuse. */
export function suggestedExportName(doc: Y.Doc, format: ExportFormatName): string {
  const title = fileNameTitle(readMeta(doc).title, 120);
  return `${title || 'Report'}.${EXPORT_FORMAT_LABELS[format].extension}`;
}

export interface ExportJobsFor {
  doc: Y.Doc;
  emit: (event: ExportProgressEvent) => void;
  /** A PDF printer, created when first needed; throw an Error with a message for the user when there is none. */
  printer: () => Promise<HtmlPrinter>;
  annexOf?: AnnexReader;
}

/** ExportJobs whose printer is only started when a PDF is asked for. */
export function exportJobsFor({ doc, emit, printer, annexOf }: ExportJobsFor): ExportJobs {
  const lazyPrinter: HtmlPrinter = async (html, signal) => (await printer())(html, signal);
  return new ExportJobs({ doc, emit, printer: lazyPrinter, annexOf });
}

export function exportHandlers(context: ExportHandlerContext): ExportHandlers {
  const { doc, jobs } = context;
  return {
    exportReport: async (format, options, requested, jobId) => {
      const path = await context.exportPath(requested, suggestedExportName(doc, format), format);
      if (path === null) return null;
      try {
        return await jobs.exportReport(format, options, path, jobId);
      } catch (error) {
        return asApiError(error);
      }
    },
    cancelExport: (jobId) => jobs.cancel(jobId),
    prepareExport: () => context.prepare?.(),
    importDraft: async (requested, target) => {
      const path = await context.importPath(requested);
      if (path === null) return null;
      if (target === 'new' && !context.seedNewReport) throw new ApiError('This host cannot create a new report from an import; import at the cursor instead.');
      try {
        return await importDraftInto(doc, path, target, context.seedNewReport);
      } catch (error) {
        return asApiError(error);
      } finally {
        context.importDone?.(path);
      }
    },
  };
}
