/**
 * A laptop's Y.Doc synced with main's ReportSession through the sync protocol, over the
 * same message framing as IPC and WebSocket — how the renderer and the sync links
 * reach a report, for tests that need a peer without a browser.
 */
import type * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { ReportSession } from '../../main/services/report-session.ts';
import { encodeSyncStep1, encodeUpdate, handleMessage } from '../../main/services/messages.ts';

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
