/**
 * Keeps the renderer's Y.Doc in sync with main's over PlenaryApi messages, with the
 * y-protocols sync and awareness protocols (shared/sync-messages.ts). Main is the only
 * peer and the only writer of the file.
 *
 * Main opens every link with its sync step 1 (on first connect and on every reconnect of
 * the web host); we answer with step 2 (whatever main lacks, edits made offline
 * included) and ask for main's state with our own step 1. `whenSynced` resolves at the
 * first step 2 from main, so the editor is built on the report, not on an empty doc.
 *
 * Messages go out in order from one queue, sent on a microtask: a keystroke's Yjs update
 * is emitted inside the editor's dispatch, and handing it to the socket or IPC there
 * would make every keystroke wait for it. The microtask runs before any other event,
 * message or frame, so nothing is held longer than the task that made it.
 */
import type * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { PlenaryApi } from '../shared/api.ts';
import { Origin } from '../shared/ydoc.ts';
import { SyncKind, encodeAwareness, encodeSyncStep1, encodeUpdate, handleMessage, messageKind } from '../shared/sync-messages.ts';

export class DocSync {
  readonly awareness: awarenessProtocol.Awareness;
  readonly whenSynced: Promise<void>;
  private markSynced!: () => void;
  private readonly doc: Y.Doc;
  private readonly api: PlenaryApi;
  private readonly unsubscribe: () => void;
  private readonly onError: (message: string) => void;
  private readonly outgoing: Uint8Array[] = [];
  private flushQueued = false;

  constructor(doc: Y.Doc, api: PlenaryApi, onError: (message: string) => void) {
    this.doc = doc;
    this.api = api;
    this.onError = onError;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.whenSynced = new Promise((resolve) => (this.markSynced = resolve));
    doc.on('update', this.onLocalUpdate);
    this.awareness.on('update', this.onLocalAwareness);
    this.unsubscribe = api.onMessage(this.onMessage);
    // In Electron main has sent its step 1 before we listened; ask for its state anyway.
    this.send(encodeSyncStep1(doc));
  }

  private send(message: Uint8Array): void {
    this.outgoing.push(message);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(this.flush);
  }

  /** Hands every queued message to main, oldest first. */
  readonly flush = (): void => {
    this.flushQueued = false;
    for (const message of this.outgoing.splice(0)) this.api.sendMessage(message);
  };

  private readonly onMessage = (message: Uint8Array): void => {
    const kind = messageKind(message);
    let reply: Uint8Array | null;
    try {
      reply = handleMessage(message, this.doc, this.awareness, Origin.remote);
    } catch (error) {
      this.onError(`A change from the report could not be applied: ${(error as Error).message}`);
      return;
    }
    if (reply) this.send(reply);
    if (kind === SyncKind.step1) {
      // A (re)opened link: ask for main's state and announce our cursor again.
      this.send(encodeSyncStep1(this.doc));
      if (this.awareness.getLocalState() !== null) {
        this.send(encodeAwareness(this.awareness, [this.doc.clientID]));
      }
    }
    if (kind === SyncKind.step2) this.markSynced();
  };

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === Origin.remote) return;
    this.send(encodeUpdate(update));
  };

  private readonly onLocalAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === Origin.remote) return;
    this.send(encodeAwareness(this.awareness, [...added, ...updated, ...removed]));
  };

  destroy(): void {
    this.flush();
    this.unsubscribe();
    this.doc.off('update', this.onLocalUpdate);
    this.awareness.off('update', this.onLocalAwareness);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
    this.awareness.destroy();
  }
}
