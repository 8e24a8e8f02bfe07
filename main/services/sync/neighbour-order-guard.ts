/**
 * The sync server's check of an update against the report it is about to change
 * (shared/neighbour-order.ts): text placed between two characters that do not stand in
 * that order would make the copies differ for good. Hocuspocus runs `beforeSync` right
 * before it applies a client's sync message, on the document the message is for (a
 * report, or a report's incoming copy, which starts as the report); a refusal closes
 * the connection and applies nothing. The frame guard has already checked the update's
 * form on arrival; it is decoded again here (large ones off-thread, by the update guard)
 * for the pairs of characters to look up, with what already waits in the report for a
 * part this update may bring.
 */
import type { Extension } from '@hocuspocus/server';
import type WebSocket from 'ws';
import { messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import * as Y from 'yjs';
import { neighbourOrderProblem } from '../../../shared/neighbour-order.ts';
import { CloseCode } from './frame-guard.ts';
import type { Logger } from './log.ts';
import { INLINE_DECODE_LIMIT, type UpdateGuard } from './update-guard.ts';

/**
 * The update with what waits in the report for something it refers to (Yjs applies that
 * too once the update brings the missing part), so that text waiting for a character
 * yet to come is checked with it: alone, each of the two would pass. Only for an update
 * small enough to merge on this thread (what waits is bounded, waiting-limit.ts): a
 * larger one is checked alone.
 */
export function withWaiting(doc: Y.Doc, update: Uint8Array): Uint8Array {
  const waiting = doc.store.pendingStructs;
  if (!waiting || update.length > INLINE_DECODE_LIMIT) return update;
  return Y.mergeUpdates([Y.convertUpdateFormatV2ToV1(waiting.update), update]);
}

/** Said to the sender (a close reason: at most 123 bytes). */
export const REFUSED_REASON = 'Update refused: its text would stand in a different place on each copy.';

export function neighbourOrderGuard(guard: UpdateGuard, log: Logger): Extension {
  return {
    extensionName: 'PlenaryNeighbourOrder',
    async beforeSync({ connection, document, documentName, type, payload }) {
      if (type !== messageYjsSyncStep2 && type !== messageYjsUpdate) return;
      const problem = neighbourOrderProblem(document, await guard.check(withWaiting(document, payload)));
      if (problem === null) return;
      log('warn', 'message.refused', { report: documentName, reason: `Update refused: ${problem}.`, bytes: payload.length, code: CloseCode.invalidPayload });
      // Hocuspocus closes only the report's channel on a hook's refusal: the socket is
      // closed here, as for any refused frame.
      (connection.webSocket as WebSocket).close(CloseCode.invalidPayload, REFUSED_REASON);
      // (No message: Hocuspocus would print it once for each extension after this one.)
      throw Object.assign(new Error(), { code: CloseCode.invalidPayload, reason: REFUSED_REASON });
    },
  };
}
