/**
 * The Plenary sync server: Hocuspocus (a maintained Yjs WebSocket server) behind our
 * own `ws` endpoint, with every report stored durably in the data folder, one report
 * file (ReportStore) per report: an update is committed before it is acknowledged
 * (survives a killed process); committed updates are on disk within a second (power cut).
 *
 * How a client reaches a report: connect a Hocuspocus provider to the server's
 * address and name the report —
 *   new HocuspocusProvider({ url: 'ws://HOST:N', name: '<report id>', document })
 * (Hocuspocus multiplexes reports over one socket and carries the name in each
 * message). `ws://HOST:N/<report id>` is accepted as well and pins the socket to that
 * one report.
 *
 * Why our own `ws` front instead of Hocuspocus's Server: every frame is validated
 * (binary only, size-capped, fully parsed, updates decoded within a time bound) before
 * Hocuspocus parses it, and a refused frame closes the connection with a log line.
 */
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { Hocuspocus, type Document, type Extension, type onAuthenticatePayload } from '@hocuspocus/server';
import type * as Y from 'yjs';
import { SqlitePersistence } from './persistence.ts';
import { waitingLimit } from './waiting-limit.ts';
import { DurableOutbox, outboxSender } from './durable-outbox.ts';
import { redisExtension } from './redis-relay.ts';
import { checkClientFrame, CloseCode, RefusedFrameError } from './frame-guard.ts';
import { UpdateGuard } from './update-guard.ts';
import { lockDataFolder } from './data-folder-lock.ts';
import { neighbourOrderGuard } from './neighbour-order-guard.ts';
import { bindPresenceToLastSpeaker } from './presence-binding.ts';
import { skipEchoToSender } from './echo-free-broadcast.ts';
import { splitLargeSyncReplies } from './large-replies.ts';
import { requestedReplyParts } from './reply-parts.ts';
import { quietLoad } from './quiet-load.ts';
import { throttleStoreDebounce } from './store-debounce.ts';
import { isValidReportId, reportOfDocument } from '../../../shared/report-id.ts';
import { incomingCopies } from './incoming-copies.ts';
import { incomingCopyPresence } from './incoming-copy-presence.ts';
import { jsonLogger, type Logger } from './log.ts';
import { watchTraffic } from './traffic-watch.ts';

/** What a connection may do with a report. */
export type Access = 'write' | 'read' | 'deny';

/**
 * Decides a connection's access from the token its provider sent
 * (`HocuspocusProvider({ token })`); `report()` loads the server's copy of the report
 * (a members-only server reads its roster: member-access.ts). `{ deny: reason }` refuses
 * with a reason the client is shown (the provider's `onAuthenticationFailed`). `link`
 * is the connection asking, for a decision that may change while it lasts.
 */
export type Authorize = (request: {
  token: string; reportId: string; headers: Headers; remote: string; report: () => Promise<Y.Doc>; link: AdmittedLink;
}) => Access | { deny: string } | Promise<Access | { deny: string }>;

/** A connection let in, as whoever let it in may come back to it. */
export interface AdmittedLink {
  /** Ends the connection (`ACCESS_CHANGED`): its app calls again at once, and is decided as things then stand. */
  decideAgain(): void;
  /** Calls `listener` once the connection has ended (at once if it has). */
  onEnded(listener: () => void): void;
}

/**
 * The close of a link whose access changed while it lasted: the provider calls again, as
 * after any close. The whole socket, though a stock client may carry other reports on it
 * too: Hocuspocus's per-report close leaves the stock provider unauthenticated on a socket
 * that stays open, so it would never ask again.
 */
export const ACCESS_CHANGED = { code: 4001, reason: 'Your access to this report changed.' } as const;

