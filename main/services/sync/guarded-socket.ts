/**
 * The WebSocket the app's links to a server or meeting use (the provider's
 * `WebSocketPolyfill`): every frame the server sends is checked (frame-guard.ts
 * `checkServerFrame`) before the provider sees it. A frame that is not acceptable
 * closes the connection and is logged; the report never receives any of it. Large
 * updates (a whole report on first sync) are decoded on the update guard's worker
 * within a time bound; frames behind one wait, so the provider still gets them in order.
 * And what a frame leaves waiting in the report (updates that build on ones not yet
 * arrived) is bounded, as on the sync server (waiting-limit.ts): a server cannot make
 * each of its messages cost the app as much as all it sent before.
 *
 * `ws` emits 'error' when a socket is closed while still connecting, which the provider
 * does on close and between retries after removing its own listeners; with no listener
 * left that error would be an uncaught exception in the main process.
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type * as Y from 'yjs';
import { watchTraffic, type Traffic } from './traffic-watch.ts';
import { checkServerFrame, CloseCode, RefusedFrameError, type CheckedFrame } from './frame-guard.ts';
import { UpdateGuard, type NeighbourPairList } from './update-guard.ts';
import { misplacedText } from './neighbour-order-guard.ts';
import { trustSystemCertificates } from './system-certificates.ts';
import { withReplyParts } from './reply-parts.ts';
import { boundWaiting, DEFAULT_MAX_WAITING_BYTES, waitingBytes } from './waiting-updates.ts';

/** Why the app closes a connection whose change would leave too much waiting (the server's log shows it). */
export const LINK_WAITING_REFUSED_REASON = 'Too many changes wait for ones not sent.';

/** A whole report's first sync fits: the largest reports measured are a few MB. */
export const MAX_SERVER_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * How long a connection this app closes waits for the other side's close frame before
 * it is dropped. `ws` waits 30 s; on a slow line that frame queues behind the rest of
 * what the other side was sending (a report being fetched), which would keep the line
 * busy with what nobody reads any more, against the member's next link.
 */
const CLOSE_GRACE_MS = 1_000;

export interface GuardedSocketOptions {
  /** The server and report, for the log line a refusal writes. */
  url: string;
  reportId: string;
  /** The copy the provider applies the server's updates to. */
  doc: Y.Doc;
  /** Most bytes of updates a server's messages may leave `doc` holding waiting for ones not yet arrived. */
  maxWaitingBytes?: number;
  /**
   * Told when a message from the server let in updates `doc` kept waiting. The provider
   * sends the server nothing of what its own messages apply, and the server may lack them:
   * it drops the waiting part of a member's sync step 2 past its bound (waiting-limit.ts),
   * and what waited may have come from elsewhere.
   */
  onWaitingLetIn?: () => void;
  /** Told why a connection was closed (and the close code sent), after the log line; the report is untouched. */
  onRefused?: (reason: string, code: number) => void;
  /** Told of a connection that failed (no route, refused, a certificate not trusted…). */
  onError?: (error: Error & { code?: string }) => void;
  maxBytes?: number;
  /** Told, about once a second, that bytes arrived or left meanwhile, and how many in all (traffic-watch.ts). */
  onTraffic?: (traffic: Traffic, bytes: number) => void;
  /** Asked at each connection: the part size to ask the server's first-sync answer in, or null for one message (reply-parts.ts). */
  replyPartBytes?: () => number | null;
  /** Told what the server holds of the report (the state vector of its sync step 1), as it says so. */
  onServerState?: (stateVector: Uint8Array) => void;
}

/** One JSON line on stderr (the app's log) about what the server sent. */
function logLine(level: 'info' | 'warn', event: string, fields: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
}

