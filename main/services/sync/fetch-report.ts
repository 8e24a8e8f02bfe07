/**
 * Fetches the whole of a report this machine does not have yet from a sync server or a
 * meeting, into a fresh Y.Doc, with the stock Hocuspocus provider: the Yjs sync
 * exchange, then the connection is closed. The caller decides what to keep.
 *
 * A connection that breaks off while the report comes is made again, and asks the
 * server for the rest in parts about the size the line carried (reply-parts.ts): on a
 * network that drops every minute or two a large report still arrives, part by part.
 * A fetch that gives up then keeps what came for the user's next try (unfinished-fetches.ts).
 *
 * Every way this can fail ends in a `FetchReportError` whose message says what to do:
 * the server cannot be reached, the meeting code was refused, nothing came in time, or
 * what came is not the report that was asked for (a server makes an empty document for
 * an id it has never seen, so a mistyped id looks like an empty report).
 */
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import type { Awareness } from 'y-protocols/awareness';
import type { AwarenessRelay } from '../awareness-relay.ts';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../../shared/schema.ts';
import { bodyOf, createReportDoc, readMeta } from '../../../shared/ydoc.ts';
import { assertValidReportId } from '../../../shared/report-id.ts';
import { refusalMessage } from './refusal-message.ts';
import { guardedWebSocket, MAX_SERVER_FRAME_BYTES } from './guarded-socket.ts';
import { CloseCode } from './frame-guard.ts';
import { heardFrom, progressOf } from './traffic-watch.ts';
import { partsAfterBreak, RESUME_AFTER_BYTES } from './reply-parts.ts';
import { keepUnfinished, takeUnfinished } from './unfinished-fetches.ts';
import { MEETING_ENDED } from './meeting-host.ts';
import { fileSize } from '../../../shared/file-size.ts';
import { keyProblemOf, providerToken, toMeeting, type LinkCredential } from './link-credential.ts';

export class FetchReportError extends Error {
  override name = 'FetchReportError';
  /** The meeting the report was fetched from ended meanwhile (its host stopped it). */
  readonly meetingEnded: boolean;

  constructor(message: string, meetingEnded = false) {
    super(message);
    this.meetingEnded = meetingEnded;
  }
}

