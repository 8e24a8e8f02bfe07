/**
 * Requests the renderer makes of main about syncing (added to RequestMap in api.ts):
 * update bundles (export what a named colleague lacks, import one), the link to a sync
 * server, and hosting a meeting; with the validators main runs before a handler sees
 * them, and the status main pushes as a `syncStatus` HostEvent.
 */
import { ApiError, type ReportSummary } from './api.ts';
import { isValidReportId } from './report-id.ts';
import { fileSize } from './file-size.ts';

/** A changes file's extension (without the dot). */
export const BUNDLE_EXTENSION = 'plenary-changes';

export type SyncState = 'not-connected' | 'offline' | 'connecting' | 'syncing' | 'in-sync';

/** Why a report goes to its server in parts: too large for one message, or a line that keeps breaking off under a large backlog. */
export type PartsReason = 'too-large' | 'line-drops';
const PARTS_REASONS: readonly PartsReason[] = ['too-large', 'line-drops'];

export interface SyncStatusView {
  state: SyncState;
  /** Local changes the server has not acknowledged ("syncing N updates"). */
  pending: number;
  /** ISO time of the last moment the report was in sync with its server. */
  lastSyncAt: string | null;
  /** The server's address, when the report is linked to one. */
  server: string | null;
  /** True when that link is to someone else's meeting (joined by invitation), not a standing server. */
  inMeeting: boolean;
  /**
   * Why the last link ended by the other side's doing — "The meeting ended", or a
   * refusal — shown until the report is linked anew; null otherwise.
   */
  linkEnded: string | null;
  /**
   * ISO time the link ended, for an end that may be read long after (a host ending its
   * meeting); null for refusals, which answer what the member has just done.
   */
  linkEndedAt: string | null;
  /** Why the link cannot connect when retrying alone will not help (a wss:// certificate). */
  problem: string | null;
  /** The meeting this app hosts for the report, if any. */
  meeting: MeetingInfo | null;
  /**
   * The report is being sent to the server in parts: parts stored so far, of how many
   * (0 of 0 while the server's state is read), and why — its history is larger than the
   * server takes in one message, or the connection kept breaking off before a large
   * backlog was through. While the state is offline, the rest waits for the server.
   */
  sendingInParts: { sent: number; total: number; why: PartsReason } | null;
  /**
   * While syncing: bytes received from the server and sent to it since the sync began,
   * shown once a sync is long enough to wait for (a large backlog on a slow network).
   */
  transfer: { received: number; sent: number } | null;
  /** The server lets this member read only (an observer): their edits stay in their copy. */
  readOnly: boolean;
}

export interface MeetingInfo {
  /** `ws://HOST:N`. */
  url: string;
  /** Short code guests type (6 characters). */
  code: string;
  /** One string to share: `ws://HOST:N/<report id>#<code>`. */
  invite: string;
  /** For members who have the report already: `ws://HOST:N#<code>`. */
  shortInvite: string;
  /**
   * This computer no longer has the address the meeting listens on (it left that
   * network): nobody can reach the meeting until the address comes back, or it is
   * started again on another.
   */
  addressGone: boolean;
  /** How many guests are in the meeting now. */
  guests: number;
  /** Who they are, as their presence says ("Ana Diaz (government)"); a guest whose presence has not come yet is not here. */
  guestNames: string[];
}

export interface BundleExportResult {
  path: string;
  bytes: number;
  /** True when it holds the whole report (first bundle for that person, or asked for). */
  complete: boolean;
}

/** Export changes… for everyone on the roster: one file per member, in a folder of their own. */
export interface EveryoneExportResult {
  folder: string;
  files: number;
  bytes: number;
  /** How many of them hold the whole report (members never sent a file before, or asked for). */
  complete: number;
}

export interface BundleImportResult {
  /** Who sent each file, in the order given ('' when a file names nobody). */
  senders: string[];
  /** False when the report already had everything in them. */
  changed: boolean;
}

