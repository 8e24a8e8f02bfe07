/**
 * What a report's document holds that waits for updates not yet arrived: Yjs's pending
 * structs and deletions. An update whose dependencies are missing is kept there, in
 * memory, and fires no 'update' until they come; the server's persistence, its bound on
 * what waits and its echo-free broadcast each look at it.
 */
import type { Doc, Transaction } from 'yjs';

/** Each is one v2 update, which Yjs replaces (never changes) when it changes. */
export interface Waiting {
  structs: Uint8Array | null;
  deletions: Uint8Array | null;
}

export function waitingIn(doc: Doc): Waiting {
  return { structs: doc.store.pendingStructs?.update ?? null, deletions: doc.store.pendingDs };
}

export function hasWaiting(doc: Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

export function waitingBytes(doc: Doc): number {
  return (doc.store.pendingStructs?.update.length ?? 0) + (doc.store.pendingDs?.length ?? 0);
}

const begunWaiting = new WeakMap<Doc, WeakSet<Transaction>>();

/** The transactions of `doc` that began with updates waiting (they may let some in); one listener a document. */
export function transactionsBegunWaiting(doc: Doc): WeakSet<Transaction> {
  let transactions = begunWaiting.get(doc);
  if (!transactions) {
    const found = new WeakSet<Transaction>();
    doc.on('beforeTransaction', (transaction: Transaction) => {
      if (hasWaiting(doc)) found.add(transaction);
    });
    begunWaiting.set(doc, found);
    transactions = found;
  }
  return transactions;
}
