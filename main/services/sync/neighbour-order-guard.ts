/**
 * Both ends' check of an update against the report it is about to change
 * (shared/neighbour-order.ts): text placed between two characters that do not stand in
 * that order would make the copies differ for good. The frame guard reads the update's
 * pairs of characters where it decodes it (inline, or off-thread for large ones); they
 * are looked up here right before the update is applied, with what already waits in the
 * report for a part this update may bring.
 *
 * On the sync server, Hocuspocus runs `beforeHandleMessage` right before it applies a
 * client's message, on the document the message is for (a report, or a report's
 * incoming copy, which starts as the report); a refusal closes the connection and
 * applies nothing. The app's links run `misplacedText` themselves (guarded-socket.ts).
 */
import type { Extension } from '@hocuspocus/server';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { neighbourOrderProblem } from '../../../shared/neighbour-order.ts';
import { CloseCode } from './frame-guard.ts';
import type { Logger } from './log.ts';
import { assertWellFormedSmallUpdate, type NeighbourPairList } from './update-guard.ts';

/**
 * Why the report cannot take the update (whose checked pairs are `pairs`), or null. What
 * waits in the report for something it refers to is checked with it (Yjs applies that
 * too once the update brings the missing part): alone, each of the two would pass.
 * Merged on this thread whatever the update's size: it was decoded within the guard's
 * bounds already, what waits is bounded (waiting-limit.ts), and applying it, which
 * follows here, costs as much. Throws MalformedUpdateError if the merge does not check.
 */
export function misplacedText(doc: Y.Doc, update: Uint8Array, pairs: NeighbourPairList): string | null {
  const waiting = doc.store.pendingStructs;
  if (!waiting) return neighbourOrderProblem(doc, pairs);
  const withWhatWaits = Y.mergeUpdates([Y.convertUpdateFormatV2ToV1(waiting.update), update]);
  return neighbourOrderProblem(doc, assertWellFormedSmallUpdate(withWhatWaits, Infinity));
}

/** Said to the sender (a close reason: at most 123 bytes). */
export const REFUSED_REASON = 'Update refused: its text would stand in a different place on each copy.';

/** A client frame's update and its pairs, as the frame guard checked them. */
export interface CheckedUpdate {
  update: Uint8Array;
  pairs: NeighbourPairList;
}

/**
 * The server's extension, and where the server records each client frame's checked
 * update (by the frame's bytes, which Hocuspocus hands on to the hook unchanged).
 */
export function neighbourOrderGuard(log: Logger): { extension: Extension; checked: WeakMap<Uint8Array, CheckedUpdate> } {
  const checked = new WeakMap<Uint8Array, CheckedUpdate>();
  const extension: Extension = {
    extensionName: 'PlenaryNeighbourOrder',
    async beforeHandleMessage({ connection, document, documentName, update: frame }) {
      const seen = checked.get(frame);
      if (!seen) return;
      const problem = misplacedText(document, seen.update, seen.pairs);
      if (problem === null) return;
      log('warn', 'message.refused', { report: documentName, reason: `Update refused: ${problem}.`, bytes: seen.update.length, code: CloseCode.invalidPayload });
      // Hocuspocus closes only the report's channel on a hook's refusal: the socket is
      // closed here, as for any refused frame.
      (connection.webSocket as WebSocket).close(CloseCode.invalidPayload, REFUSED_REASON);
      // (No message: Hocuspocus would print it once for each extension after this one.)
      throw Object.assign(new Error(), { code: CloseCode.invalidPayload, reason: REFUSED_REASON });
    },
  };
  return { extension, checked };
}