/**
 * How far a long sync action has got (main sends it while it runs): an import checks
 * each file, then merges them in one go; an export for everyone writes one file per
 * member; fetching a report this computer does not have receives it (minutes, on a slow
 * network).
 */
export interface ChangesProgressEvent {
  type: 'changesProgress';
  phase: 'checking' | 'merging' | 'writing' | 'fetching' | 'resuming';
  /** Files checked (checking) or written (writing) so far; 0 (merging); bytes received (fetching, resuming). */
  done: number;
  /** Files in the import, or members to write for; 0 when fetching or resuming (the size is not known ahead). */
  total: number;
}

/** A whole number of things or bytes, as a host's event may carry one. */
function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

const PROGRESS_PHASES: readonly ChangesProgressEvent['phase'][] = ['checking', 'merging', 'writing', 'fetching', 'resuming'];

/** Checks a progress event received from the host. */
export function parseChangesProgress(event: { type: string }): ChangesProgressEvent | null {
  const e = event as Record<string, unknown>;
  if (e.type !== 'changesProgress' || !PROGRESS_PHASES.includes(e.phase as ChangesProgressEvent['phase'])) return null;
  if (!isCount(e.done) || !isCount(e.total)) return null;
  const phase = e.phase as ChangesProgressEvent['phase'];
  if (phase === 'fetching' || phase === 'resuming' ? e.total !== 0 : e.total < e.done) return null;
  return { type: 'changesProgress', phase, done: e.done, total: e.total };
}

/** The line the Import (or Export) dialog shows for it. */
export function describeChangesProgress(progress: ChangesProgressEvent): string {
  if (progress.phase === 'fetching') return `Fetching the report… ${fileSize(progress.done)} received`;
  if (progress.phase === 'resuming') return `The connection broke off after ${fileSize(progress.done)}; connecting again to fetch the rest…`;
  if (progress.phase === 'writing') return `Writing the changes files: ${progress.done} of ${progress.total}…`;
  if (progress.phase === 'merging') return `Merging the changes of ${progress.total === 1 ? 'the file' : `${progress.total} files`} into the report…`;
  return progress.total === 1 ? 'Checking the file…' : `Checking the files: ${progress.done} of ${progress.total}…`;
}

/** A changes file the browser host offers to import (it has no file dialog). */
export interface ChangesFileEntry {
  name: string;
  bytes: number;
  /** ISO time of its last change. */
  modified: string;
}

export interface SyncRequestMap {
  /** Writes the changes `recipient` lacks (everything when `complete`) to a file; null if cancelled. */
  exportChanges: { args: [recipient: string, path: string | null, complete: boolean]; result: BundleExportResult | null };
  /**
   * Writes, for each other active member on the roster, the changes they lack (everything
   * when `complete`) to a file of their own, in a new folder (chosen by the user when
   * null); null if cancelled.
   */
  exportChangesForEveryone: { args: [folder: string | null, complete: boolean]; result: EveryoneExportResult | null };
  /**
   * Merges one or more changes files (chosen by the user when null) at once; refused as a
   * whole, the report untouched, when one is not for this report, damaged or newer.
   */
  importChanges: { args: [paths: string[] | null]; result: BundleImportResult | null };
  /**
   * The changes files Import changes… can offer by name, newest first: the browser host's
   * Reports folder; none in the desktop app, whose file dialog shows them.
   */
  changesFilesHere: { args: []; result: ChangesFileEntry[] };
  /**
   * Changes files the user opened with the app itself (a double-click on one received by
   * e-mail, the command line) that are for this report, to import now; each is given
   * once. The host announces them with a `changesFilesWaiting` event.
   */
  changesFilesToImport: { args: []; result: string[] };
  /** Links the report to a sync server (ws:// or wss://), remembered for next time. */
  connectServer: { args: [url: string]; result: SyncStatusView };
  /**
   * Gets a report this copy of Plenary does not have from a server
   * (`ws://HOST:N/<report id>`) or a meeting (its invitation), keeps it as a local
   * report file linked to that server or meeting, and opens it. A report already here
   * is opened and linked instead of fetched again.
   */
  joinReport: { args: [address: string]; result: ReportSummary };
  /** Unlinks it (the report stays complete here). */
  disconnectServer: { args: []; result: SyncStatusView };
  /** The window heard that the network is back: a link waiting to reconnect tries at once. */
  retryNow: { args: []; result: SyncStatusView };
  syncStatus: { args: []; result: SyncStatusView };
  /** Hosts a meeting for this report on the local network. */
  hostMeeting: { args: []; result: MeetingInfo };
  /** Stops it; every copy keeps what it has. */
  stopMeeting: { args: []; result: SyncStatusView };
}