export interface FetchReportOptions {
  /** `ws://HOST:N` (or `wss://`). */
  url: string;
  reportId: string;
  /** A meeting's code, or the member's proof for a server (none unless given). */
  credential?: LinkCredential;
  /**
   * How long the server may send nothing at all before the fetch gives up. Not a limit
   * on the whole: a large report on a slow network takes minutes, and arrives.
   */
  timeoutMs?: number;
  /** Told, about once a second while the report comes, how many bytes have come. */
  onReceived?: (bytes: number) => void;
  /** Told when the connection broke off after `bytes` had come, and is being made again to fetch the rest. */
  onResuming?: (bytes: number) => void;
  /**
   * The copy of the report this machine has, for a linked report whose first sync broke
   * off (report-links.ts): the fetch starts from it, so only what it lacks comes, in parts
   * of `partBytes` from the first connection. The copy itself is not changed. A server
   * not reached is called again, until nothing has come for `timeoutMs`.
   */
  base?: { doc: Y.Doc; partBytes: number };
  /**
   * Presence on the fetch's connections, for a catch-up of an open report (its people
   * stay in the others' lists meanwhile, and the others in theirs): given the
   * connection's awareness, what to call as each connection opens, and as the fetch ends.
   */
  presence?: (awareness: Awareness) => AwarenessRelay;
  /** Ends the fetch (rejecting it) when aborted: the link was closed meanwhile. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Between attempts to make a broken connection again; the silence limit ends them. */
const RECONNECT_DELAY_MS = 1_000;
const RECONNECT_MAX_DELAY_MS = 10_000;

export function fetchReport(options: FetchReportOptions): Promise<Y.Doc> {
  assertValidReportId(options.reportId);
  // A try before this one that gave up after some of the report came: go on from there.
  const unfinished = takeUnfinished(options.reportId);
  const doc = unfinished?.doc ?? createReportDoc();
  // (Only what the doc lacks of the copy: a kept unfinished fetch holds most of it already.)
  if (options.base) Y.applyUpdate(doc, Y.encodeStateAsUpdate(options.base.doc, Y.encodeStateVector(doc)));
  const where = options.url;
  return new Promise<Y.Doc>((resolve, reject) => {
    let settled = false;
    let everOpen = false;
    let presence: AwarenessRelay | undefined;
    /** Whether the current connection opened (one that never did closes too). */
    let connected = false;
    /**
     * Ends the fetch. An error that is the network's (`resumable`: nothing came for a
     * while, or the server was not reached) keeps what came, for the next try.
     */
    const finish = (error: FetchReportError | null, resumable = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      presence?.stop();
      provider.destroy();
      if (!error) {
        resolve(doc);
        return;
      }
      if (resumable && partBytes !== null) keepUnfinished(options.reportId, { doc, partBytes, received: receivedBefore + receivedNow });
      else doc.destroy();
      reject(error);
    };
    const unreachable = (): FetchReportError =>
      new FetchReportError(`Could not reach ${where}. Check the address, that you are on the right network, and that the server or meeting is running.`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    /** Bytes that came on the connections before this one, and on this one so far. */
    let receivedBefore = unfinished?.received ?? 0;
    let receivedNow = 0;
    /** Once a connection carrying the report broke off: the part size the rest is asked in. */
    let partBytes: number | null = unfinished?.partBytes ?? options.base?.partBytes ?? null;
    const giveUp = (): void => finish(partBytes !== null
      ? new FetchReportError(`The connection to ${where} broke off after ${fileSize(receivedBefore + receivedNow)} of the report came, and nothing more came for ${timeoutMs / 1000} s. Check your network connection and try again: the next try goes on from there.`)
      : everOpen
        ? new FetchReportError(`${where} stopped sending the report: nothing came for ${timeoutMs / 1000} s. Check your network connection and try again.`)
        : unreachable(), true);
    let timer = setTimeout(giveUp, timeoutMs);
    // (Pings alone do not hold the fetch open: the report has to be coming.)
    const reportComing = progressOf();
    const heard = (): void => {
      if (settled) return;
      clearTimeout(timer);
      timer = setTimeout(giveUp, timeoutMs);
    };
    /** The connection closed after opening: made again when it was carrying the report, else the end. */
    const brokeOff = (): void => {
      if (partBytes === null && receivedNow < RESUME_AFTER_BYTES) {
        finish(new FetchReportError(`The connection to ${where} broke off before the whole report came. Check your network connection and try again.`));
        return;
      }
      if (receivedNow > 0) partBytes = partsAfterBreak(receivedNow, partBytes);
      receivedBefore += receivedNow;
      receivedNow = 0;
      options.onResuming?.(receivedBefore);
    };
    if (unfinished) options.onResuming?.(receivedBefore);
    options.signal?.addEventListener('abort', () => finish(new FetchReportError('The fetch was called off.')), { once: true });
    const provider = new HocuspocusProvider({
      url: options.url,
      name: options.reportId,
      document: doc,
      token: providerToken(options.credential),
      WebSocketPolyfill: guardedWebSocket({
        url: options.url,
        reportId: options.reportId,
        doc,
        onRefused: (reason, code) => finish(new FetchReportError(code === CloseCode.tooLarge
          ? `The report on ${where} is larger than this app takes in one message (${MAX_SERVER_FRAME_BYTES / 1024 / 1024} MiB); nothing was kept. Ask a member who has it for a copy of the report file (File → Save a copy as…).`
          : `${where} sent something that is not part of a report (${reason}); nothing was kept.`)),
        onTraffic: (traffic, bytes) => {
          heardFrom(provider, traffic);
          if (traffic !== 'read') return;
          receivedNow = bytes;
          if (!reportComing(receivedBefore + bytes)) return;
          heard();
          if (!settled) options.onReceived?.(receivedBefore + bytes);
        },
        replyPartBytes: () => partBytes,
      }),
      // Until a connection has carried some of the report, one try: the user is waiting
      // in a dialog and can try again. After, the provider makes it again (brokeOff).
      maxAttempts: 0,
      delay: RECONNECT_DELAY_MS,
      minDelay: RECONNECT_DELAY_MS,
      factor: 2,
      maxDelay: RECONNECT_MAX_DELAY_MS,
      // (Silence is judged above, with its own message.)
      messageReconnectTimeout: 2 * timeoutMs,
      onOpen: () => {
        everOpen = true;
        connected = true;
        presence?.announce();
      },
      onAuthenticationFailed: ({ reason }: { reason?: string }) => finish(new FetchReportError(refusalMessage({ meeting: toMeeting(options.credential), reason, where, keyProblem: keyProblemOf(options.credential) }))),
      onClose: ({ event }: { event?: { code?: number } }) => {
        if (settled) return;
        const wasOpen = connected;
        connected = false;
        // Not a line that drops: nothing more will come from there.
        if (wasOpen && event?.code === MEETING_ENDED.code) finish(new FetchReportError('The meeting ended before the whole report came.', true), true);
        // A catch-up (`base`) has no one waiting in a dialog, and follows a line that just
        // dropped: the provider makes it again while the line is down (until the silence limit).
        else if (!everOpen && !options.base) finish(unreachable(), true);
        // (An attempt to make it again that found no server: the provider tries again, the silence limit ends it.)
        else if (wasOpen) brokeOff();
      },
      onSynced: () => {
        try {
          checkFetched(doc, options.reportId, where);
          finish(null);
        } catch (error) {
          finish(error instanceof FetchReportError ? error : new FetchReportError(`What ${where} sent is not a readable report.`));
        }
      },
    } as ConstructorParameters<typeof HocuspocusProvider>[0]);
    if (provider.awareness && !settled) presence = options.presence?.(provider.awareness);
  });
}

/** Throws unless `doc` holds the report `reportId` with a body the editor can show. */
function checkFetched(doc: Y.Doc, reportId: string, where: string): void {
  const meta = readMeta(doc);
  if (!meta.id) {
    throw new FetchReportError(`${where} has no report ${reportId}. Check the report's address (the part after the last "/") with whoever sent it.`);
  }
  if (meta.id !== reportId) throw new FetchReportError(`${where} sent report ${meta.id} when asked for ${reportId}; nothing was kept.`);
  // Throws on a body outside the schema. (One with no block at all is another client's
  // doing; the editor opens it with an empty paragraph to type in.)
  const body = yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema);
  if (body.childCount > 0) body.check();
}