function bytesOf(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  const view = data as Uint8Array;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** A WebSocket class for `HocuspocusProvider({ WebSocketPolyfill })`. */
export function guardedWebSocket(options: GuardedSocketOptions) {
  const maxBytes = options.maxBytes ?? MAX_SERVER_FRAME_BYTES;
  const maxWaitingBytes = options.maxWaitingBytes ?? DEFAULT_MAX_WAITING_BYTES;
  const where = { url: options.url, report: options.reportId };
  if (/^wss:/i.test(options.url)) trustSystemCertificates();
  return class GuardedWebSocket extends WebSocket {
    private refused = false;
    /** This end closed the connection: what still comes is not for anyone. */
    private leaving = false;
    /** Frames waiting behind an update being checked off-thread. */
    private waiting = 0;
    private queue: Promise<void> = Promise.resolve();
    private guard: UpdateGuard | null = null;
    private toldOfDrop = false;

    constructor(address: string, protocols?: string | string[]) {
      super(withReplyParts(address, options.replyPartBytes?.() ?? null), protocols);
      this.on('error', (error: Error & { code?: string }) => options.onError?.(error));
      this.once('close', () => void this.guard?.close());
      // While a long message arrives, the server hears nothing else from us: a ping says we are here.
      this.once('upgrade', (response: IncomingMessage) => watchTraffic(response.socket, (traffic, bytes) => {
        if (traffic === 'read' && this.readyState === WebSocket.OPEN) this.ping();
        options.onTraffic?.(traffic, bytes);
      }));
    }

    override close(code?: number, reason?: string | Buffer): void {
      this.leaving = true;
      super.close(code, reason);
      if (this.readyState === WebSocket.CLOSED) return;
      const drop = setTimeout(() => this.terminate(), CLOSE_GRACE_MS);
      drop.unref();
      this.once('close', () => clearTimeout(drop));
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'message') return super.emit(event, ...args);
      if (this.refused || this.leaving) return false;
      const [data, isBinary] = args;
      let checked: CheckedFrame;
      try {
        if (isBinary !== true) throw new RefusedFrameError('Text frame from the server.', CloseCode.unsupportedData);
        checked = checkServerFrame(bytesOf(data), maxBytes);
        if (checked.stateVector) options.onServerState?.(checked.stateVector);
      } catch (error) {
        this.refuse(error);
        return false;
      }
      const { deferredUpdates: deferred } = checked;
      if (deferred.length === 0 && this.waiting === 0) return this.deliver(data, isBinary, checked, checked.neighbourPairs);
      this.waiting += 1;
      this.queue = this.queue.then(async () => {
        try {
          this.guard ??= new UpdateGuard({ maxBytes, timeoutMs: 30_000 });
          let pairs = checked.neighbourPairs;
          for (const update of deferred) pairs = await this.guard.check(update, 'v1');
          if (!this.refused && !this.leaving) this.deliver(data, isBinary, checked, pairs);
        } catch (error) {
          // (A check cut short by the connection closing refused nothing.)
          if (this.readyState === WebSocket.OPEN) this.refuse(error);
        } finally {
          this.waiting -= 1;
        }
      });
      return true;
    }

    /**
     * Hands the provider a checked frame, which it applies at once, unless its update's
     * text would stand in a different place on each copy (neighbour-order.ts); what it
     * leaves waiting is bounded, and what it lets in of what waited is told (onWaitingLetIn).
     */
    private deliver(data: unknown, isBinary: unknown, checked: CheckedFrame, pairs: NeighbourPairList | null): boolean {
      const { update, updateBytes } = checked;
      if (update === null) return super.emit('message', data, isBinary);
      const misplaced = this.misplaced(updateBytes, pairs);
      if (misplaced) {
        this.refuse(misplaced);
        return false;
      }
      // (Yjs tries what waits again inside the transaction that brings what it builds on.)
      const waitedBefore = waitingBytes(options.doc);
      let refusedBytes: number | null = null;
      const stop = boundWaiting(options.doc, {
        maxBytes: maxWaitingBytes,
        refused: (_transaction, bytes) => {
          refusedBytes = bytes;
        },
      });
      try {
        return super.emit('message', data, isBinary);
      } finally {
        stop();
        if (refusedBytes !== null) this.tooMuchWaiting(update, refusedBytes);
        else if (waitingBytes(options.doc) < waitedBefore) options.onWaitingLetIn?.();
      }
    }

    /** Why the update's text would stand in a different place on each copy (neighbour-order-guard.ts), or null. */
    private misplaced(update: Uint8Array | null, pairs: NeighbourPairList | null): Error | null {
      if (!update || !pairs) return null;
      try {
        const { problem, dropped } = misplacedText(options.doc, update, pairs);
        if (dropped.length > 0) logLine('warn', 'link.waiting_misplaced_dropped', { ...where, clients: dropped });
        return problem ? new RefusedFrameError(`Update refused: ${problem}.`) : null;
      } catch (error) {
        return error as Error;
      }
    }

    /**
     * A change from the server that would leave too much waiting closes the connection
     * ("try again": a drop, not a refusal); the provider reconnects, and the sync brings
     * what it builds on. An answer to the sync is what the server itself keeps waiting,
     * which the next connection would bring again: its waiting part is left out, and
     * the connection stays.
     */
    private tooMuchWaiting(update: 'sync-step-2' | 'change', bytes: number): void {
      const fields = { ...where, waitingBytes: bytes, limit: maxWaitingBytes };
      if (update === 'sync-step-2') {
        if (!this.toldOfDrop) logLine('info', 'link.waiting_dropped', fields);
        this.toldOfDrop = true;
        return;
      }
      if (this.refused) return;
      this.refused = true;
      logLine('warn', 'link.waiting_refused', fields);
      this.close(CloseCode.tryAgain, LINK_WAITING_REFUSED_REASON);
    }

    private refuse(error: unknown): void {
      if (this.refused) return;
      this.refused = true;
      const reason = error instanceof Error ? error.message : String(error);
      logLine('warn', 'link.refused', { ...where, reason });
      const code = error instanceof RefusedFrameError ? error.code : CloseCode.invalidPayload;
      options.onRefused?.(reason, code);
      this.close(code, reason.slice(0, 120));
    }
  };
}