const MAX_NAME = 200;
const MAX_URL = 2048;
const MAX_PATH = 4096;
/** More files than a working group's members send in one round, with room to spare. */
export const MAX_IMPORT_FILES = 500;

function noArgs(args: unknown[]): [] {
  if (args.length !== 0) throw new ApiError('This request takes no arguments.');
  return [];
}

function filePath(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH || value.includes('\0')) {
    throw new ApiError('The changes file must be a file path.');
  }
  return value;
}

function optionalPath(value: unknown): string | null {
  return value === null || value === undefined ? null : filePath(value);
}

function optionalPaths(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IMPORT_FILES) {
    throw new ApiError(`Import takes from 1 to ${MAX_IMPORT_FILES} changes files at once.`);
  }
  return value.map(filePath);
}

/**
 * The changes files named in one field of the browser host's Import dialog (it has no
 * file dialog): names separated by commas; a comma counts as a separator only right
 * after a name's extension, so "Ana, Bo.plenary-changes" stays one name.
 */
export function splitChangesFileNames(text: string): string[] {
  return text.split(new RegExp(`(?<=\\.${BUNDLE_EXTENSION})\\s*,`, 'i')).map((name) => name.trim()).filter(Boolean);
}

/** What the status line says after an import: who the changes came from, and whether anything was new. */
export function describeImport(result: BundleImportResult): string {
  const named = [...new Set(result.senders.filter(Boolean))];
  const files = result.senders.length;
  const shown = named.length <= 3 ? named : [...named.slice(0, 2), `${named.length - 2} others`];
  const from = shown.length === 0 ? '' : ` from ${shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`}`;
  const count = files > 1 ? ` (${files} files)` : '';
  return result.changed ? `Changes${from} imported${count}.` : `The changes${from}${count} were already in this report; nothing changed.`;
}

/** A person's name as typed: trimmed, 1–200 characters, no control characters. */
export function checkPersonName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new ApiError('Give the name of the person the changes are for (up to 200 characters).');
  }
  return name;
}

/**
 * A sync server's address: ws:// or wss://, a host (name, IPv4 or [IPv6]), an optional
 * port and path; a personal invitation adds `?member=<entry id>` (report-address.ts),
 * a meeting's invitation `#<code>` (meeting-host.ts).
 */
