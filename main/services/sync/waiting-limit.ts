/**
 * A bound on what a report on the sync server holds of updates that wait for ones not
 * yet arrived (Yjs's pending structs and deletions).
 *
 * Yjs keeps an update whose dependencies are missing aside, in memory, and merges every
 * later such update into what it keeps, all of it each time. A client that sends many
 * small updates depending on one it never sends (a broken or hostile client: nothing
 * of them shows in the report) made each of its messages cost as much as everything
 * kept so far: 20,000 messages of 30 bytes took 36 s of the server's one thread.
 *
 * Updates wait only briefly when all is well: a member's edit sent before the sync
 * step 2 that carries what it builds on, or changes relayed through Redis after a lost
 * batch, until the relay's repair. So a transaction that leaves more than `maxBytes`
 * waiting, and more than before it, is taken back as far as it can be: what waited
 * before it waits again (its own waiting part is dropped; a part of it that could be
 * applied stays, as any update's would), and a member's connection is closed before
 * Hocuspocus acknowledges the message. The provider reconnects, and its sync step 2
 * carries what it holds with what that depends on: a member's real work arrives whole.
 * A relayed change's waiting part comes again with the relay's repair.
 */
import type * as Y from 'yjs';
import { isTransactionOrigin, type Connection, type Extension } from '@hocuspocus/server';
import type { Logger } from './log.ts';
import { waitingBytes } from './waiting-updates.ts';

/**
 * Far above what a member types before its sync step 2 arrives, or what members type
 * while a relay's repair is under way. Merging this much into each new waiting update
 * costs about 0.3 ms, and filling it with 30-byte messages about 0.5 s (64 KiB: 0.8 ms
 * and 3.7 s): the fill costs the square of the bound.
 */
export const DEFAULT_MAX_WAITING_BYTES = 16 * 1024;

/** Said to a member whose connection is closed for it (a close reason: at most 123 bytes). */
export const WAITING_REFUSED_REASON = 'Too many changes wait for ones not sent; reconnect to send them whole.';

export interface WaitingLimitOptions {
  maxBytes?: number;
  log: Logger;
  /** Closes a member's connection (its socket), so nothing more is sent to it, the acknowledgement included. */
  closeConnection: (connection: Connection, reason: string) => void;
}

type Pending = Y.Doc['store']['pendingStructs'];

export function waitingLimit(options: WaitingLimitOptions): Extension {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_WAITING_BYTES;
  // Messages it sent before it was closed may still be handled: one log line each connection.
  const closed = new WeakSet<Connection>();
  return {
    extensionName: 'PlenaryWaitingLimit',
    // After the report's file is loaded: what it holds is the report's, whatever its size.
    async afterLoadDocument({ document, documentName }) {
      // Per transaction: one an observer starts runs its 'beforeTransaction' before the
      // 'afterTransaction' of the one under way.
      const before = new WeakMap<Y.Transaction, { structs: Pending; deletions: Uint8Array | null; bytes: number }>();
      document.on('beforeTransaction', (transaction: Y.Transaction) => {
        const { pendingStructs, pendingDs } = document.store;
        // Yjs changes the kept object in place as it merges: keep a copy of it.
        const structs = pendingStructs && { missing: new Map(pendingStructs.missing), update: pendingStructs.update };
        before.set(transaction, { structs, deletions: pendingDs, bytes: waitingBytes(document) });
      });
      document.on('afterTransaction', (transaction: Y.Transaction) => {
        const earlier = before.get(transaction);
        if (!earlier) return;
        const bytes = waitingBytes(document);
        if (bytes <= maxBytes || bytes <= earlier.bytes) return;
        document.store.pendingStructs = earlier.structs;
        document.store.pendingDs = earlier.deletions;
        const origin: unknown = transaction.origin;
        const connection = isTransactionOrigin(origin) && origin.source === 'connection' ? origin.connection : null;
        if (connection && closed.has(connection)) return;
        options.log('warn', 'update.waiting_refused', {
          report: documentName,
          source: isTransactionOrigin(origin) ? origin.source : 'other',
          waitingBytes: bytes,
          limit: maxBytes,
        });
        if (!connection) return;
        closed.add(connection);
        options.closeConnection(connection, WAITING_REFUSED_REASON);
      });
    },
  };
}