export interface SyncServerOptions {
  /** Folder of report files; required unless `storage` is given. */
  dataDir?: string;
  /** Replaces the report files by another store (the meeting host bridges to the open report). */
  storage?: Extension;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one (see `port` on the result). */
  port?: number;
  /** `redis://host:port` to share reports with other server processes. */
  redisUrl?: string;
  /** Through Redis: how long a report stays loaded after its last connection left (default 1 s). */
  redisUnloadDelayMs?: number;
  /** Largest WebSocket message accepted; bigger ones close the connection (1009). */
  maxMessageBytes?: number;
  /**
   * Largest first-sync answer sent in one message; a larger one goes in parts (large-replies.ts).
   * Below the 64 MiB the app takes in one message.
   */
  maxReplyBytes?: number;
  /** Time bound for decoding one large update. */
  decodeTimeoutMs?: number;
  /** Most bytes of updates a report may hold waiting for ones not yet arrived (waiting-limit.ts). */
  maxWaitingBytes?: number;
  authorize?: Authorize;
  log?: Logger;
  /** With Redis and a data folder per process, store relayed updates too. */
  persistRelayed?: boolean;
  /** Idle time before Hocuspocus runs its store hooks (compaction here). */
  idleStoreMs?: number;
  /**
   * How long a connection may send nothing (not a byte) before it is taken for lost
   * (Hocuspocus's `timeout`, 60 s); every connection is pinged six times as often, so
   * that its provider hears the server while it sends a long message.
   */
  silenceMs?: number;
}

export interface SyncServer {
  readonly host: string;
  readonly port: number;
  /** `ws://HOST:N` */
  readonly url: string;
  readonly hocuspocus: Hocuspocus;
  /**
   * Stops accepting, closes every connection (by default with 1001, "going away": clients
   * reconnect when it is back; `goodbye` tells them something else), waits for reports to
   * unload, closes files.
   */
  close(goodbye?: { code: number; reason: string }): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_REPLY_BYTES = 48 * 1024 * 1024;
const DEFAULT_SILENCE_MS = 60_000;

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  // The Host header is the client's to write: build the URL on a fixed origin.
  const request = new Request(new URL(req.url ?? '/', 'http://localhost'), { headers });
  // Hocuspocus parses the request's query string for every update it hooks (onChange):
  // a relative URL takes it the short way (URLSearchParams) instead of `new URL`, which
  // was ~2 % of the server's CPU under load. Only `url` and `headers` are read.
  Object.defineProperty(request, 'url', { value: req.url ?? '/' });
  return request;
}

/** `/` → null (any report); `/<report id>` → that id; anything else → undefined (refuse). */
function pinnedReport(url: string | undefined): string | null | undefined {
  const path = (url ?? '/').split('?')[0] ?? '/';
  if (path === '/' || path === '') return null;
  let id: string;
  try {
    id = decodeURIComponent(path.slice(1));
  } catch {
    return undefined; // a malformed %-escape
  }
  return isValidReportId(id) ? id : undefined;
}

/** How long a report loaded only to decide a connection's access stays loaded for others. */
const UNLOAD_UNHELD_AFTER_MS = 5_000;

