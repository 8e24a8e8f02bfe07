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
 *
 * A member's sync step 2 is the exception. Yjs writes into it what the member's own
 * copy keeps waiting, which a reconnection would send again, and again: its waiting
 * part is dropped, and the connection stays. Nothing is lost: the member's copy keeps
 * those updates. This app's link offers them again as soon as what they build on arrives
 * there (guarded-socket.ts, onWaitingLetIn); a stock provider sends them with its next connection's step 2.
 */
import { messageYjsSyncStep2 } from 'y-protocols/sync';
import { isTransactionOrigin, type Connection, type Extension } from '@hocuspocus/server';
import type { Logger } from './log.ts';
import { boundWaiting, DEFAULT_MAX_WAITING_BYTES } from './waiting-updates.ts';

/** Said to a member whose connection is closed for it (a close reason: at most 123 bytes). */
export const WAITING_REFUSED_REASON = 'Too many changes wait for ones not sent; reconnect to send them whole.';

export interface WaitingLimitOptions {
  maxBytes?: number;
  log: Logger;
  /** Closes a member's connection (its socket), so nothing more is sent to it, the acknowledgement included. */
  closeConnection: (connection: Connection, reason: string) => void;
}

export function waitingLimit(options: WaitingLimitOptions): Extension {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_WAITING_BYTES;
  // Messages it sent before it was closed may still be handled: one log line each connection.
  const closed = new WeakSet<Connection>();
  const toldOfDrop = new WeakSet<Connection>();
  // Hocuspocus handles a connection's messages one at a time, and applies a sync message
  // right after this hook: what the connection's transaction is applying.
  const syncMessage = new WeakMap<Connection, number>();
  return {
    extensionName: 'PlenaryWaitingLimit',
    async beforeSync({ connection, type }) {
      syncMessage.set(connection, type);
    },
    // After the report's file is loaded: what it holds is the report's, whatever its size.
    async afterLoadDocument({ document, documentName }) {
      boundWaiting(document, {
        maxBytes,
        refused: (transaction, bytes) => {
          const origin: unknown = transaction.origin;
          const connection = isTransactionOrigin(origin) && origin.source === 'connection' ? origin.connection : null;
          const fields = { report: documentName, source: isTransactionOrigin(origin) ? origin.source : 'other', waitingBytes: bytes, limit: maxBytes };
          if (connection && syncMessage.get(connection) === messageYjsSyncStep2) {
            if (toldOfDrop.has(connection)) return;
            toldOfDrop.add(connection);
            options.log('info', 'update.waiting_dropped', fields);
            return;
          }
          if (connection && closed.has(connection)) return;
          options.log('warn', 'update.waiting_refused', fields);
          if (!connection) return;
          closed.add(connection);
          options.closeConnection(connection, WAITING_REFUSED_REASON);
        },
      });
    },
  };
}
