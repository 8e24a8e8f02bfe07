/**
 * Tells a link when a change from its server let in updates this copy kept waiting
 * (for ones it had not got), so that the link can offer them to the server.
 *
 * Yjs applies what waited as soon as what it builds on arrives, in the same transaction,
 * and the provider sends the server nothing of a transaction that came from it. The
 * server may well lack what waited here: it drops the waiting part of a member's sync
 * step 2 past its bound (waiting-limit.ts), and what waited may have come from another
 * server or meeting. It would otherwise get it only with the next connection's step 2,
 * hours later for a member who stays connected.
 */
import type * as Y from 'yjs';
import { hasWaiting, waitingBytes } from './waiting-updates.ts';

/** Calls `letIn` after each such transaction. Returns the way to stop. */
export function whenWaitingLetIn(doc: Y.Doc, cameFromServer: (origin: unknown) => boolean, letIn: () => void): () => void {
  const waitingBefore = new WeakMap<Y.Transaction, number>();
  const note = (transaction: Y.Transaction): void => {
    if (cameFromServer(transaction.origin) && hasWaiting(doc)) waitingBefore.set(transaction, waitingBytes(doc));
  };
  // (Yjs tries what waits again inside the transaction that brings what it builds on.)
  const check = (transaction: Y.Transaction): void => {
    const before = waitingBefore.get(transaction);
    if (before !== undefined && waitingBytes(doc) < before) letIn();
  };
  doc.on('beforeTransaction', note);
  doc.on('afterTransaction', check);
  return () => {
    doc.off('beforeTransaction', note);
    doc.off('afterTransaction', check);
  };
}
