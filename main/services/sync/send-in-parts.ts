/**
 * Sends a server (or a meeting) what it lacks of a report in parts, for when the report
 * has outgrown the server's message limit: the first sync of a report with a long
 * history is one update larger than the limit, which the server refuses (1009) each time.
 *
 * A second, short-lived link opens the report's incoming copy on the server (a document
 * of its own, which no one else sees: incoming-copies.ts) with an empty mirror doc,
 * which the Yjs sync exchange fills with what the server has. What it lacks is cut into
 * parts (report-parts.ts), applied to the mirror one at a time; the stock provider
 * sends each as an ordinary update, and the next waits until the server has it. Then
 * the server is asked to merge the copy into the report, in one transaction, and the
 * send is done once it answers that the report holds it, stored. A send that breaks off
 * leaves nothing in the report; it ends with what the next needs to go on from there
 * (`SendInPartsError.unfinished`: the copy's name and the mirror), since the server keeps
 * the copy a while (incoming-copies.ts). Once done, the report's own link connects again
 * and its sync exchange carries only what was typed meanwhile.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { Awareness } from 'y-protocols/awareness';
import type { AwarenessRelay } from '../awareness-relay.ts';
import { guardedWebSocket } from './guarded-socket.ts';
import { reportParts } from './report-parts.ts';
import { takePartsAsSent } from './parts-as-sent.ts';
import { CloseCode } from './frame-guard.ts';
import { heardFrom } from './traffic-watch.ts';
import { COPY_GONE, MERGE_FAILED, MERGE_REQUEST, MERGED, RESUME_PARAM } from './incoming-copies.ts';
import { incomingCopyName } from '../../../shared/report-id.ts';
import { providerToken, type LinkCredential } from './link-credential.ts';

/**
 * A send in parts that broke off after the server had some: its copy there, and the doc
 * that mirrored it (what the copy holds, and at most the part then under way).
 */
export interface UnfinishedSend {
  readonly uploadId: string;
  readonly mirror: Y.Doc;
  /** Parts the server had stored, for the count the member sees to go on from. */
  readonly stored: number;
  /** A part was on its way: the mirror holds it, and the server may not. */
  readonly underWay: boolean;
  /** The mirror's state vector before the part under way (what the server had stored), when one was. */
  readonly beforeUnderWay: Uint8Array | null;
}

/**
 * `send` without its part under way: its mirror as it was before that part, so that the
 * next send cuts that part anew with the rest (in smaller parts) rather than send it
 * again whole, and keeps the parts the server stored. The old mirror is let go.
 */
export function withoutPartUnderWay(send: UnfinishedSend): UnfinishedSend {
  if (send.beforeUnderWay === null) return send;
  const mirror = mirrorAt(send.mirror, send.beforeUnderWay);
  takePartsAsSent(mirror);
  send.mirror.destroy();
  return { ...send, mirror, underWay: false, beforeUnderWay: null };
}

export class SendInPartsError extends Error {
  override name = 'SendInPartsError';
  /** How the server closed the connection, if it did. */
  readonly closeCode: number | null;
  /** The reason the server gave for refusing or closing the link, if any. */
  readonly serverReason: string | null;
  /** What the next send to this server goes on from (the connection was lost midway), or null. */
  unfinished: UnfinishedSend | null = null;
  /** The connection was lost while a part was on its way (a line that drops sooner than such a part crosses it). */
  partCutShort = false;

  constructor(message: string, server: { closeCode?: number; reason?: string } = {}) {
    super(message);
    this.closeCode = server.closeCode ?? null;
    this.serverReason = server.reason || null;
  }

  /** A send that went on from an earlier one found its copy gone from the server: start over. */
  get copyGone(): boolean {
    // (Refused as the connection opens: said as a refusal, or with the close, whichever comes first.)
    return this.serverReason === COPY_GONE;
  }

  /** The server refused a part as too large: smaller parts may pass. */
  get tooLarge(): boolean {
    return this.closeCode === CloseCode.tooLarge;
  }
}

/**
 * A part may take as long to leave as at 256 kbit/s, on top of the wait for the answer:
 * a part of 16 MiB on a conference's Wi-Fi takes minutes, and is not a server that does
 * not answer.
 */
const SLOW_NETWORK_BYTES_PER_SECOND = 32 * 1024;