function authenticationHook(authorize: Authorize | undefined, linkOf: (request: Request) => { socket: WebSocket; remote: string } | undefined): Extension {
  return {
    extensionName: 'PlenaryAccess',
    async onAuthenticate(payload: onAuthenticatePayload) {
      if (!authorize) return;
      // (A report's incoming copy is reached with the report's own access.)
      const reportId = reportOfDocument(payload.documentName) ?? payload.documentName;
      let loaded: Document | undefined;
      const report = async (): Promise<Y.Doc> => {
        loaded ??= await payload.instance.createDocument(reportId, payload.request, payload.socketId, payload.connectionConfig, payload.context);
        return loaded;
      };
      let access: Awaited<ReturnType<Authorize>> = 'deny';
      try {
        const asking = linkOf(payload.request);
        const socket = asking?.socket;
        const link: AdmittedLink = {
          decideAgain: () => socket?.close(ACCESS_CHANGED.code, ACCESS_CHANGED.reason),
          onEnded: (listener) => {
            if (!socket || socket.readyState === socket.CLOSED) listener();
            else socket.once('close', listener);
          },
        };
        access = await authorize({ token: payload.token, reportId, headers: payload.requestHeaders, remote: asking?.remote ?? '', report, link });
      } finally {
        // A report loaded for a connection that will not hold it (refused, or come for the
        // report's incoming copy) goes again, unless someone holds it by then. Not at once:
        // a member let in at the same moment may be about to attach to it.
        const heldByThis = typeof access === 'string' && access !== 'deny' && payload.documentName === reportId;
        const document = loaded;
        if (document && !heldByThis) setTimeout(() => void payload.instance.unloadDocument(document), UNLOAD_UNHELD_AFTER_MS).unref();
      }
      // The reason goes to the client. No message: Hocuspocus prints a failed hook's message
      // on stderr, once per refused attempt (an attacker's guesses too); refusals that
      // matter are logged by whoever refused (the meeting's wrong-code lines).
      if (access === 'deny') throw Object.assign(new Error(), { reason: 'permission-denied' });
      if (typeof access === 'object') throw Object.assign(new Error(), { reason: access.deny });
      if (access === 'read') payload.connectionConfig.readOnly = true;
    },
  };
}

