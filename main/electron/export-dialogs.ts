/**
 * File → Export… and Import… for a desktop window (main/services/export-requests.ts)
 * with native dialogs, and PDF printed by Electron's own Chromium: the export's HTML is
 * loaded into a hidden, sandboxed window with JavaScript off and printed with
 * `webContents.printToPDF`. Paths the renderer names itself must be absolute.
 */
import { app, BrowserWindow, dialog, session } from 'electron';
import { hardenSession } from './harden.ts';
import { basename, extname, isAbsolute, join } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { EXPORT_FORMAT_LABELS, type ExportFormatName } from '../../shared/export/export-request.ts';
import { exportHandlers, exportJobsFor, type ExportHandlers } from '../services/export-requests.ts';
import type { ExportJobs } from '../services/export/export-jobs.ts';
import type { HtmlPrinter } from '../services/export/pdf.ts';
import type { ReportWindow, ReportWindows } from './report-windows.ts';
import type { ReportServices } from './report-services.ts';

const PRINT_PARTITION = 'plenary-export-print';
let printSessionHardened = false;

/** Prints self-contained HTML to PDF in a hidden window that runs no script and loads nothing else. */
export const electronPrinter: HtmlPrinter = async (html, signal) => {
  signal?.throwIfAborted();
  if (!printSessionHardened) {
    hardenSession(session.fromPartition(PRINT_PARTITION), { allowDevTools: false });
    printSessionHardened = true;
  }
  const win = new BrowserWindow({
    show: false,
    // Its own in-memory session, hardened like the app's: the export is self-contained, nothing remote loads.
    webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, partition: PRINT_PARTITION },
  });
  const destroy = (): void => {
    if (!win.isDestroyed()) win.destroy();
  };
  signal?.addEventListener('abort', destroy, { once: true });
  try {
    await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
    const pdf = await win.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true });
    return new Uint8Array(pdf);
  } finally {
    signal?.removeEventListener('abort', destroy);
    destroy();
  }
};

const jobsByWindow = new WeakMap<ReportWindow, ExportJobs>();

function withExtension(path: string, format: ExportFormatName): string {
  const extension = `.${EXPORT_FORMAT_LABELS[format].extension}`;
  return extname(path).toLowerCase() === extension ? path : `${path}${extension}`;
}

const IMPORT_FILTERS = [{ name: 'Markdown or Word', extensions: ['md', 'markdown', 'txt', 'docx'] }];

export function desktopExportHandlers(entry: ReportWindow, windows: ReportWindows, services: ReportServices): ExportHandlers {
  let jobs = jobsByWindow.get(entry);
  if (!jobs) {
    jobs = exportJobsFor({
      doc: entry.report.doc,
      emit: (event) => windows.sendEvent(entry, event),
      printer: () => Promise.resolve(electronPrinter),
      // The report's live consensus: the annex costs milliseconds after the first export.
      annexOf: entry.report.session.consensus.annexOf,
    });
    jobsByWindow.set(entry, jobs);
    entry.window.once('closed', () => jobs?.cancelAll());
  }
  return exportHandlers({
    doc: entry.report.doc,
    jobs,
    exportPath: async (requested, suggestedName, format) => {
      if (requested !== null) {
        if (!isAbsolute(requested)) throw new ApiError('An export is saved under an absolute path.');
        return withExtension(requested, format);
      }
      const picked = await dialog.showSaveDialog(entry.window, {
        title: 'Export report',
        defaultPath: join(app.getPath('documents'), suggestedName),
        filters: [{ name: EXPORT_FORMAT_LABELS[format].label, extensions: [EXPORT_FORMAT_LABELS[format].extension] }],
      });
      return picked.canceled || !picked.filePath ? null : withExtension(picked.filePath, format);
    },
    importPath: async (requested) => {
      if (requested !== null) {
        if (!isAbsolute(requested)) throw new ApiError(`${basename(requested)}: a file to import is named by its absolute path.`);
        return requested;
      }
      const picked = await dialog.showOpenDialog(entry.window, { title: 'Import a draft', filters: IMPORT_FILTERS, properties: ['openFile'] });
      return picked.canceled ? null : picked.filePaths[0] ?? null;
    },
    seedNewReport: async () => {
      const picked = await dialog.showSaveDialog(entry.window, {
        title: 'New report from the draft',
        buttonLabel: 'Create',
        defaultPath: join(app.getPath('documents'), 'Imported draft.plenary'),
        filters: [{ name: 'Plenary report', extensions: ['plenary'] }],
      });
      if (picked.canceled || !picked.filePath) throw new ApiError('No new report was created; nothing was imported.');
      const path = picked.filePath.toLowerCase().endsWith('.plenary') ? picked.filePath : `${picked.filePath}.plenary`;
      const report = services.createReportFile(path);
      windows.show(report);
      return { doc: report.doc, path: report.path };
    },
  });
}