export interface SendInPartsOptions {
  url: string;
  reportId: string;
  /** A meeting's code, or the member's proof for a server (none unless given). */
  credential?: LinkCredential;
  doc: Y.Doc;
  /** Largest part, in bytes of update. */
  partBytes: number;
  /** After the server has each part (and once before the first, with `sent` 0). */
  onProgress?: (sent: number, total: number) => void;
  /** How long to wait for the server's answer to one step before giving up (and for a part to leave, as at 256 kbit/s). */
  stepTimeoutMs?: number;
  /** An earlier send to this server that broke off: go on from there (its mirror is taken over). */
  resume?: UnfinishedSend;
  /**
   * What the server said it holds of the report (the state vector of its sync step 1 on
   * the link's last connection), if known: the mirror starts as that much of `doc`, so the
   * server sends it only what it holds beyond, not the whole report first.
   */
  serverState?: Uint8Array | null;
  /**
   * Presence on the send's connection (the server relays it to and from the report,
   * incoming-copy-presence.ts), so the sender stays in the others' presence lists while
   * the parts go, and they in the sender's: given the connection's awareness, what to
   * call as it opens, and as the send ends.
   */
  presence?: (awareness: Awareness) => AwarenessRelay;
}

export interface PartsSending {
  /** Settles once the report on the server holds every part, stored; rejects with a SendInPartsError. */
  readonly done: Promise<void>;
  /** Stops (the report on the server stays as it was). */
  cancel(): void;
}

/** Closes that are a lost connection or a server going away, not a refusal of the send. */
const LOST_CONNECTION_CODES = new Set([1001, 1005, 1006, 1011, 1012]);

/**
 * The structs of `doc` a server holding `serverState` has too, as a doc of its own (Yjs's
 * snapshot of it, without deletions: the server sends its own), for a mirror that starts
 * where the server is. Only what `doc` has counts: the server may hold more.
 */
export function mirrorAt(doc: Y.Doc, serverState: Uint8Array): Y.Doc {
  const local = Y.decodeStateVector(Y.encodeStateVector(doc));
  const shared = new Map<number, number>();
  for (const [client, clock] of Y.decodeStateVector(serverState)) {
    const upTo = Math.min(clock, local.get(client) ?? 0);
    if (upTo > 0) shared.set(client, upTo);
  }
  return Y.createDocFromSnapshot(doc, Y.createSnapshot(Y.createDeleteSet(), shared), new Y.Doc({ gc: false }));
}

function withParam(address: string, name: string, value: string): string {
  const url = new URL(address);
  url.searchParams.set(name, value);
  return url.toString();
}

