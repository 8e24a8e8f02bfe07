/**
 * The sync server's check of an update against the report it is about to change
 * (shared/neighbour-order.ts): text placed between two characters that do not stand in
 * that order would make the copies differ for good. Hocuspocus runs `beforeSync` right
 * before it applies a client's sync message, on the document the message is for (a
 * report, or a report's incoming copy, which starts as the report); a refusal closes
 * the connection and applies nothing. The frame guard has already checked the update's
 * form on arrival; it is decoded again here (large ones off-thread, by the update guard)
 * for the pairs of characters to look up.
 */
import type { Extension } from '@hocuspocus/server';
import type WebSocket from 'ws';
import { messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import { neighbourOrderProblem } from '../../../shared/neighbour-order.ts';
import { CloseCode } from './frame-guard.ts';
import type { Logger } from './log.ts';
import type { UpdateGuard } from './update-guard.ts';

/** Said to the sender (a close reason: at most 123 bytes). */
export const REFUSED_REASON = 'Update refused: its text would stand in a different place on each copy.';

export function neighbourOrderGuard(guard: UpdateGuard, log: Logger): Extension {
  return {
    extensionName: 'PlenaryNeighbourOrder',
    async beforeSync({ connection, document, documentName, type, payload }) {
      if (type !== messageYjsSyncStep2 && type !== messageYjsUpdate) return;
      const problem = neighbourOrderProblem(document, await guard.check(payload));
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
