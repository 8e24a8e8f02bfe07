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

/**
 * Far above what a member types before its sync step 2 arrives, or what members type
 * while a relay's repair is under way. Merging this much into each new waiting update
 * costs about 0.3 ms, and filling it with 30-byte messages about 0.5 s (64 KiB: 0.8 ms
 * and 3.7 s): the fill costs the square of the bound.
 */
export const DEFAULT_MAX_WAITING_BYTES = 16 * 1024;

export interface WaitingBound {
  maxBytes: number;
  /** Told of a transaction taken back, with the bytes it would have left waiting. */
  refused: (transaction: Transaction, bytes: number) => void;
}

type Pending = Doc['store']['pendingStructs'];

/**
 * Keeps a transaction from leaving `doc` with more than `maxBytes` waiting, and more
 * than before it: such a transaction is taken back as far as it can be. What waited
 * before it waits again (its own waiting part is dropped); a part of it that could be
 * applied stays, as any update's would. Returns the way to stop.
 *
 * Why: Yjs merges every update that waits into all it keeps waiting, all of it each
 * time, so many small ones cost the square of what waits (waiting-limit.ts).
 */
export function boundWaiting(doc: Doc, bound: WaitingBound): () => void {
  // Per transaction: one an observer starts runs its 'beforeTransaction' before the
  // 'afterTransaction' of the one under way.
  const before = new WeakMap<Transaction, { structs: Pending; deletions: Uint8Array | null; bytes: number }>();
  const note = (transaction: Transaction): void => {
    const { pendingStructs, pendingDs } = doc.store;
    // Yjs changes the kept object in place as it merges: keep a copy of it.
    const structs = pendingStructs && { missing: new Map(pendingStructs.missing), update: pendingStructs.update };
    before.set(transaction, { structs, deletions: pendingDs, bytes: waitingBytes(doc) });
  };
  const check = (transaction: Transaction): void => {
    const earlier = before.get(transaction);
    if (!earlier) return;
    const bytes = waitingBytes(doc);
    if (bytes <= bound.maxBytes || bytes <= earlier.bytes) return;
    doc.store.pendingStructs = earlier.structs;
    doc.store.pendingDs = earlier.deletions;
    bound.refused(transaction, bytes);
  };
  doc.on('beforeTransaction', note);
  doc.on('afterTransaction', check);
  return () => {
    doc.off('beforeTransaction', note);
    doc.off('afterTransaction', check);
  };
}
