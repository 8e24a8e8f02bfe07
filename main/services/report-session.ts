/**
 * One open report in main: the authoritative Y.Doc, its awareness, and the peers that
 * sync with it (the renderer over IPC or WebSocket; later sync links). Every update —
 * from any peer — is handed to `persist` synchronously, before it is forwarded to the
 * other peers or answered, so nothing a peer sent is acknowledged unsaved.
 *
 * All links speak the Yjs sync protocol and awareness (y-protocols); `messages.ts`
 * encodes and decodes them.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { Origin } from '../../shared/ydoc.ts';
import { encodeAwareness, encodeSyncStep1, encodeUpdate, handleMessage, isSyncStep1 } from './messages.ts';
import { ReportConsensus } from './report-consensus.ts';
import { dropMisplacedWaiting } from './sync/neighbour-order-guard.ts';

export interface SessionPeer {
  /** Feeds a message received from this peer; throws when it is malformed (close the link). */
  receive(message: Uint8Array): void;
  /** Detaches the peer and forgets its awareness state. */
  close(): void;
}

interface PeerLink {
  send: (message: Uint8Array) => void;
  /** Awareness client ids this peer announced, removed when it leaves. */
  clientIds: Set<number>;
  readOnly: boolean;
  /**
   * Set while this peer's message is applied on top of updates Yjs held back (pending
   * structs): the resulting update then also carries others' changes this peer may
   * lack, so it is sent back to the peer too instead of being treated as its own echo.
   */
  echo: boolean;
}

export class ReportSession {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly peers = new Set<PeerLink>();
  /** Updates held back from the peers, by the origin they came from (see holdUpdatesFrom). */
  private readonly held = new Map<unknown, Uint8Array[]>();
  /** Windows' requests for the report, answered once nothing is held back (see connect). */
  private readonly deferredAnswers: Array<() => void> = [];

  readonly doc: Y.Doc;
  private readonly persist: (update: Uint8Array) => void;

  constructor(doc: Y.Doc, persist: (update: Uint8Array) => void) {
    this.doc = doc;
    this.persist = persist;
    this.awareness = new awarenessProtocol.Awareness(doc);
    // Main has no cursor of its own.
    this.awareness.setLocalState(null);
    doc.on('update', this.onUpdate);
    this.awareness.on('update', this.onAwareness);
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== Origin.load) this.persist(update);
    const holding = this.held.size > 0 ? this.held.get(origin) : undefined;
    if (holding) {
      holding.push(update);
      return;
    }
    const message = encodeUpdate(update);
    for (const peer of this.peers) {
      if (peer !== origin || peer.echo) peer.send(message);
    }
  };

  private readonly onAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (origin && this.peers.has(origin as PeerLink)) {
      const link = origin as PeerLink;
      for (const id of added) link.clientIds.add(id);
      for (const id of removed) link.clientIds.delete(id);
    }
    const message = encodeAwareness(this.awareness, changed);
    for (const peer of this.peers) {
      if (peer !== origin) peer.send(message);
    }
  };

  /**
   * Holds back from the peers (the report's windows) what `origin` applies to the doc,
   * stored as every update is, until the returned function releases it to them as ONE
   * update. For a server link's first sync, which may come in parts (large-replies.ts):
   * a window shown a report half-arrived would repair what looks broken in it (a list
   * whose items are still to come), and its repairs would be edits reaching every copy.
   */
  holdUpdatesFrom(origin: unknown): () => void {
    if (this.held.has(origin)) return () => {};
    this.held.set(origin, []);
    return () => {
      const updates = this.held.get(origin);
      if (!updates) return;
      this.held.delete(origin);
      if (updates.length > 0) {
        const message = encodeUpdate(updates.length === 1 ? updates[0] as Uint8Array : Y.mergeUpdates(updates));
        for (const peer of this.peers) peer.send(message);
      }
      if (!this.holdingBack()) for (const answer of this.deferredAnswers.splice(0)) answer();
    };
  }

  private holdingBack(): boolean {
    for (const updates of this.held.values()) if (updates.length > 0) return true;
    return false;
  }

  /** Attaches a peer; it is sent sync step 1 and the current awareness at once. */
  connect(send: (message: Uint8Array) => void, options: { readOnly?: boolean } = {}): SessionPeer {
    const link: PeerLink = { send, clientIds: new Set(), readOnly: options.readOnly ?? false, echo: false };
    this.peers.add(link);
    send(encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) send(encodeAwareness(this.awareness, states));
    const receive = (message: Uint8Array): void => {
      // A window that asks for the report while a first sync is held back from the
      // windows (holdUpdatesFrom) would get the report half-arrived: it is answered
      // once the hold is released.
      if (isSyncStep1(message) && this.holdingBack()) {
        this.deferredAnswers.push(() => {
          if (this.peers.has(link)) receive(message);
        });
        return;
      }
      const store = this.doc.store;
      link.echo = store.pendingStructs !== null || store.pendingDs !== null;
      let reply: Uint8Array | null;
      try {
        reply = handleMessage(message, this.doc, this.awareness, link, { readOnly: link.readOnly, beforeApply: this.dropMisplacedWaiting });
      } finally {
        link.echo = false;
      }
      if (reply) send(reply);
    };
    return {
      receive,
      close: () => {
        if (!this.peers.delete(link)) return;
        awarenessProtocol.removeAwarenessStates(this.awareness, [...link.clientIds], link);
      },
    };
  }

  /**
   * A window's edit may bring the character that text waiting in the report (from a
   * link or an import, which check what they let in) follows: that text is checked with
   * it and dropped where misplaced (neighbour-order-guard.ts), or it would reach the
   * report, its file and every server, which would refuse this member's link for it.
   */
  private readonly dropMisplacedWaiting = (update: Uint8Array): void => {
    dropMisplacedWaiting(this.doc, update);
  };

  get peerCount(): number {
    return this.peers.size;
  }

  private liveConsensus: ReportConsensus | null = null;

  /** The report's consensus for export annexes; its engine is built on first use and kept up to date. */
  get consensus(): ReportConsensus {
    this.liveConsensus ??= new ReportConsensus(this.doc);
    return this.liveConsensus;
  }

  destroy(): void {
    for (const link of [...this.peers]) {
      this.peers.delete(link);
    }
    this.doc.off('update', this.onUpdate);
    this.awareness.off('update', this.onAwareness);
    this.awareness.destroy();
    this.liveConsensus?.stop();
  }
}
