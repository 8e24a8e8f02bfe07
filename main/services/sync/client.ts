/**
 * Main's link from an open report to a sync server: the report's Y.Doc (an
 * OpenReport's doc, which persists every update it receives) is connected with the
 * stock Hocuspocus provider over `ws`.
 *
 * Status for the UI: offline / connecting / syncing N updates / in sync, with the time
 * of the last sync, as events. The provider reconnects by itself with exponential
 * backoff (1 s doubling to 30 s, with jitter) without telling the user anything but the
 * status; on reconnect the Yjs sync exchange sends the whole backlog the server lacks.
 */
import type * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import * as encoding from 'lib0/encoding';
import { encodeSyncStep1 } from '../messages.ts';
import { isServerUrl, type ServerLinks } from './server-links.ts';
import { assertValidReportId } from '../../../shared/report-id.ts';
import { guardedWebSocket } from './guarded-socket.ts';
import { tlsProblem } from './tls-problem.ts';
import { takePartsAsSent } from './parts-as-sent.ts';
import { heardFrom } from './traffic-watch.ts';
import { providerToken, toMeeting, type LinkCredential } from './link-credential.ts';

export type SyncState = 'offline' | 'connecting' | 'syncing' | 'in-sync';

export interface SyncStatus {
  state: SyncState;
  /** Local changes the server has not acknowledged yet (the "N" in "syncing N updates"). */
  pending: number;
  /** Last moment everything was in sync with the server, if ever. */
  lastSyncAt: Date | null;
  /** Why it cannot connect, when retrying will not help by itself (a wss:// certificate). */
  problem: string | null;
  /** While syncing: bytes received from the server and sent to it since the sync began. */
  transfer: { received: number; sent: number } | null;
  /**
   * The server lets this member read only (an observer on a members-only server): it
   * takes none of their edits, which stay in their copy; in sync once the server's are in.
   */
  readOnly: boolean;
}

export interface ServerLinkOptions {
  url: string;
  reportId: string;
  doc: Y.Doc;
  /** A meeting's code, or the member's proof for a server (none unless given). */
  credential?: LinkCredential;
  /** Where the link is remembered; the last sync time is updated there too. */
  links?: ServerLinks;
  /** Largest message taken from the server (guarded-socket.ts's default unless given; tests lower it). */
  maxServerFrameBytes?: number;
  /**
   * Holds back from the report's windows what the link brings until its sync is done
   * (ReportSession.holdUpdatesFrom): the server may send a long first sync in parts.
   */
  holdUntilSynced?: (origin: unknown) => () => void;
  /** Reconnect backoff; defaults suit people on flaky networks, tests shorten them. */
  backoff?: { delayMs?: number; maxDelayMs?: number };
  /** How long a connection may hear nothing (not a byte) before it is taken for lost; the provider's 30 s unless given. */
  silenceMs?: number;
}

/** What a connection had moved of a first sync it did not finish. */
export interface MidSync {
  /** Bytes that came, and bytes handed to the system to go (not all of them may have left). */
  received: number;
  sent: number;
  /** What the server said it holds of the report (the state vector of its sync step 1), if it said. */
  serverState: Uint8Array | null;
}

export class ServerLink {
  readonly url: string;
  readonly reportId: string;
  /** A link to a meeting (not a server). */
  readonly inMeeting: boolean;
  private readonly provider: HocuspocusProvider;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private readonly closeListeners = new Set<(code: number, refusedHere: boolean, midSync: MidSync) => void>();
  private readonly refusedListeners = new Set<(reason: string | undefined) => void>();
  private readonly letInListeners = new Set<() => void>();
  private readonly links: ServerLinks | undefined;
  private socketState: 'offline' | 'connecting' | 'connected' = 'connecting';
  private current: SyncStatus;
  private destroyed = false;
  private problem: string | null = null;
  /** This app closed the connection, refusing what the server sent (and told it why). */
  private refusedHere = false;
  /** Releases what is held back from the windows while the link syncs (see holdUntilSynced). */
  private releaseHeld: (() => void) | null = null;
  /** Connected, and the sync exchange not yet done: what arrives may be a part of it. */
  private syncing = false;
  /** Stops taking a first sync's parts in as sent (parts-as-sent.ts). */
  private readonly stopTakingAsSent: () => void;
  /** Bytes moved each way on the current connection (a long sync on a slow network shows them). */
  private moved = { received: 0, sent: 0 };
  /** `moved` when the link began syncing: what a sync moved is counted from there. */
  private movedBefore = { received: 0, sent: 0 };
  /** What the server said it holds of the report on the current connection (its sync step 1). */
  private serverState: Uint8Array | null = null;
  private readonly doc: Y.Doc;
  /** A sync step 1 is to go out at the end of this turn (askWhatServerLacks). */
  private askingWhatServerLacks = false;
  /** The server said this connection may read only. */
  private readOnly = false;

