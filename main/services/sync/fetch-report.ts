/**
 * Fetches the whole of a report this machine does not have yet from a sync server or a
 * meeting, into a fresh Y.Doc, with the stock Hocuspocus provider: one connection, the
 * Yjs sync exchange, then the connection is closed. The caller decides what to keep.
 *
 * Every way this can fail ends in a `FetchReportError` whose message says what to do:
 * the server cannot be reached, the meeting code was refused, nothing came in time, or
 * what came is not the report that was asked for (a server makes an empty document for
 * an id it has never seen, so a mistyped id looks like an empty report).
 */
import type * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../../shared/schema.ts';
import { bodyOf, createReportDoc, readMeta } from '../../../shared/ydoc.ts';
import { assertValidReportId } from '../../../shared/report-id.ts';
import { refusalMessage } from './refusal-message.ts';
import { guardedWebSocket, MAX_SERVER_FRAME_BYTES } from './guarded-socket.ts';
import { CloseCode } from './frame-guard.ts';
import { heardFrom, progressOf } from './traffic-watch.ts';

export class FetchReportError extends Error {
  override name = 'FetchReportError';
}

export interface FetchReportOptions {
  /** `ws://HOST:N` (or `wss://`). */
  url: string;
  reportId: string;
  /** A meeting's code. */
  token?: string;
  /**
   * How long the server may send nothing at all before the fetch gives up. Not a limit
   * on the whole: a large report on a slow network takes minutes, and arrives.
   */
  timeoutMs?: number;
  /** Told, about once a second while the report comes, how many bytes have come. */
  onReceived?: (bytes: number) => void;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function fetchReport(options: FetchReportOptions): Promise<Y.Doc> {
  assertValidReportId(options.reportId);
  const doc = createReportDoc();
  const where = options.url;
  return new Promise<Y.Doc>((resolve, reject) => {
    let settled = false;
    let everOpen = false;
    const finish = (error: FetchReportError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      provider.destroy();
      if (error) {
        doc.destroy();
        reject(error);
      } else {
        resolve(doc);
      }
    };
    const unreachable = (): FetchReportError =>
      new FetchReportError(`Could not reach ${where}. Check the address, that you are on the right network, and that the server or meeting is running.`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const giveUp = (): void => finish(everOpen
      ? new FetchReportError(`${where} stopped sending the report: nothing came for ${timeoutMs / 1000} s. Check your network connection and try again.`)
      : unreachable());
    let timer = setTimeout(giveUp, timeoutMs);
    // (Pings alone do not hold the fetch open: the report has to be coming.)
    const reportComing = progressOf();
    const heard = (): void => {
      if (settled) return;
      clearTimeout(timer);
      timer = setTimeout(giveUp, timeoutMs);
    };
    const provider = new HocuspocusProvider({
      url: options.url,
      name: options.reportId,
      document: doc,
      token: options.token ?? null,
      WebSocketPolyfill: guardedWebSocket({
        url: options.url,
        reportId: options.reportId,
        onRefused: (reason, code) => finish(new FetchReportError(code === CloseCode.tooLarge
          ? `The report on ${where} is larger than this app takes in one message (${MAX_SERVER_FRAME_BYTES / 1024 / 1024} MiB); nothing was kept. Ask a member who has it for a copy of the report file (File → Save a copy as…).`
          : `${where} sent something that is not part of a report (${reason}); nothing was kept.`)),
        onTraffic: (traffic, bytes) => {
          heardFrom(provider, traffic);
          if (traffic !== 'read' || !reportComing(bytes)) return;
          heard();
          if (!settled) options.onReceived?.(bytes);
        },
      }),
      // One try: the user is waiting in a dialog and can try again.
      maxAttempts: 1,
      // (Silence is judged above, with its own message.)
      messageReconnectTimeout: 2 * timeoutMs,
      onOpen: () => {
        everOpen = true;
      },
      onAuthenticationFailed: ({ reason }: { reason?: string }) => finish(new FetchReportError(refusalMessage({ meeting: options.token !== undefined, reason, where }))),
      onMaxAttemptsFailed: () => finish(unreachable()),
      onClose: () => finish(everOpen
        ? new FetchReportError(`The connection to ${where} broke off before the whole report came. Check your network connection and try again.`)
        : unreachable()),
      onSynced: () => {
        try {
          checkFetched(doc, options.reportId, where);
          finish(null);
        } catch (error) {
          finish(error instanceof FetchReportError ? error : new FetchReportError(`What ${where} sent is not a readable report.`));
        }
      },
    } as ConstructorParameters<typeof HocuspocusProvider>[0]);
  });
}

/** Throws unless `doc` holds the report `reportId` with a body the editor can show. */
function checkFetched(doc: Y.Doc, reportId: string, where: string): void {
  const meta = readMeta(doc);
  if (!meta.id) {
    throw new FetchReportError(`${where} has no report ${reportId}. Check the report's address (the part after the last "/") with whoever sent it.`);
  }
  if (meta.id !== reportId) throw new FetchReportError(`${where} sent report ${meta.id} when asked for ${reportId}; nothing was kept.`);
  // Throws on a body outside the schema.
  yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema).check();
}
