/**
 * The contract between the renderer and main (DESIGN.md, "Renderer ⇄ main contract").
 *
 * Two kinds of traffic cross it:
 * - requests: named methods with validated arguments and a result (`RequestMap`);
 *   main implements every one as `RequestHandlers`, so a missing handler fails to
 *   compile, and validates arguments with `validateRequest` before calling it;
 * - messages: Yjs sync and awareness messages (y-protocols), binary, in both
 *   directions. Main is the renderer's only peer.
 *
 * The Electron preload exposes exactly `PlenaryApi` through contextBridge; the browser
 * host serves the same interface over one WebSocket (`web-protocol.ts`).
 */

export interface ReportSummary {
  /** Absolute path of the report file (in the browser host: as the host sees it). */
  path: string;
  id: string;
  title: string;
}

/** Identity and stances (stance-requests.ts): the same handlers in both hosts (main/services/report-requests.ts). */
export interface RequestMap extends StanceRequestMap, SyncRequestMap, ExportRequestMap {
  /** The report this window edits. */
  currentReport: { args: []; result: ReportSummary };
  /** Recently opened reports, newest first. */
  recentReports: { args: []; result: ReportSummary[] };
  /** Creates a new report from the template and opens it (in this or a new window). */
  newReport: { args: []; result: ReportSummary | null };
  /** Opens a report; with null, asks the user which (where the host has a dialog). */
  openReport: { args: [path: string | null]; result: ReportSummary | null };
  /** Writes a copy of the current report to a file the user picks; its path, or null. */
  saveCopyAs: { args: [path: string | null]; result: string | null };
}

export type RequestName = keyof RequestMap;
export type RequestArgs<K extends RequestName> = RequestMap[K]['args'];
export type RequestResult<K extends RequestName> = RequestMap[K]['result'];

export type RequestHandlers = {
  [K in RequestName]: (...args: RequestArgs<K>) => Promise<RequestResult<K>> | RequestResult<K>;
};

/** Things main tells the renderer without being asked. */
export type HostEvent =
  | { type: 'menu'; command: MenuCommand }
  | { type: 'error'; message: string }
  /** The report's link to its sync server or meeting changed (sync-requests.ts). */
  | { type: 'syncStatus'; status: SyncStatusView }
  /** File → Export changes…, Import changes…, Connect to server…, Host a meeting… (Electron menu). */
  | { type: 'syncDialog'; dialog: SyncDialog }
  /** File → Export… or Import… (Electron menu): the renderer opens its dialog. */
  | { type: 'fileDialog'; dialog: FileDialog }
  /** An export's progress (shared/export/export-request.ts). */
  | ExportProgressEvent
  /** How far Import changes… has got (sync-requests.ts). */
  | ChangesProgressEvent
  /** Changes files opened with the app wait for this report: the page asks for them (changesFilesToImport). */
  | { type: 'changesFilesWaiting' };

export type FileDialog = 'export' | 'import';

export type SyncDialog = 'export-changes' | 'import-changes' | 'connect' | 'meeting';
export const SYNC_DIALOGS: readonly SyncDialog[] = ['export-changes', 'import-changes', 'connect', 'meeting'];

/** Commands from the application menu that the editor carries out. */
export type MenuCommand = 'undo' | 'redo' | 'bold' | 'italic' | 'link' | 'heading-1' | 'heading-2' | 'heading-3' | 'heading-4' | 'paragraph' | 'bullet-list' | 'ordered-list' | 'blockquote';

export const MENU_COMMANDS: readonly MenuCommand[] = ['undo', 'redo', 'bold', 'italic', 'link', 'heading-1', 'heading-2', 'heading-3', 'heading-4', 'paragraph', 'bullet-list', 'ordered-list', 'blockquote'];

export interface PlenaryApi {
  readonly host: 'electron' | 'web';
  request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>>;
  /** Sends a y-protocols message (sync or awareness) to main. */
  sendMessage(message: Uint8Array): void;
  /** Receives y-protocols messages from main; returns a function that unsubscribes. */
  onMessage(listener: (message: Uint8Array) => void): () => void;
  onEvent(listener: (event: HostEvent) => void): () => void;
  /**
   * The desktop app only: where a file dropped on the page is on disk (a DOM File; '' for
   * one that is not a file on disk). The browser host has no such thing: a page uploads.
   */
  pathForFile?(file: unknown): string;
}

