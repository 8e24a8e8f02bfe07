/**
 * Hocuspocus broadcasts every change of a report to every connection of the report,
 * the one that made it included: a member's own update comes back to it (after its
 * acknowledgement) as a second message it already holds. On the server that is one
 * WebSocket write in every ~20 per update at 20 members a report (a `writev`, the
 * largest single cost in the server's profile), and on the member's side one more
 * message to read and apply for nothing.
 *
 * This leaves the sender out when — and only when — everything in the broadcast came
 * from that one connection: Hocuspocus merges the changes of one event-loop turn into
 * one broadcast, so the sender is skipped only if every transaction of that turn had it
 * as origin and none of them touched Yjs's pending structs or deletions. A transaction
 * that completes a pending update (one whose dependencies had not arrived yet) carries
 * structs that another member sent, and its own sender needs them too: then everybody
 * gets the broadcast, as before. So does a change from Redis, a load or the server.
 */
import { OutgoingMessage, isTransactionOrigin, type Connection, type Document } from '@hocuspocus/server';
import type { Doc, Transaction } from 'yjs';
import { hasWaiting, transactionsBegunWaiting } from './waiting-updates.ts';

/** Hocuspocus's Document internals used here (private in its typings; checked at run time). */
interface BroadcastInternals {
  broadcastUpdate(update: Uint8Array): void;
  broadcast(encode: (address: string) => Uint8Array, filter?: (connection: Connection) => boolean): void;
}

/** What the changes since the last broadcast had in common. */
interface Window {
  /** The one connection every change came from; null for none yet or a mix. */
  sender: Connection | null;
  /** A change came from elsewhere, or pending structs were involved. */
  mixed: boolean;
}

/** Makes Hocuspocus's broadcast of `document`'s changes skip the connection that sent them. */
export function skipEchoToSender(document: Document): void {
  const internals = document as unknown as BroadcastInternals;
  if (typeof internals.broadcastUpdate !== 'function' || typeof internals.broadcast !== 'function') {
    throw new Error('This Hocuspocus version broadcasts differently: review echo-free-broadcast.ts.');
  }
  const window: Window = { sender: null, mixed: false };
  const pendingAtStart = transactionsBegunWaiting(document);
  // Only transactions that change the document ('update') reach a broadcast.
  const note = (_update: Uint8Array, origin: unknown, doc: Doc, transaction: Transaction): void => {
    if (window.mixed) return;
    const connection = isTransactionOrigin(origin) && origin.source === 'connection' ? origin.connection : null;
    if (connection === null || (window.sender !== null && window.sender !== connection) || pendingAtStart.has(transaction) || hasWaiting(doc)) {
      window.mixed = true;
      window.sender = null;
      return;
    }
    window.sender = connection;
  };
  // Ahead of Hocuspocus's own listener, which may broadcast at once (a large change).
  const earlier = [...(document._observers.get('update') ?? [])] as Array<(...args: unknown[]) => void>;
  for (const listener of earlier) document.off('update', listener);
  document.on('update', note);
  for (const listener of earlier) document.on('update', listener);
  const stock = internals.broadcastUpdate.bind(document);
  // Hocuspocus calls this once per flush, with the merged update of the turn.
  internals.broadcastUpdate = (update: Uint8Array): void => {
    const sender = window.mixed ? null : window.sender;
    window.sender = null;
    window.mixed = false;
    if (sender === null) {
      stock(update);
      return;
    }
    internals.broadcast(
      (address: string) => new OutgoingMessage(address).createSyncMessage().writeUpdate(update).toUint8Array(),
      (connection: Connection) => connection !== sender,
    );
  };
}
