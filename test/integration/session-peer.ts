/**
 * A laptop's Y.Doc synced with main's ReportSession through the sync protocol, over the
 * same message framing as IPC and WebSocket — how the renderer and the sync links
 * reach a report, for tests that need a peer without a browser.
 */
import * as Y from 'yjs';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import type { ReportSession } from '../../main/services/report-session.ts';
import { encodeAwareness, encodeSyncStep1, encodeUpdate, handleMessage } from '../../main/services/messages.ts';

/** Connects `doc` to `session`; returns the disconnect. */
export function connectToSession(session: ReportSession, doc: Y.Doc): () => void {
  const awareness = new Awareness(doc);
  const fromSession = Symbol('session');
  let peer: ReturnType<ReportSession['connect']> | null = null;
  const queue: Uint8Array[] = [];
  const toSession = (message: Uint8Array): void => {
    if (peer) peer.receive(message);
    else queue.push(message);
  };
  peer = session.connect((message) => {
    const reply = handleMessage(message, doc, awareness, fromSession);
    if (reply) toSession(reply);
  });
  for (const message of queue.splice(0)) peer.receive(message);
  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== fromSession) toSession(encodeUpdate(update));
  };
  doc.on('update', onUpdate);
  toSession(encodeSyncStep1(doc));
  return () => {
    doc.off('update', onUpdate);
    peer?.close();
    awareness.destroy();
  };
}

/**
 * A window's presence on a report's session (its own doc and awareness; the text is not
 * synced): with a `name` it is someone there, whose changes (a caret, the renewal a page
 * makes every 15 s) reach the session as a page's do; without one it only watches who is.
 * It closes as a page that unloads (saying goodbye: its removal) or, by default, as one
 * that crashes (the session withdraws it).
 */
export function windowOf(session: ReportSession, name?: string): { awareness: Awareness; close(withGoodbye?: boolean): void } {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  if (name) awareness.setLocalStateField('user', { name, group: 'civil society', colour: 2 });
  else awareness.setLocalState(null);
  const peer = session.connect((message) => {
    handleMessage(message, doc, awareness, 'main');
  });
  const sendOwn = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin !== 'main' && [...added, ...updated, ...removed].includes(doc.clientID)) peer.receive(encodeAwareness(awareness, [doc.clientID]));
  };
  if (name) {
    awareness.on('update', sendOwn);
    peer.receive(encodeAwareness(awareness, [doc.clientID]));
  }
  return {
    awareness,
    close: (withGoodbye = false) => {
      if (withGoodbye) removeAwarenessStates(awareness, [doc.clientID], 'window unload');
      awareness.off('update', sendOwn);
      peer.close();
      awareness.destroy();
    },
  };
}

/** The names of the people `awareness` holds. */
export const namesIn = (awareness: Awareness | null): string[] =>
  [...(awareness?.getStates().values() ?? [])].map((state) => (state.user as { name?: string } | undefined)?.name ?? '').filter(Boolean);