export function sendInParts(options: SendInPartsOptions): PartsSending {
  const { resume } = options;
  const mirror = resume?.mirror ?? (options.serverState ? mirrorAt(options.doc, options.serverState) : new Y.Doc({ gc: false }));
  if (!resume) takePartsAsSent(mirror);
  const uploadId = resume?.uploadId ?? randomUUID().replaceAll('-', '');
  /** Parts the server has stored, those of the sends this one goes on from included. */
  let stored = resume?.stored ?? 0;
  const stepTimeoutMs = options.stepTimeoutMs ?? 60_000;
  /** `lost`: the connection was lost or went silent (not refused, nor called off), and the server may keep the copy. */
  let settle: (error: SendInPartsError | null, lost?: boolean) => void = () => {};
  let provider: HocuspocusProvider | null = null;
  // The link itself is not a person: its own state is none, only those it relays.
  const awareness = options.presence ? new Awareness(mirror) : null;
  awareness?.setLocalState(null);
  let presence: AwarenessRelay | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let parts: Uint8Array[] | null = null;
  /** This send's parts the server has stored. */
  let sent = 0;
  let settled = false;
  /**
   * A part is applied to the mirror, and not yet stored by the server. A send that goes
   * on from one cut short starts so: its mirror's own sync step sends that part again (or
   * nothing, if it had arrived), and the first new part waits until the server has it.
   * Sent on top, new parts would pile up in the mirror at each break, and the sync step of
   * the next connection carry them all, one message longer each time than the line lets through.
   */
  let awaiting = resume?.underWay ?? false;
  let carriedOver = awaiting;
  let beforeUnderWay = resume?.beforeUnderWay ?? null;
  let mergeAsked = false;

  const done = new Promise<void>((resolve, reject) => {
    settle = (error, lost = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      presence?.stop();
      provider?.destroy();
      awareness?.destroy();
      // The connection was lost after the mirror took in the copy: the server keeps the
      // copy, and the next send goes on from it. (Not after a part refused as too large:
      // the mirror holds it, and would send it again whole.)
      if (error && lost && stored > 0) error.unfinished = { uploadId, mirror, stored, underWay: awaiting, beforeUnderWay: awaiting ? beforeUnderWay : null };
      else mirror.destroy();
      if (error && lost && awaiting) error.partCutShort = true;
      if (error) reject(error);
      else resolve();
    };
  });
  /** Waits for the server's answer to a step, and for `bytes` to leave first. */
  const waitAtMost = (what: string, bytes = 0): void => {
    clearTimeout(timer);
    const leaving = (bytes / SLOW_NETWORK_BYTES_PER_SECOND) * 1000;
    timer = setTimeout(() => settle(new SendInPartsError(`${options.url} did not answer in time (${what}).`), true), stepTimeoutMs + leaving);
  };

  const sendNext = (): void => {
    if (!parts || !provider) return;
    if (sent === parts.length) {
      if (mergeAsked) return;
      mergeAsked = true;
      waitAtMost('the merge of the parts into the report');
      provider.sendStateless(MERGE_REQUEST);
      return;
    }
    const part = parts[sent] as Uint8Array;
    waitAtMost(`part ${sent + 1} of ${parts.length}`, part.length);
    awaiting = true;
    beforeUnderWay = Y.encodeStateVector(mirror);
    Y.applyUpdate(mirror, part);
    // A part that brought the mirror nothing new sent nothing: there is no answer to wait for.
    if (provider.unsyncedChanges === 0) queueMicrotask(partStored);
  };
  /** The server has what the mirror sent: the part under way (the one carried over, or this send's next), and the sync step. */
  const partStored = (): void => {
    if (!parts) return;
    if (awaiting) {
      awaiting = false;
      stored += 1;
      // (A part carried over from the send this one goes on from is not one of this send's.)
      if (carriedOver) carriedOver = false;
      else sent += 1;
      options.onProgress?.(stored, stored + parts.length - sent);
    }
    sendNext();
  };

  waitAtMost('connecting');
  provider = new HocuspocusProvider({
    url: resume ? withParam(options.url, RESUME_PARAM, '1') : options.url,
    name: incomingCopyName(options.reportId, uploadId),
    document: mirror,
    token: providerToken(options.credential),
    awareness,
    WebSocketPolyfill: guardedWebSocket({
      url: options.url,
      reportId: options.reportId,
      doc: mirror,
      onRefused: (reason) => settle(new SendInPartsError(`${options.url} sent something that is not part of a report (${reason}).`)),
      onTraffic: (traffic) => heardFrom(provider, traffic),
    }),
    maxAttempts: 1,
    onOpen: () => presence?.announce(),
    onAuthenticationFailed: ({ reason }: { reason?: string }) => settle(new SendInPartsError(`${options.url} refused the link${reason ? ` (${reason})` : ''}.`, { reason })),
    onClose: ({ event }: { event?: { code?: number; reason?: string } }) => {
      const code = event?.code ?? 1006;
      settle(new SendInPartsError(code === CloseCode.tooLarge
        ? `${options.url} refused a part of ${options.partBytes} bytes as too large.`
        : `The connection to ${options.url} closed (${code}${event?.reason ? `: ${event.reason}` : ''}).`, { closeCode: code, reason: event?.reason }), LOST_CONNECTION_CODES.has(code));
    },
    onSynced: () => {
      if (parts) return;
      // The mirror now holds what the copy has (the report on the server): the parts are what it lacks.
      try {
        parts = reportParts(options.doc, Y.encodeStateVector(mirror), options.partBytes);
      } catch (error) {
        settle(new SendInPartsError(`The report could not be cut into parts (${(error as Error).message}).`));
        return;
      }
      options.onProgress?.(stored, stored + (awaiting ? 1 : 0) + parts.length);
      // The first part once the mirror's sync step is stored (as a resumed send, it may carry a part).
      if (provider?.unsyncedChanges === 0) partStored();
      else waitAtMost('the part under way when the connection broke off', awaiting ? options.partBytes : 0);
    },
    onStateless: ({ payload }: { payload: string }) => {
      if (payload === MERGED) settle(null);
      else if (payload.startsWith(MERGE_FAILED)) settle(new SendInPartsError(`${options.url} could not add the parts to the report (${payload.slice(MERGE_FAILED.length)}).`));
    },
    // (Called as the provider sends an update, and as the server says it has one.)
    onUnsyncedChanges: () => {
      if (provider?.unsyncedChanges === 0) partStored();
    },
  } as ConstructorParameters<typeof HocuspocusProvider>[0]);
  if (awareness && !settled) presence = options.presence?.(awareness);

  return { done, cancel: () => settle(new SendInPartsError('Cancelled.')) };
}