  constructor(options: ServerLinkOptions) {
    if (!isServerUrl(options.url)) throw new Error(`Not a ws:// or wss:// address: ${options.url}`);
    assertValidReportId(options.reportId);
    this.url = options.url;
    this.reportId = options.reportId;
    this.inMeeting = toMeeting(options.credential);
    this.links = options.links;
    this.doc = options.doc;
    this.stopTakingAsSent = takePartsAsSent(options.doc, (transaction) => this.syncing && transaction.origin === this.provider);
    const remembered = this.links?.get(options.reportId);
    const lastSyncAt = remembered?.url === options.url && remembered.lastSyncAt ? new Date(remembered.lastSyncAt) : null;
    this.current = { state: 'connecting', pending: 0, lastSyncAt, problem: null, transfer: null, readOnly: false };
    this.links?.set(options.reportId, { url: options.url, lastSyncAt: lastSyncAt?.toISOString() });
    const delay = options.backoff?.delayMs ?? 1_000;
    this.provider = new HocuspocusProvider({
      url: options.url,
      name: options.reportId,
      document: options.doc,
      token: providerToken(options.credential),
      // Every frame from the server is checked before the provider sees it.
      WebSocketPolyfill: guardedWebSocket({
        url: options.url,
        reportId: options.reportId,
        doc: options.doc,
        onWaitingLetIn: () => this.askWhatServerLacks(),
        maxBytes: options.maxServerFrameBytes,
        onRefused: () => {
          this.refusedHere = true;
        },
        onError: (error) => {
          this.problem = tlsProblem(error);
          this.update();
        },
        // A first sync of a large report on a slow network is one message for minutes.
        onTraffic: (traffic, bytes) => {
          heardFrom(this.provider, traffic);
          if (traffic === 'read') this.moved.received = bytes;
          else this.moved.sent = bytes;
          this.update();
        },
        onServerState: (stateVector) => {
          this.serverState = stateVector;
        },
      }),
      delay,
      minDelay: delay,
      factor: 2,
      maxDelay: options.backoff?.maxDelayMs ?? 30_000,
      jitter: true,
      maxAttempts: 0,
      ...(options.silenceMs === undefined ? {} : { messageReconnectTimeout: options.silenceMs }),
      onStatus: ({ status }: { status: string }) => {
        this.socketState = status === 'connected' ? 'connected' : status === 'connecting' ? 'connecting' : 'offline';
        if (status === 'connecting') {
          this.readOnly = false;
          this.moved = { received: 0, sent: 0 };
          this.serverState = null;
        }
        if (status === 'connected') {
          this.problem = null;
          this.refusedHere = false;
          this.syncing = true;
          if (!this.releaseHeld && options.holdUntilSynced && this.provider) this.releaseHeld = options.holdUntilSynced(this.provider);
        }
        this.update();
      },
      onClose: ({ event }: { event?: { code?: number } }) => {
        // What this connection had moved of a first sync it did not finish: what came of the
        // server's answer, and what went of this app's (the provider counts itself synced
        // once the answer is in, while its own changes may still be on their way).
        const unacknowledged = this.provider !== undefined && this.provider.unsyncedChanges > 0;
        const midSync: MidSync = {
          received: this.syncing ? this.moved.received : 0,
          sent: this.syncing || unacknowledged ? this.moved.sent : 0,
          serverState: this.serverState,
        };
        // (The listeners first: one may keep what is held past the close, keepHeldPastClose.)
        if (!this.destroyed) for (const listener of [...this.closeListeners]) listener(event?.code ?? 1006, this.refusedHere, midSync);
        this.syncEnded();
      },
      onAuthenticated: ({ scope }: { scope?: string }) => {
        this.readOnly = scope === 'readonly';
        this.update();
        if (!this.destroyed) for (const listener of [...this.letInListeners]) listener();
      },
      onAuthenticationFailed: ({ reason }: { reason?: string }) => {
        if (this.destroyed) return;
        for (const listener of [...this.refusedListeners]) listener(reason);
      },
      onSynced: () => {
        this.syncEnded();
        this.update();
      },
      onUnsyncedChanges: () => this.update(),
    } as ConstructorParameters<typeof HocuspocusProvider>[0]);
    // When its connection closes the provider removes everyone else from its awareness,
    // which leaves their clocks behind, one past their states'. After the reconnect the
    // server sends those same states, and y-protocols would take them for stale until
    // each person changed theirs twice (up to 30 s). Forget the clocks with the states.
    const awareness = this.provider.awareness;
    // (After this event's other listeners, the relay among them, have read the removal's clock.)
    awareness?.on('update', ({ removed }: { removed: number[] }, origin: unknown) => {
      if (origin !== this.provider || removed.length === 0) return;
      queueMicrotask(() => {
        for (const id of removed) if (!awareness.getStates().has(id)) awareness.meta.delete(id);
      });
    });
  }

  /** The provider's awareness (presence on the server), for main to relay to its windows. */
  get awareness(): HocuspocusProvider['awareness'] {
    return this.provider.awareness;
  }

