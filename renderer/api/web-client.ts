/**
 * PlenaryApi over the browser host's WebSocket (shared/web-protocol.ts): requests as JSON
 * with ids, y-protocols messages as binary frames, HostEvents as JSON.
 *
 * A dropped socket is reopened with backoff; requests made meanwhile wait for it. The
 * sync layer (sync.ts) resynchronises on the host's fresh sync step 1, so edits made
 * while offline reach the report when the link is back. Messages sent while offline are
 * dropped: the resync carries their content.
 */
import { ApiError, LinkLostError, type HostEvent, type PlenaryApi, type RequestArgs, type RequestName, type RequestResult } from '../../shared/api.ts';
import { CloseCode, REPORT_PARAM, SOCKET_PATH, encodeRequest, parseHostFrame } from '../../shared/web-protocol.ts';

export type ConnectionState = 'connecting' | 'open' | 'offline' | 'refused';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the host closed the link, when it said. */
  reason?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

/** The socket URL for this page: same host, the page's `?report=` carried over. */
export function socketUrlFor(location: Location): string {
  const url = new URL(SOCKET_PATH, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const report = new URLSearchParams(location.search).get(REPORT_PARAM);
  if (report) url.searchParams.set(REPORT_PARAM, report);
  const identity = identityToken();
  if (identity) url.searchParams.set(IDENTITY_PARAM, identity);
  return url.toString();
}

/**
 * Shows a report main has just opened (a draft imported as a new report, a joined
 * report): the browser host loads it in this page; Electron has opened its window.
 */
export function showOpenedReport(api: PlenaryApi, path: string): void {
  if (api.host !== 'web') return;
  const url = new URL('/', location.href);
  url.searchParams.set(REPORT_PARAM, path);
  location.assign(url.toString());
}

/** Must match main/host/web-identities.ts. */
const IDENTITY_PARAM = 'identity';
const IDENTITY_STORAGE_KEY = 'plenary.identity';

/**
 * This browser profile's identity token: which of the host's key pairs signs for this
 * page (main/host/web-identities.ts). Made once and kept in localStorage; the key pair
 * itself never leaves the host.
 */
function identityToken(): string | null {
  try {
    let token = localStorage.getItem(IDENTITY_STORAGE_KEY);
    if (!token || !/^[0-9a-f]{32}$/.test(token)) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      token = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      localStorage.setItem(IDENTITY_STORAGE_KEY, token);
    }
    return token;
  } catch {
    // Storage disabled: the host's own identity signs.
    return null;
  }
}

export class WebSocketApi implements PlenaryApi {
  readonly host = 'web' as const;
  private socket: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queued: string[] = [];
  private readonly messageListeners = new Set<(message: Uint8Array) => void>();
  private readonly eventListeners = new Set<(event: HostEvent) => void>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private status: ConnectionStatus = { state: 'connecting' };
  private retryMs = RETRY_MIN_MS;
  private readonly url: string;

  constructor(url: string) {
    this.url = url;
    this.open();
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.setStatus({ state: 'connecting' });
    socket.onopen = () => {
      this.retryMs = RETRY_MIN_MS;
      this.setStatus({ state: 'open' });
      for (const frame of this.queued.splice(0)) socket.send(frame);
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // Requests in flight on this socket get no answer; their callers hear why.
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(new LinkLostError('The link to the Plenary host was lost.'));
      }
      if (event.code === CloseCode.reportUnavailable || event.code === CloseCode.protocolError) {
        this.setStatus({ state: 'refused', reason: event.reason || 'The host refused this page.' });
        return;
      }
      this.setStatus({ state: 'offline', reason: event.reason || undefined });
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
  }

  private receive(data: ArrayBuffer | string): void {
    if (typeof data !== 'string') {
      const message = new Uint8Array(data);
      for (const listener of this.messageListeners) listener(message);
      return;
    }
    let frame;
    try {
      frame = parseHostFrame(data);
    } catch (error) {
      this.emit({ type: 'error', message: `The host sent something this page does not understand (${(error as Error).message}).` });
      return;
    }
    if (frame.kind === 'event') {
      this.emit(frame.event);
      return;
    }
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    if (frame.ok) pending.resolve(frame.result);
    else pending.reject(new ApiError(frame.error));
  }

  private emit(event: HostEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>> {
    const id = this.nextId++;
    const frame = encodeRequest(id, name, args);
    return new Promise<RequestResult<K>>((resolve, reject) => {
      if (this.status.state === 'refused') {
        reject(new ApiError(this.status.reason ?? 'The host refused this page.'));
        return;
      }
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame);
      else this.queued.push(frame);
    });
  }

  sendMessage(message: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(message as Uint8Array<ArrayBuffer>);
  }

  onMessage(listener: (message: Uint8Array) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Not part of PlenaryApi: the web page shows whether its host is reachable. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }
}