export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  if (!options.storage && !options.dataDir) throw new Error('A sync server needs a data folder.');
  const lock = options.storage ? null : lockDataFolder(options.dataDir as string, { sharedThroughRedis: options.redisUrl !== undefined });
  try {
    const server = await serve(options);
    return { ...server, close: (goodbye) => server.close(goodbye).finally(() => lock?.release()) };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function serve(options: SyncServerOptions): Promise<SyncServer> {
  const log = options.log ?? jsonLogger();
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const guard = new UpdateGuard({ maxBytes: maxMessageBytes, timeoutMs: options.decodeTimeoutMs });
  const outbox = new DurableOutbox();
  /** A connection's socket and remote address, by the request Hocuspocus hands to its hooks. */
  const connectionOf = new WeakMap<Request, { socket: WebSocket; remote: string }>();
  /** Closes the socket of a connection refused before it is attached, with 1013 "try again". */
  const closeWaiting = (request: Request, reason: string): void => connectionOf.get(request)?.socket.close(CloseCode.tryAgain, reason);
  const persistence = options.storage
    ? null
    : new SqlitePersistence({
      dataDir: options.dataDir as string,
      log,
      persistRelayed: options.persistRelayed ?? false,
      outbox,
      // A failed commit's held acknowledgements must never go out: close the report's
      // sockets now (a closing socket sends nothing), so the clients reconnect and resend.
      dropConnections: (reportId) => {
        hocuspocus.documents.get(reportId)?.connections.forEach((_clients, connection) => {
          (connection.webSocket as WebSocket).close(1011, 'The report could not be stored.');
        });
      },
      closeWaiting,
    });
  // A member's own update is not sent back to it (see echo-free-broadcast.ts).
  const echoFree: Extension = {
    extensionName: 'PlenaryEchoFreeBroadcast',
    async afterLoadDocument({ document }) {
      skipEchoToSender(document);
    },
  };
  // Someone who leaves is withdrawn at once, also after a reconnect (see presence-binding.ts).
  const presence: Extension = {
    extensionName: 'PlenaryPresenceBinding',
    async afterLoadDocument({ document }) {
      bindPresenceToLastSpeaker(document);
    },
  };
  // Each frame's update is looked up in its report right before Hocuspocus applies it.
  const neighbourOrder = neighbourOrderGuard(log);
  const copies = incomingCopies(() => hocuspocus, log, closeWaiting);
  const waiting = waitingLimit({
    maxBytes: options.maxWaitingBytes,
    log,
    // A try-again close: the provider reconnects, and sends what it holds whole.
    closeConnection: (connection, reason) => (connection.webSocket as WebSocket).close(CloseCode.tryAgain, reason),
  });
  const extensions: Extension[] = [
    // (First: what loading queued for a broadcast is dropped before a hook below can wait.)
    quietLoad,
    persistence ?? (options.storage as Extension),
    authenticationHook(options.authorize, (request) => connectionOf.get(request)),
    neighbourOrder.extension,
    echoFree,
    presence,
    waiting,
    copies,
    incomingCopyPresence(),
  ];
  if (options.redisUrl) {
    extensions.push(await redisExtension({
      url: options.redisUrl,
      outbox,
      isStored: (reportId) => !persistence?.hasFailed(reportId),
      onRelayRefused: (reason) => log('warn', 'redis.relay_refused', { reason }),
      onWaitingDropped: (report, clients) => log('warn', 'update.waiting_misplaced_dropped', { report, clients: clients.join(' '), relayed: true }),
      onRedisLink: (connection, reason) => (reason === null
        ? log('info', 'redis.link_back', { connection })
        : log('warn', 'redis.link_lost', { connection, reason })),
      onGoodbyeFailed: (reason) => log('warn', 'redis.goodbye_failed', { reason }),
      unloadDelayMs: options.redisUnloadDelayMs,
    }));
  }

  const idleStoreMs = options.idleStoreMs ?? 2_000;
  const silenceMs = options.silenceMs ?? DEFAULT_SILENCE_MS;
  const hocuspocus = new Hocuspocus({
    name: 'plenary',
    quiet: true,
    timeout: silenceMs,
    yDocOptions: { gc: false, gcFilter: () => true },
    debounce: idleStoreMs,
    maxDebounce: 10_000,
    unloadImmediately: true,
    extensions,
  });
  throttleStoreDebounce(hocuspocus, idleStoreMs / 4);

  const httpServer: HttpServer = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ service: 'plenary-sync', reports: hocuspocus.getDocumentsCount(), connections: hocuspocus.getConnectionsCount() }));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  const sockets = new Set<WebSocket>();

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pinned = pinnedReport(req.url);
    if (pinned === undefined) {
      log('warn', 'connection.refused', { reason: 'invalid report id in path', remote: req.socket.remoteAddress });
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        accept(ws, req, pinned);
      } catch (error) {
        log('warn', 'connection.refused', { reason: (error as Error).message, remote: req.socket.remoteAddress });
        ws.close(CloseCode.policyViolation, 'Bad request');
      }
    });
  });

  let connectionSeq = 0;
  function accept(ws: WebSocket, req: IncomingMessage, pinned: string | null): void {
    const id = ++connectionSeq;
    const remote = req.socket.remoteAddress ?? '';
    sockets.add(ws);
    // Every message to this socket goes through the outbox: held while a commit is open,
    // and what one release sends it leaves in one write.
    const sendNow = ws.send.bind(ws) as (data: Uint8Array) => void;
    // A member whose last first sync broke off asks for the answer in smaller parts (reply-parts.ts).
    const replyParts = requestedReplyParts(req.url);
    ws.send = splitLargeSyncReplies(
      outboxSender(outbox, req.socket, () => ws.readyState === ws.OPEN, sendNow),
      (name) => hocuspocus.documents.get(name),
      Math.min(maxReplyBytes, replyParts ?? maxReplyBytes),
    ) as typeof ws.send;
    const request = toRequest(req);
    connectionOf.set(request, { socket: ws, remote });
    const client = hocuspocus.handleConnection(ws, request);
    log('info', 'connection.opened', { connection: id, remote, report: pinned ?? undefined, replyParts: replyParts ?? undefined });
    // A member sending a long message on a slow network (a large backlog) is heard by its
    // bytes (one receiving one pings), and pinged, so that its provider hears this server
    // meanwhile (traffic-watch.ts).
    watchTraffic(req.socket, (traffic) => {
      if (traffic === 'read') client.lastMessageReceivedAt = Date.now();
    }, silenceMs / 12);
    const ping = setInterval(() => {
      if (ws.readyState === ws.OPEN) ws.ping();
    }, silenceMs / 6);
    ping.unref();
    // (Closed by a refusal, by ws on a protocol error, or by a hook: what still comes is
    // handed to no one, and would go unacknowledged.)
    const isOpen = (): boolean => ws.readyState === ws.OPEN;
    // Frames are handed to Hocuspocus in order; a frame whose large update is being
    // decoded off-thread holds back the ones after it.
    let queue: Promise<void> = Promise.resolve();
    let queued = 0;

    const refuse = (error: RefusedFrameError, bytes: number): void => {
      if (!isOpen()) return;
      log('warn', 'message.refused', { connection: id, remote, reason: error.message, bytes, code: error.code });
      ws.close(error.code, error.message.slice(0, 120));
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isOpen()) return;
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(new Uint8Array(data));
      if (!isBinary) {
        refuse(new RefusedFrameError('Text frames are not accepted.', CloseCode.unsupportedData), frame.length);
        return;
      }
      const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
      let checked;
      try {
        checked = checkClientFrame(bytes, maxMessageBytes);
        if (pinned && checked.reportId !== null && checked.reportId !== pinned) {
          throw new RefusedFrameError('This connection is for another report.', CloseCode.policyViolation);
        }
      } catch (error) {
        refuse(error instanceof RefusedFrameError ? error : new RefusedFrameError(String(error)), bytes.length);
        return;
      }
      if (checked.reportId === null) return;
      const { updateBytes, neighbourPairs } = checked;
      if (updateBytes && neighbourPairs) neighbourOrder.checked.set(bytes, { update: updateBytes, pairs: neighbourPairs });
      if (checked.deferredUpdates.length === 0 && queued === 0) {
        client.handleMessage(bytes);
        return;
      }
      queued += 1;
      const updates = checked.deferredUpdates;
      queue = queue.then(async () => {
        try {
          const started = Date.now();
          for (const update of updates) neighbourOrder.checked.set(bytes, { update, pairs: await guard.check(update) });
          if (updates.length > 0) log('debug', 'message.checked', { connection: id, bytes: bytes.length, ms: Date.now() - started });
          if (isOpen()) client.handleMessage(bytes);
        } catch (error) {
          refuse(new RefusedFrameError((error as Error).message), bytes.length);
        } finally {
          queued -= 1;
        }
      });
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // ws reports protocol violations (oversized frame, bad UTF-8, bad opcode) here and
      // closes the socket itself.
      log('warn', 'connection.error', { connection: id, remote, reason: error.message, code: error.code });
    });
    ws.on('close', (code: number, reason: Buffer) => {
      clearInterval(ping);
      sockets.delete(ws);
      client.handleClose({ code, reason: reason.toString() });
      log('info', 'connection.closed', { connection: id, remote, code });
    });
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  await hocuspocus.hooks('onListen', { instance: hocuspocus, configuration: hocuspocus.configuration, port: address.port });
  log('info', 'server.listening', { url, data: options.dataDir ?? null, redis: options.redisUrl ?? null });

  let closing: Promise<void> | null = null;
  const close = (goodbye = { code: 1001, reason: 'Server shutting down' }): Promise<void> => {
    closing ??= (async () => {
      log('info', 'server.stopping', { reports: hocuspocus.getDocumentsCount(), connections: sockets.size });
      httpServer.close();
      for (const ws of sockets) ws.close(goodbye.code, goodbye.reason);
      hocuspocus.closeConnections();
      copies.letGoOfReports();
      hocuspocus.flushPendingStores();
      const deadline = Date.now() + 5_000;
      while (hocuspocus.getDocumentsCount() > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const ws of sockets) ws.terminate();
      await hocuspocus.hooks('onDestroy', { instance: hocuspocus });
      persistence?.closeAll();
      await guard.close();
      wss.close();
      log('info', 'server.stopped', {});
    })();
    return closing;
  };

  return { host, port: address.port, url, hocuspocus, close };
}