  get status(): SyncStatus {
    return { ...this.current };
  }

  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` with the close code each time the connection closes, whether
   * this app closed it, refusing what the server sent (a 1009 is then the server's
   * message that was too large, not this app's), and what had moved of a first sync the
   * connection did not finish (nothing when it finished, or none was under way).
   */
  onClosed(listener: (code: number, refusedHere: boolean, midSync: MidSync) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * From a close listener: what the link holds back from the windows (the parts of a
   * first sync that came before the connection broke off) stays held until the returned
   * function is called, instead of being released as the connection closes. For a
   * catch-up that will bring the rest: the windows are shown the report whole, never half.
   */
  keepHeldPastClose(): () => void {
    const release = this.releaseHeld ?? (() => {});
    this.releaseHeld = null;
    return release;
  }

  /** Calls `listener` each time the server lets this link in (its access hook said yes). */
  onLetIn(listener: () => void): () => void {
    this.letInListeners.add(listener);
    return () => this.letInListeners.delete(listener);
  }

  /** Calls `listener` when the server refuses this link (its access hook said no). */
  onRefused(listener: (reason: string | undefined) => void): () => void {
    this.refusedListeners.add(listener);
    return () => this.refusedListeners.delete(listener);
  }

  private update(): void {
    // The provider reports its first status from inside its constructor, before
    // `this.provider` is set; throwing there would fail that first connection attempt
    // and make the provider drop it and reconnect a second later.
    if (this.destroyed || this.provider === undefined) return;
    const pending = this.provider.unsyncedChanges;
    let state: SyncState;
    if (this.socketState === 'offline') state = 'offline';
    else if (this.socketState === 'connecting') state = 'connecting';
    // (A read-only server never acknowledges this copy's own edits: they are not its to wait for.)
    else state = this.provider.isSynced && (pending === 0 || this.readOnly) ? 'in-sync' : 'syncing';
    let lastSyncAt = this.current.lastSyncAt;
    if (state === 'in-sync' && this.current.state !== 'in-sync') {
      lastSyncAt = new Date();
      this.links?.set(this.reportId, { url: this.url, lastSyncAt: lastSyncAt.toISOString() });
    }
    if (state === 'syncing' && this.current.state !== 'syncing') this.movedBefore = { ...this.moved };
    const transfer = state === 'syncing' ? { received: this.moved.received - this.movedBefore.received, sent: this.moved.sent - this.movedBefore.sent } : null;
    const next: SyncStatus = { state, pending, lastSyncAt, problem: this.problem, transfer, readOnly: this.readOnly };
    const sameTransfer = next.transfer?.received === this.current.transfer?.received && next.transfer?.sent === this.current.transfer?.sent;
    if (next.state === this.current.state && next.pending === this.current.pending && next.lastSyncAt === this.current.lastSyncAt && next.problem === this.current.problem && next.readOnly === this.current.readOnly && sameTransfer) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener({ ...next });
  }

  /**
   * The network is back (a window heard so): a link waiting between attempts tries at
   * once, rather than at the end of a backoff that has grown to as much as 30 s while
   * the laptop was off the network or asleep.
   */
  retryNow(): void {
    if (this.destroyed || this.socketState === 'connected') return;
    void this.provider.connect();
  }

  /**
   * Sends the server a sync step 1 (what this copy holds): it answers with its own, and
   * the provider answers that with what the server lacks. Once for the changes of a turn.
   * (Not the provider's forceSync, which sets its count of unacknowledged changes to one,
   * whatever is still on its way.)
   */
  private askWhatServerLacks(): void {
    if (this.askingWhatServerLacks) return;
    this.askingWhatServerLacks = true;
    queueMicrotask(() => {
      this.askingWhatServerLacks = false;
      if (this.destroyed || this.socketState !== 'connected') return;
      // Hocuspocus's framing: the report's address, then the y-protocols message.
      const encoder = encoding.createEncoder();
      encoding.writeVarString(encoder, this.provider.effectiveName);
      encoding.writeUint8Array(encoder, encodeSyncStep1(this.doc));
      // The server acknowledges the provider's answer, as it does each change: counted as one.
      this.provider.incrementUnsyncedChanges();
      this.provider.configuration.websocketProvider.send(encoding.toUint8Array(encoder));
    });
  }

  /** The sync exchange is done, or the connection is gone: nothing more arrives as a part of it. */
  private syncEnded(): void {
    this.syncing = false;
    const release = this.releaseHeld;
    this.releaseHeld = null;
    release?.();
  }

  /** Disconnects (the report stays complete locally); the link stays remembered. */
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.provider.destroy();
    this.syncEnded();
    this.stopTakingAsSent();
    this.listeners.clear();
    this.closeListeners.clear();
    this.refusedListeners.clear();
    this.letInListeners.clear();
  }
}

/** Reconnects a report to the server it was last linked to, if any. */
export function reconnectRemembered(links: ServerLinks, reportId: string, doc: Y.Doc, options: Omit<ServerLinkOptions, 'url' | 'reportId' | 'doc' | 'links'> = {}): ServerLink | null {
  const record = links.get(reportId);
  return record ? new ServerLink({ ...options, url: record.url, reportId, doc, links }) : null;
}
