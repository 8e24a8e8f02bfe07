/**
 * What the desktop app does with reports: open one (focusing its window when it is
 * already open), create one, save a copy, remember recent ones, and open a changes file
 * into the report it is for. The menu, the IPC requests, the command line and the
 * system's "open with" all go through here, so they behave the same.
 */
import { app, dialog, type BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError, type RequestHandlers, type ReportSummary } from '../../shared/api.ts';
import { ReportFileError } from '../services/report-errors.ts';
import { isChangesFilePath, isRendererNamedReportPath, REPORT_SUFFIX } from './launch-args.ts';
import { REPORT_EXTENSION } from '../services/report-store-schema.ts';
import type { ReportWindow, ReportWindows } from './report-windows.ts';
import type { ReportServices } from './report-services.ts';
import { stanceHandlers } from '../services/report-requests.ts';
import { desktopSyncHandlers } from './sync-dialogs.ts';
import { desktopExportHandlers } from './export-dialogs.ts';
import { untitledReportPath } from '../services/file-names.ts';
import { queueChangesFile, WaitingChangesFiles } from '../services/opened-changes-files.ts';

const REPORT_FILTERS = [{ name: 'Plenary report', extensions: [REPORT_EXTENSION] }];

function withExtension(path: string): string {
  return path.toLowerCase().endsWith(REPORT_SUFFIX) ? path : `${path}${REPORT_SUFFIX}`;
}

function withoutExtension(path: string): string {
  return path.toLowerCase().endsWith(REPORT_SUFFIX) ? path.slice(0, -REPORT_SUFFIX.length) : path;
}

export class Desktop {
  private readonly windows: ReportWindows;
  private readonly services: ReportServices;
  private readonly onRecentChanged: () => void;
  private readonly waitingChanges = new WaitingChangesFiles();

  constructor(windows: ReportWindows, services: ReportServices, onRecentChanged: () => void) {
    this.windows = windows;
    this.services = services;
    this.onRecentChanged = onRecentChanged;
  }

  /** Opens the report at `path` in its window (an existing one is focused). */
  openPath(path: string): ReportWindow {
    // The store resolves the real path, so two spellings of one file share a window.
    const report = this.services.openReportFile(path);
    const open = this.windows.forPath(report.path);
    if (open) {
      this.windows.focus(open);
      return open;
    }
    const entry = this.windows.show(report);
    this.remember(report.summary());
    return entry;
  }

  /** Opens several reports, telling the user about any that cannot be opened. */
  openPaths(paths: readonly string[]): void {
    for (const path of paths) {
      try {
        this.openPath(path);
      } catch (error) {
        // A recent report that has gone (an unplugged stick, a deleted file) leaves the list.
        if (error instanceof ReportFileError && error.code === 'missing') this.services.forgetRecent(path);
        this.onRecentChanged();
        this.showError(`Plenary could not open ${basename(path)}`, error);
      }
    }
  }

  /** Opens reports, and changes files into the reports they are for (whose pages then import them). */
  async openFiles(paths: readonly string[]): Promise<void> {
    this.openPaths(paths.filter((path) => !isChangesFilePath(path)));
    for (const path of paths.filter(isChangesFilePath)) {
      try {
        const report = await queueChangesFile(path, () => this.services.recentReports(), this.waitingChanges);
        // An open page imports them now; a new one asks once it is ready.
        this.windows.sendEvent(this.openPath(report.path), { type: 'changesFilesWaiting' });
      } catch (error) {
        this.showError(`Plenary could not import ${basename(path)}`, error);
      }
    }
  }

  async openWithDialog(parent: BrowserWindow | undefined): Promise<ReportWindow | null> {
    const options = { title: 'Open report', properties: ['openFile' as const], filters: REPORT_FILTERS };
    const picked = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    const path = picked.canceled ? undefined : picked.filePaths[0];
    return path ? this.openPath(path) : null;
  }

  async newReport(parent: BrowserWindow | undefined): Promise<ReportWindow | null> {
    const options = {
      title: 'New report',
      buttonLabel: 'Create',
      defaultPath: untitledReportPath(app.getPath('documents')),
      filters: REPORT_FILTERS,
    };
    const picked = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    if (picked.canceled || !picked.filePath) return null;
    const path = withExtension(picked.filePath);
    const open = this.windows.forPath(path);
    if (open) throw new ApiError(`${basename(path)} is open; close it before replacing it with a new report.`);
    // The store refuses to create a report over an existing file, with its own message.
    const report = this.services.createReportFile(path);
    const entry = this.windows.show(report);
    this.remember(report.summary());
    return entry;
  }

  /**
   * Saves a copy of the window's report. A path the renderer names itself must be a new
   * .plenary file; replacing an existing file needs the user's own choice in the dialog.
   */
  async saveCopy(entry: ReportWindow, requested: string | null): Promise<string | null> {
    let target: string;
    if (requested === null) {
      const picked = await dialog.showSaveDialog(entry.window, {
        title: 'Save a copy as',
        defaultPath: `${withoutExtension(entry.report.path)} (copy)${REPORT_SUFFIX}`,
        filters: REPORT_FILTERS,
      });
      if (picked.canceled || !picked.filePath) return null;
      target = withExtension(picked.filePath);
    } else {
      if (!isRendererNamedReportPath(requested)) throw new ApiError(`A copy must be saved as an absolute path ending in ${REPORT_SUFFIX}.`);
      if (existsSync(requested)) throw new ApiError(`${basename(requested)} already exists; choose another name.`);
      target = requested;
    }
    if (target === entry.report.path || this.windows.forPath(target)) throw new ApiError('A copy cannot replace a report that is open.');
    return entry.report.saveCopyAs(target);
  }

  handlersFor(entry: ReportWindow): RequestHandlers {
    return {
      ...stanceHandlers(entry.report.doc, () => this.services.identity()),
      ...desktopSyncHandlers(entry, this.services, (path) => this.openPath(path), () => this.waitingChanges.take(entry.report.summary().id)),
      ...desktopExportHandlers(entry, this.windows, this.services),
      currentReport: () => entry.report.summary(),
      recentReports: () => this.services.recentReports(),
      newReport: async () => (await this.newReport(entry.window))?.report.summary() ?? null,
      openReport: async (path) => {
        if (path !== null && !isRendererNamedReportPath(path)) throw new ApiError(`Only Plenary reports (${REPORT_SUFFIX} files, absolute paths) can be opened.`);
        const opened = path === null ? await this.openWithDialog(entry.window) : this.openPath(path);
        return opened?.report.summary() ?? null;
      },
      saveCopyAs: (path) => this.saveCopy(entry, path),
    };
  }

  showError(title: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox(title, message);
  }

  private remember(summary: ReportSummary): void {
    try {
      this.services.rememberRecent(summary);
      app.addRecentDocument(summary.path);
    } catch (error) {
      // The list of recent files is a convenience; never fail an open because of it.
      console.warn(`Could not remember ${summary.path} as recent: ${(error as Error).message}`);
    }
    this.onRecentChanged();
  }
}
