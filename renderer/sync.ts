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
 * A keystroke's Yjs update is not emitted inside the editor's dispatch: the patched
 * y-prosemirror writes it on a microtask after (patches/), so it is sent as it comes.
 *
 * Yjs encodes a transaction for 'update' whenever anyone listens, and we only send our
 * own: main's changes would be encoded for nothing (tens of ms of the page's freeze when 40
 * members' files are imported). So the listener is attached only while a transaction that
 * is not main's is finishing. Yjs emits 'afterTransaction' right before it decides to
 * encode, for each transaction in turn, so an edit made in reaction to main's change (its
 * own transaction, finished after main's) is still sent.
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

  constructor(doc: Y.Doc, api: PlenaryApi, onError: (message: string) => void) {
    this.doc = doc;
    this.api = api;
    this.onError = onError;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.whenSynced = new Promise((resolve) => (this.markSynced = resolve));
    doc.on('afterTransaction', this.listenForLocalUpdates);
    this.awareness.on('update', this.onLocalAwareness);
    this.unsubscribe = api.onMessage(this.onMessage);
    // In Electron main has sent its step 1 before we listened; ask for its state anyway.
    this.api.sendMessage(encodeSyncStep1(doc));
  }

  private readonly onMessage = (message: Uint8Array): void => {
    const kind = messageKind(message);
    let reply: Uint8Array | null;
    try {
      reply = handleMessage(message, this.doc, this.awareness, Origin.remote, { encodedByMain: true });
    } catch (error) {
      this.onError(`A change from the report could not be applied: ${(error as Error).message}`);
      return;
    }
    if (reply) this.api.sendMessage(reply);
    if (kind === SyncKind.step1) {
      // A (re)opened link: ask for main's state and announce our cursor again.
      this.api.sendMessage(encodeSyncStep1(this.doc));
      if (this.awareness.getLocalState() !== null) {
        this.api.sendMessage(encodeAwareness(this.awareness, [this.doc.clientID]));
      }
    }
    if (kind === SyncKind.step2) this.markSynced();
  };

  private readonly listenForLocalUpdates = (transaction: Y.Transaction): void => {
    if (transaction.origin === Origin.remote) this.doc.off('update', this.onLocalUpdate);
    else this.doc.on('update', this.onLocalUpdate);
  };

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === Origin.remote) return;
    this.api.sendMessage(encodeUpdate(update));
  };

  private readonly onLocalAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === Origin.remote) return;
    this.api.sendMessage(encodeAwareness(this.awareness, [...added, ...updated, ...removed]));
  };

  destroy(): void {
    this.unsubscribe();
    this.doc.off('afterTransaction', this.listenForLocalUpdates);
    this.doc.off('update', this.onLocalUpdate);
    this.awareness.off('update', this.onLocalAwareness);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
    this.awareness.destroy();
  }
}
