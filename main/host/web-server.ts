/**
 * The browser host's server: the built renderer over HTTP and one WebSocket endpoint
 * bridging PlenaryApi, on 127.0.0.1 only. A socket edits the report its URL names
 * (`/api?report=<path>`, copied from the page's `/?report=<path>`), else the host's
 * default report.
 *
 * Only pages the host served may connect: the WebSocket's Origin and Host must be this
 * host's own, so a web site open in the same browser cannot drive the user's reports
 * (cross-site WebSocket hijacking, DNS rebinding).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostEvent } from '../../shared/api.ts';
import { CloseCode, MAX_TEXT_FRAME, REPORT_PARAM, SOCKET_PATH, encodeEvent } from '../../shared/web-protocol.ts';
import { ReportLinks } from '../services/report-links.ts';
import { MAX_MESSAGE_BYTES } from '../../shared/sync-messages.ts';
import { serveStatic } from './static-files.ts';
import { bridgeSocket, closeWithReason, type Log } from './socket-link.ts';
import { closeAllReports, openReportFile, type OpenReport } from '../services/open-report.ts';
import { reportsDir } from '../services/user-data.ts';
import { checkReportPath } from './report-paths.ts';
import { webHandlers, type RecentList } from './web-handlers.ts';
import { IDENTITY_PARAM, WebIdentities } from './web-identities.ts';
import { WebExports } from './web-exports.ts';
import type { WaitingChangesFiles } from '../services/opened-changes-files.ts';

export interface WebHostOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** The report a page edits when its URL names none. */
  defaultReport: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  recent: RecentList;
  /** The interface hosted meetings listen on (tests: 127.0.0.1); default the local network. */
  meetingHost?: string;
  /** Changes files named on the command line (--changes), for their reports' pages to import. */
  waitingChanges?: WaitingChangesFiles;
  log?: Log;
}

export interface WebHost {
  readonly url: string;
  readonly port: number;
  /** Closes every socket, flushes and closes every report, stops listening. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function allowedOrigins(port: number): Set<string> {
  return new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? ((line: string) => console.error(line));
  const sockets = new Set<WebSocket>();
  const identities = new WebIdentities(options.dataDir);
  const exports = new WebExports(options.dataDir);
  // Binary frames carry whole Yjs updates; a JSON frame is small.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(MAX_MESSAGE_BYTES, MAX_TEXT_FRAME) });

  const server: Server = createServer((request, response) => {
    if (!hostHeaderIsOurs(request)) {
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request');
      return;
    }
    if (exports.handle(request, response, (origin) => allowedOrigins(port).has(origin ?? ''))) return;
    void serveStatic(options.rendererDir, request, response);
  });

  let port = options.port;
  const hostHeaderIsOurs = (request: IncomingMessage): boolean =>
    request.headers.host === `${HOST}:${port}` || request.headers.host === `localhost:${port}`;

  const refuseUpgrade = (socket: Duplex, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname !== SOCKET_PATH) return refuseUpgrade(socket, '404 Not Found');
    if (!hostHeaderIsOurs(request) || !allowedOrigins(port).has(request.headers.origin ?? '')) {
      log(`Refused a WebSocket from origin ${JSON.stringify(request.headers.origin ?? null)}`);
      return refuseUpgrade(socket, '403 Forbidden');
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      attach(ws, url.searchParams.get(REPORT_PARAM), url.searchParams.get(IDENTITY_PARAM));
    });
  });

  const attach = (ws: WebSocket, requested: string | null, identityToken: string | null): void => {
    let report: OpenReport;
    try {
      const path = requested ? checkReportPath(requested, reportsDir(options.dataDir)) : options.defaultReport;
      // One OpenReport per file, shared by every page that edits it; open until the host stops.
      report = openReportFile(path);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`Could not open ${requested ?? options.defaultReport}: ${message}`);
      closeWithReason(ws, CloseCode.reportUnavailable, message);
      return;
    }
    try {
      options.recent.add(report.summary());
    } catch (error) {
      // A recent-reports list that cannot be written must not keep anyone from the report.
      log(`Could not update the recent reports: ${(error as Error).message}`);
    }
    if (ws.readyState !== ws.OPEN) return;
    const identity = (): ReturnType<WebIdentities['for']> => identities.for(identityToken);
    const emit = (event: HostEvent): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeEvent(event));
    };
    const changesFilesToImport = (): string[] => options.waitingChanges?.take(report.summary().id) ?? [];
    bridgeSocket(ws, report, webHandlers({ report, dataDir: options.dataDir, recent: options.recent, identity, exports, emit, meetingHost: options.meetingHost, changesFilesToImport }), log);
    // The report's server and meeting status, pushed to the page (renderer/sync-ui).
    const stopStatus = ReportLinks.for(report, options.dataDir, { meetingHost: options.meetingHost, identity }).onStatus((status) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeEvent({ type: 'syncStatus', status }));
    });
    ws.on('close', stopStatus);
  };

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => resolvePromise());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    close: () => {
      closing ??= (async () => {
        for (const ws of sockets) closeWithReason(ws, CloseCode.goingAway, 'The host is stopping.');
        const serverClosed = new Promise<void>((done) => server.close(() => done()));
        server.closeAllConnections();
        for (const ws of sockets) ws.terminate();
        wss.close();
        closeAllReports();
        await serverClosed;
        await exports.close();
      })();
      return closing;
    },
  };
}
