/**
 * How the browser host carries `PlenaryApi` (api.ts) over one WebSocket.
 *
 * - Text frames are JSON. The page sends requests `{ kind: 'request', id, name, args }`;
 *   the host answers each with `{ kind: 'response', id, ok: true, result }` or
 *   `{ kind: 'response', id, ok: false, error }` (a message written for the user), and
 *   pushes HostEvents as `{ kind: 'event', event }`.
 * - Binary frames are y-protocols messages (sync-messages.ts), unchanged, both ways.
 *
 * Which report a socket edits is part of the socket's URL (`reportSocketUrl`), so one
 * page is one report, as one Electron window is.
 *
 * Pure: both the host and the page parse with these functions, and neither trusts the
 * other's frames further than these checks.
 */
import { MENU_COMMANDS, SYNC_DIALOGS, type HostEvent, type MenuCommand, type RequestName, type SyncDialog } from './api.ts';
import { parseSyncStatus } from './sync-requests.ts';

/** The WebSocket endpoint's path. */
export const SOCKET_PATH = '/api';

/** The page's query parameter (and the socket's) naming the report file. */
export const REPORT_PARAM = 'report';

/** Largest JSON frame either side accepts. */
export const MAX_TEXT_FRAME = 64 * 1024;

/** Close codes the host uses; the page shows the reason and does not retry on these. */
export const CloseCode = {
  /** A frame that is not part of this protocol. */
  protocolError: 4400,
  /** The report cannot be opened (missing, not a report, newer format…). */
  reportUnavailable: 4404,
  /** The host is shutting down; the page may retry. */
  goingAway: 1001,
} as const;

export interface RequestFrame {
  kind: 'request';
  id: number;
  name: RequestName | string;
  args: unknown[];
}

export type ResponseFrame =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

export interface EventFrame {
  kind: 'event';
  event: HostEvent;
}

export type HostFrame = ResponseFrame | EventFrame;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

function parseObject(text: string): Record<string, unknown> {
  if (text.length > MAX_TEXT_FRAME) throw new ProtocolError('Frame too large.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('Frame is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError('Frame is not an object.');
  return value as Record<string, unknown>;
}

function requestId(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ProtocolError('Frame has no valid id.');
  return value;
}

export function encodeRequest(id: number, name: RequestName, args: unknown[]): string {
  const frame: RequestFrame = { kind: 'request', id, name, args };
  return JSON.stringify(frame);
}

/** Parses a page's text frame. The request name and arguments are checked later by `validateRequest`. */
export function parseRequest(text: string): RequestFrame {
  const frame = parseObject(text);
  if (frame.kind !== 'request') throw new ProtocolError('Expected a request.');
  const id = requestId(frame.id);
  if (typeof frame.name !== 'string') throw new ProtocolError('Request has no name.');
  if (!Array.isArray(frame.args)) throw new ProtocolError('Request arguments must be a list.');
  return { kind: 'request', id, name: frame.name, args: frame.args as unknown[] };
}

export function encodeResponse(id: number, outcome: { result: unknown } | { error: string }): string {
  const frame: ResponseFrame = 'error' in outcome
    ? { kind: 'response', id, ok: false, error: outcome.error }
    : { kind: 'response', id, ok: true, result: outcome.result ?? null };
  return JSON.stringify(frame);
}

export function encodeEvent(event: HostEvent): string {
  const frame: EventFrame = { kind: 'event', event };
  return JSON.stringify(frame);
}

/**
 * Menu commands and errors are checked here. Event kinds added to HostEvent later pass
 * through with their `type`; their listeners check their own fields (the host is our
 * own process, but a page never acts on a field it has not checked).
 */
function parseEvent(value: unknown): HostEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError('Event is not an object.');
  const event = value as Record<string, unknown>;
  if (event.type === 'menu') {
    if (MENU_COMMANDS.includes(event.command as MenuCommand)) return { type: 'menu', command: event.command as MenuCommand };
    throw new ProtocolError('Unknown menu command.');
  }
  if (event.type === 'error') {
    if (typeof event.message === 'string') return { type: 'error', message: event.message };
    throw new ProtocolError('An error event needs a message.');
  }
  if (event.type === 'syncStatus') {
    const status = parseSyncStatus(event.status);
    if (status) return { type: 'syncStatus', status };
    throw new ProtocolError('Malformed sync status.');
  }
  if (event.type === 'syncDialog') {
    if (SYNC_DIALOGS.includes(event.dialog as SyncDialog)) return { type: 'syncDialog', dialog: event.dialog as SyncDialog };
    throw new ProtocolError('Unknown sync dialog.');
  }
  if (typeof event.type !== 'string' || event.type.length === 0) throw new ProtocolError('Event has no type.');
  return event as unknown as HostEvent;
}

/** Parses a host's text frame. */
export function parseHostFrame(text: string): HostFrame {
  const frame = parseObject(text);
  if (frame.kind === 'event') return { kind: 'event', event: parseEvent(frame.event) };
  if (frame.kind !== 'response') throw new ProtocolError('Expected a response or an event.');
  const id = requestId(frame.id);
  if (frame.ok === true) return { kind: 'response', id, ok: true, result: frame.result };
  if (frame.ok === false && typeof frame.error === 'string') return { kind: 'response', id, ok: false, error: frame.error };
  throw new ProtocolError('Malformed response.');
}
