/**
 * Opening a report: the composition the Electron main process and the browser host both
 * use. An OpenReport is the report file (ReportStore), main's authoritative Y.Doc loaded
 * from it, and the ReportSession through which peers (the renderer, sync links) edit it;
 * the session persists every update through `store.append` before anyone hears of it.
 *
 * One OpenReport per file: opening a path whose real path is already open returns the
 * same instance (the Electron shell then focuses the existing window), until it is
 * closed.
 *
 * When the file cannot be written (disk full, another program holding a write lock, a
 * read-only share), edits are not dropped: they are kept in memory, listeners of
 * `onDidFailToSave` get a message for the user, and the kept updates are retried every
 * few seconds, on `saveCopyAs` (into the copy) and on `close` (which refuses to close,
 * rather than lose them, unless told to discard).
 */
import { realpathSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import * as Y from 'yjs';
import type { ReportSummary } from '../../shared/api.ts';
import { createReportDoc, metaOf, Origin, readMeta, type ReportMeta } from '../../shared/ydoc.ts';
import { seedReport, type ReportTemplate } from '../../shared/report-template.ts';
import { ReportSession } from './report-session.ts';
import { ReportStore } from './report-store.ts';
import { saveFailureMessage } from './report-errors.ts';

const RETRY_UNSAVED_MS = 3000;

export interface OpenReport {
  /** The file's real path (symlinks resolved). */
  readonly path: string;
  readonly doc: Y.Doc;
  readonly session: ReportSession;
  readonly closed: boolean;
  summary(): ReportSummary;
  /**
   * Writes a consistent copy of the report to `path` (replacing a file there, as a
   * save dialog that asked first would), checked to open before it is put in place.
   * The report stays open at its own path. Returns the copy's path.
   */
  saveCopyAs(path: string): string;
  /** Calls `listener` with the new title whenever the report's title changes. */
  onDidChangeTitle(listener: (title: string) => void): () => void;
  /**
   * Calls `listener` when edits could not be written to the file (`message` is for the
   * user) and again with `null` once everything kept has been saved.
   */
  onDidFailToSave(listener: (message: string | null) => void): () => void;
  /** Updates made but not yet written to the file (0 in normal operation). */
  readonly unsavedCount: number;
  /**
   * Detaches every peer, flushes and closes the file. Idempotent. Throws, leaving the
   * report open, when edits could not be saved, unless `discardUnsaved` is set.
   */
  close(options?: { discardUnsaved?: boolean }): void;
}

const openReports = new Map<string, OpenReport>();

/** The real path of a file, or its absolute path when it does not exist (yet). */
function realPathOf(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/** The title to show: the report's own, or the file's name when it has none. */
function titleOf(doc: Y.Doc, path: string): string {
  return readMeta(doc).title.trim() || basename(path, extname(path));
}

class OpenReportFile implements OpenReport {
  readonly path: string;
  readonly doc: Y.Doc;
  readonly session: ReportSession;
  private readonly store: ReportStore;
  private readonly titleListeners = new Set<(title: string) => void>();
  private readonly saveListeners = new Set<(message: string | null) => void>();
  private unsaved: Uint8Array[] = [];
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  private isClosed = false;

  constructor(path: string, store: ReportStore) {
    this.path = path;
    this.store = store;
    this.doc = createReportDoc();
    Y.applyUpdate(this.doc, store.loadState(), Origin.load);
    this.session = new ReportSession(this.doc, (update) => this.persist(update));
    metaOf(this.doc).observe(this.onMetaChange);
  }

  /** Appends an update, or keeps it (in order) when the file cannot be written. */
  private persist(update: Uint8Array): void {
    if (this.unsaved.length > 0) {
      this.unsaved.push(update);
      return;
    }
    try {
      this.store.append(update);
    } catch (error) {
      this.unsaved.push(update);
      this.retryTimer = setInterval(() => this.saveUnsaved(), RETRY_UNSAVED_MS);
      this.retryTimer.unref();
      this.emitSaveState(saveFailureMessage(this.path, error));
    }
  }

  /** Writes the kept updates as one; true when nothing is left unsaved. */
  private saveUnsaved(): boolean {
    if (this.unsaved.length === 0) return true;
    try {
      this.store.append(Y.mergeUpdates(this.unsaved));
    } catch {
      return false;
    }
    this.unsaved = [];
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    this.emitSaveState(null);
    return true;
  }

  private emitSaveState(message: string | null): void {
    for (const listener of [...this.saveListeners]) listener(message);
  }

  get unsavedCount(): number {
    return this.unsaved.length;
  }

  onDidFailToSave(listener: (message: string | null) => void): () => void {
    this.saveListeners.add(listener);
    return () => this.saveListeners.delete(listener);
  }

  private readonly onMetaChange = (event: Y.YMapEvent<unknown>): void => {
    if (!event.keysChanged.has('title')) return;
    const title = titleOf(this.doc, this.path);
    for (const listener of [...this.titleListeners]) listener(title);
  };

  get closed(): boolean {
    return this.isClosed;
  }

  summary(): ReportSummary {
    return { path: this.path, id: readMeta(this.doc).id || this.store.reportId, title: titleOf(this.doc, this.path) };
  }

  saveCopyAs(path: string): string {
    if (this.isClosed) throw new Error('This report is closed.');
    const target = realPathOf(path);
    if (target === this.path) throw new Error('A copy cannot replace the report itself; choose another name.');
    if (openReports.has(target)) {
      throw new Error(`“${basename(target)}” is open; close it before replacing it with a copy.`);
    }
    this.saveUnsaved();
    this.store.copyTo(target);
    if (this.unsaved.length > 0) {
      // The report's own file still cannot be written: the copy gets the kept edits.
      const copy = ReportStore.open(target);
      try {
        copy.append(Y.mergeUpdates(this.unsaved));
      } finally {
        copy.close();
      }
    }
    return target;
  }

  onDidChangeTitle(listener: (title: string) => void): () => void {
    this.titleListeners.add(listener);
    return () => this.titleListeners.delete(listener);
  }

  close(options: { discardUnsaved?: boolean } = {}): void {
    if (this.isClosed) return;
    if (!this.saveUnsaved() && !options.discardUnsaved) {
      throw new Error(`${this.unsaved.length} change(s) to “${basename(this.path)}” could not be saved yet; the report stays open. Use “Save a copy as…”, or close it discarding them.`);
    }
    clearInterval(this.retryTimer);
    this.isClosed = true;
    if (openReports.get(this.path) === this) openReports.delete(this.path);
    this.titleListeners.clear();
    this.saveListeners.clear();
    metaOf(this.doc).unobserve(this.onMetaChange);
    this.session.destroy();
    this.store.close();
    this.doc.destroy();
  }
}

/**
 * Opens the report at `path`, or returns it when it is already open. Throws a
 * ReportFileError (with a message for the user) for a file that is missing, not a
 * report, from a newer Plenary or damaged; such a file is left untouched.
 */
export function openReportFile(path: string): OpenReport {
  const real = realPathOf(path);
  const existing = openReports.get(real);
  if (existing) return existing;
  const store = ReportStore.open(real);
  let report: OpenReport;
  try {
    report = new OpenReportFile(real, store);
  } catch (error) {
    store.close();
    throw error;
  }
  openReports.set(real, report);
  return report;
}

/**
 * Writes a new report file made from `template` (not opened). Throws a ReportFileError
 * with code 'exists' when a file is already there. Returns the new report's meta.
 */
export function writeReportFile(path: string, template: ReportTemplate, meta: Partial<ReportMeta> = {}): ReportMeta {
  const doc = createReportDoc();
  try {
    const written = seedReport(doc, template, meta);
    ReportStore.create(resolve(path), {
      reportId: written.id,
      created: written.created,
      initialUpdate: Y.encodeStateAsUpdate(doc),
    }).close();
    return written;
  } finally {
    doc.destroy();
  }
}

/** Creates a new report file from `template` and opens it. */
export function createReportFile(path: string, template: ReportTemplate, meta: Partial<ReportMeta> = {}): OpenReport {
  writeReportFile(path, template, meta);
  return openReportFile(path);
}

/** The reports open in this process. */
export function openReportList(): OpenReport[] {
  return [...openReports.values()];
}

/**
 * Closes every open report (on quit). A report with edits that cannot be saved is
 * closed too when `discardUnsaved` is set; otherwise it stays open and the first such
 * error is thrown after the others are closed.
 */
export function closeAllReports(options: { discardUnsaved?: boolean } = {}): void {
  let firstError: unknown;
  for (const report of openReportList()) {
    try {
      report.close(options);
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError) throw firstError;
}