/** A request main refused; `message` is written for the user. */
export class ApiError extends Error {
  override name = 'ApiError';
}

/**
 * The link to the host dropped while the request was in flight, so whether it ran is
 * unknown. A request that changes nothing (reading the identity) can simply be asked again.
 */
export class LinkLostError extends ApiError {
  override name = 'LinkLostError';
}

import { stanceValidators, type StanceRequestMap } from './stance-requests.ts';
import { syncValidators, type ChangesProgressEvent, type SyncRequestMap, type SyncStatusView } from './sync-requests.ts';
import {
  ExportRequestError, validateExportReportArgs, validateImportDraftArgs, validateJobId,
  type ExportProgressEvent, type ExportReportArgs, type ExportReportResult, type ImportDraftArgs, type ImportDraftResult,
} from './export/export-request.ts';

/** File → Export… and Import… (main/services/export-requests.ts serves them in both hosts). */
export interface ExportRequestMap {
  /** Exports the report; a null path asks where (browser host: its Exports folder). Null: cancelled. */
  exportReport: { args: ExportReportArgs; result: ExportReportResult | null };
  /** Stops a running export; false when no export has that id. */
  cancelExport: { args: [jobId: string]; result: boolean };
  /** The Export dialog opened: start what an export will need (the browser host's PDF printer) while the user picks. */
  prepareExport: { args: []; result: void };
  /** Imports a Markdown or DOCX file; a null path asks which (Electron). Null: cancelled. */
  importDraft: { args: ImportDraftArgs; result: ImportDraftResult | null };
}

function exportRefusal<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof ExportRequestError) throw new ApiError(error.message);
    throw error;
  }
}

const MAX_PATH_LENGTH = 4096;

function optionalPath(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH_LENGTH || value.includes('\0')) {
    throw new ApiError(`${what} must be a file path.`);
  }
  return value;
}

function noArgs(args: unknown[]): [] {
  if (args.length !== 0) throw new ApiError('This request takes no arguments.');
  return [];
}

const validators: { [K in RequestName]: (args: unknown[]) => RequestArgs<K> } = {
  currentReport: noArgs,
  recentReports: noArgs,
  newReport: noArgs,
  openReport: (args) => [optionalPath(args[0], 'The report to open')],
  saveCopyAs: (args) => [optionalPath(args[0], 'The copy\'s location')],
  // Called lazily: stance-requests.ts imports ApiError from here.
  identity: (args) => stanceValidators.identity(args),
  takeStance: (args) => stanceValidators.takeStance(args),
  withdrawStance: (args) => stanceValidators.withdrawStance(args),
  claimMember: (args) => stanceValidators.claimMember(args),
  exportChanges: (args) => syncValidators.exportChanges(args),
  exportChangesForEveryone: (args) => syncValidators.exportChangesForEveryone(args),
  importChanges: (args) => syncValidators.importChanges(args),
  changesFilesHere: (args) => syncValidators.changesFilesHere(args),
  changesFilesToImport: (args) => syncValidators.changesFilesToImport(args),
  connectServer: (args) => syncValidators.connectServer(args),
  joinReport: (args) => syncValidators.joinReport(args),
  disconnectServer: (args) => syncValidators.disconnectServer(args),
  retryNow: (args) => syncValidators.retryNow(args),
  syncStatus: (args) => syncValidators.syncStatus(args),
  hostMeeting: (args) => syncValidators.hostMeeting(args),
  stopMeeting: (args) => syncValidators.stopMeeting(args),
  exportReport: (args) => exportRefusal(() => validateExportReportArgs(args)),
  cancelExport: (args) => exportRefusal(() => [validateJobId(args[0])]),
  prepareExport: noArgs,
  importDraft: (args) => exportRefusal(() => validateImportDraftArgs(args)),
};

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(validators, name);
}

/** Checks a request that arrived from the renderer; throws ApiError when malformed. */
export function validateRequest(name: unknown, args: unknown): { name: RequestName; args: unknown[] } {
  if (!isRequestName(name)) throw new ApiError(`Unknown request ${JSON.stringify(String(name)).slice(0, 80)}.`);
  if (!Array.isArray(args)) throw new ApiError('Request arguments must be a list.');
  return { name, args: validators[name](args) };
}
