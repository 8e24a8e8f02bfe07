/**
 * Requests the renderer makes of main about syncing (added to RequestMap in api.ts):
 * update bundles (export what a named colleague lacks, import one), the link to a sync
 * server, and hosting a meeting; with the validators main runs before a handler sees
 * them, and the status main pushes as a `syncStatus` HostEvent.
 */
import { ApiError, type ReportSummary } from './api.ts';
import { isValidReportId } from './report-id.ts';

export type SyncState = 'not-connected' | 'offline' | 'connecting' | 'syncing' | 'in-sync';

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
   * Why the last link ended by the other side's doing — "The meeting has ended", or a
   * refusal — shown until the report is linked anew; null otherwise.
   */
  linkEnded: string | null;
  /** Why the link cannot connect when retrying alone will not help (a wss:// certificate). */
  problem: string | null;
  /** The meeting this app hosts for the report, if any. */
  meeting: MeetingInfo | null;
}

export interface MeetingInfo {
  /** `ws://HOST:N`. */
  url: string;
  /** Short code guests type (6 characters). */
  code: string;
  /** One string to share: `ws://HOST:N/<report id>#<code>`. */
  invite: string;
}

export interface BundleExportResult {
  path: string;
  bytes: number;
  /** True when it holds the whole report (first bundle for that person, or asked for). */
  complete: boolean;
}

export interface BundleImportResult {
  sender: string;
  /** False when the report already had everything in it. */
  changed: boolean;
}

export interface SyncRequestMap {
  /** Writes the changes `recipient` lacks (everything when `complete`) to a file; null if cancelled. */
  exportChanges: { args: [recipient: string, path: string | null, complete: boolean]; result: BundleExportResult | null };
  /** Merges a changes file; refused with a message when it is not for this report, damaged or newer. */
  importChanges: { args: [path: string | null]; result: BundleImportResult | null };
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
  syncStatus: { args: []; result: SyncStatusView };
  /** Hosts a meeting for this report on the local network. */
  hostMeeting: { args: []; result: MeetingInfo };
  /** Stops it; every copy keeps what it has. */
  stopMeeting: { args: []; result: SyncStatusView };
}

const MAX_NAME = 200;
const MAX_URL = 2048;
const MAX_PATH = 4096;

function noArgs(args: unknown[]): [] {
  if (args.length !== 0) throw new ApiError('This request takes no arguments.');
  return [];
}

function optionalPath(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH || value.includes('\0')) {
    throw new ApiError('The changes file must be a file path.');
  }
  return value;
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
 * port and path; a meeting's invitation adds `#<code>` (meeting-host.ts).
 */
export function checkServerAddress(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const shape = /^wss?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/[^\s#?]*)?(?:#[A-Za-z0-9 -]{1,16})?$/i;
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
  importChanges: (args) => [optionalPath(args[0])],
  connectServer: (args) => [checkServerAddress(args[0])],
  joinReport: (args) => [checkServerAddress(args[0])],
  disconnectServer: noArgs,
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
  const meetingOk = meeting === null || (typeof meeting === 'object' && typeof meeting.url === 'string' && typeof meeting.code === 'string' && typeof meeting.invite === 'string');
  if (!meetingOk) return null;
  return {
    state: v.state as SyncState,
    pending: v.pending,
    lastSyncAt: typeof v.lastSyncAt === 'string' ? v.lastSyncAt : null,
    server: typeof v.server === 'string' ? v.server : null,
    inMeeting: v.inMeeting === true,
    linkEnded: typeof v.linkEnded === 'string' ? v.linkEnded : null,
    problem: typeof v.problem === 'string' ? v.problem : null,
    meeting: meeting ? { url: String(meeting.url), code: String(meeting.code), invite: String(meeting.invite) } : null,
  };
}