export function checkServerAddress(value: unknown): string {
  // An address copied out of a message brings what wrapped it in the sentence ("Join us at
  // <ws://…#ABC234>." or “…”): no address, report id, entry or code ends or starts with it.
  const text = typeof value === 'string' ? value.trim().replace(/^[<("'“‘«]+|[>)"'”’».,;:!?]+$/gu, '') : '';
  const shape = /^wss?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/[^\s#?]*)?(?:\?member=[A-Za-z0-9_-]{1,64})?(?:#[A-Za-z0-9 -]{1,16})?$/i;
  if (text.length > MAX_URL || !shape.test(text)) {
    throw new ApiError('A server address starts with ws:// or wss:// and names a host, e.g. wss://sync.example.org or ws://192.168.1.20:4455.');
  }
  return text;
}

/**
 * The report an address names, if any: the path of `ws://HOST:N/<report id>` or of a
 * meeting's invitation (`…/<report id>#<code>`); null for a bare server address.
 */
export function reportIdInAddress(address: string): string | null {
  const path = /^wss?:\/\/[^/#]+\/([^#?]*)/i.exec(address.trim())?.[1] ?? '';
  let id: string;
  try {
    id = decodeURIComponent(path);
  } catch {
    return null;
  }
  return isValidReportId(id) ? id : null;
}

export const syncValidators: { [K in keyof SyncRequestMap]: (args: unknown[]) => SyncRequestMap[K]['args'] } = {
  exportChanges: (args) => {
    if (args.length !== 3 || typeof args[2] !== 'boolean') throw new ApiError('Export takes a name, a path (or null) and whether to include everything.');
    return [checkPersonName(args[0]), optionalPath(args[1]), args[2]];
  },
  exportChangesForEveryone: (args) => {
    if (args.length !== 2 || typeof args[1] !== 'boolean') throw new ApiError('Export for everyone takes a folder (or null) and whether to include everything.');
    return [optionalPath(args[0]), args[1]];
  },
  importChanges: (args) => [optionalPaths(args[0])],
  changesFilesHere: noArgs,
  changesFilesToImport: noArgs,
  connectServer: (args) => [checkServerAddress(args[0])],
  joinReport: (args) => [checkServerAddress(args[0])],
  disconnectServer: noArgs,
  retryNow: noArgs,
  syncStatus: noArgs,
  hostMeeting: noArgs,
  stopMeeting: noArgs,
};

const STATES: readonly SyncState[] = ['not-connected', 'offline', 'connecting', 'syncing', 'in-sync'];

/** Checks a status received from the host (the browser host's event frames). */
export function parseSyncStatus(value: unknown): SyncStatusView | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (!STATES.includes(v.state as SyncState) || typeof v.pending !== 'number') return null;
  const meeting = v.meeting as Record<string, unknown> | null;
  const meetingOk = meeting === null || (typeof meeting === 'object' && typeof meeting.url === 'string' && typeof meeting.code === 'string' && typeof meeting.invite === 'string' && typeof meeting.shortInvite === 'string');
  if (!meetingOk) return null;
  return {
    state: v.state as SyncState,
    pending: v.pending,
    lastSyncAt: typeof v.lastSyncAt === 'string' ? v.lastSyncAt : null,
    server: typeof v.server === 'string' ? v.server : null,
    inMeeting: v.inMeeting === true,
    linkEnded: typeof v.linkEnded === 'string' ? v.linkEnded : null,
    linkEndedAt: typeof v.linkEnded === 'string' && typeof v.linkEndedAt === 'string' ? v.linkEndedAt : null,
    problem: typeof v.problem === 'string' ? v.problem : null,
    meeting: meeting ? { url: String(meeting.url), code: String(meeting.code), invite: String(meeting.invite), shortInvite: String(meeting.shortInvite), addressGone: meeting.addressGone === true, guests: isCount(meeting.guests) ? meeting.guests : 0, guestNames: namesOf(meeting.guestNames) } : null,
    sendingInParts: partsProgress(v.sendingInParts),
    transfer: transferOf(v.transfer),
    readOnly: v.readOnly === true,
  };
}

/** At most as many names as a meeting could have guests, each as long as a presence's name and group. */
function namesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((name): name is string => typeof name === 'string' && name !== '').slice(0, 1_000).map((name) => name.slice(0, 200));
}

function transferOf(value: unknown): SyncStatusView['transfer'] {
  if (!value || typeof value !== 'object') return null;
  const { received, sent } = value as Record<string, unknown>;
  return isCount(received) && isCount(sent) ? { received, sent } : null;
}

function partsProgress(value: unknown): SyncStatusView['sendingInParts'] {
  if (!value || typeof value !== 'object') return null;
  const { sent, total, why } = value as Record<string, unknown>;
  if (!PARTS_REASONS.includes(why as PartsReason)) return null;
  return isCount(sent) && isCount(total) && sent <= total ? { sent, total, why: why as PartsReason } : null;
}
