/**
 * Both ends' check of an update against the report it is about to change
 * (shared/neighbour-order.ts): text placed between two characters that do not stand in
 * that order would make the copies differ for good. The frame guard reads the update's
 * pairs of characters where it decodes it (inline, or off-thread for large ones); they
 * are looked up here right before the update is applied; what already waits in the
 * report for a character this update brings is checked with it, and dropped where it
 * would be misplaced.
 *
 * On the sync server, Hocuspocus runs `beforeHandleMessage` right before it applies a
 * client's message, on the document the message is for (a report, or a report's
 * incoming copy, which starts as the report); a refusal closes the connection and
 * applies nothing. The app's links run `misplacedText` themselves (guarded-socket.ts).
 */
import type { Extension } from '@hocuspocus/server';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { neighbourOrderProblem, neighbourPairs } from '../../../shared/neighbour-order.ts';
import { CloseCode } from './frame-guard.ts';
import type { Logger } from './log.ts';
import { INLINE_DECODE_LIMIT, type NeighbourPairList } from './update-guard.ts';

/** Why the report cannot take the update, and the clients whose waiting text was dropped for it. */
export interface NeighbourOrderCheck {
  problem: string | null;
  dropped: number[];
}

/**
 * Why the report cannot take the update (whose checked pairs are `pairs`), or null.
 * What waits in the report for something the update may bring is checked with it (Yjs
 * lets that in with the update; alone, each of the two would pass) and, where it would
 * stand in a different place on each copy, dropped: the update is fine alone, and
 * refusing it would let whoever left that text waiting block the member whose next
 * character it names.
 */
export function misplacedText(doc: Y.Doc, update: Uint8Array, pairs: NeighbourPairList): NeighbourOrderCheck {
  const problem = neighbourOrderProblem(doc, pairs);
  return { problem, dropped: problem === null ? dropMisplacedWaiting(doc, update) : [] };
}

/** A clock no client reaches: a state vector claiming it for a client leaves none of that client's structs in a diff. */
const BEYOND_ANY_CLOCK = Number.MAX_SAFE_INTEGER;

/** What waits, without the structs of `clients` (v2, as Yjs keeps it). */
const withoutClients = (waiting: Uint8Array, clients: number[]): Uint8Array =>
  Y.diffUpdateV2(waiting, Y.encodeStateVector(new Map(clients.map((client) => [client, BEYOND_ANY_CLOCK]))));

/**
 * Waiting text is told apart client by client (each merged with the update again) only
 * for so many clients and an update this small; past that, all of it goes. A crafted
 * wait of hundreds of one-character clients, then 16 MiB messages, would otherwise hold
 * the server's thread for minutes. (A member's own waiting edit dropped with it is not
 * lost: her next sync brings it again.)
 */
const CLIENTS_TOLD_APART = 8;

/**
 * Drops from what waits in the report the text that `update` (v1, checked) would let in
 * misplaced: each waiting client's text is checked with the update, then what is left
 * all together (a client's text may be placed by another's waiting one); returns the
 * clients dropped. Their text never reached anyone: waiting text is not passed on (our
 * Yjs patch). Merged on this thread, and only while something waits: the update was
 * decoded within the guard's bounds already, what waits is bounded (waiting-limit.ts),
 * and applying the update costs about as much.
 */
export function dropMisplacedWaiting(doc: Y.Doc, update: Uint8Array): number[] {
  const waiting = doc.store.pendingStructs;
  if (!waiting) return [];
  // (Both were checked on their way in. Merged, text of one may sit inside an item of the
  // other the wrong way round: that too is misplaced, not a malformed update.)
  const misplacedWith = (part: Uint8Array): boolean => {
    const { problem, pairs } = neighbourPairs(Y.decodeUpdate(Y.mergeUpdates([Y.convertUpdateFormatV2ToV1(part), update])));
    return problem !== null || neighbourOrderProblem(doc, pairs) !== null;
  };
  if (!misplacedWith(waiting.update)) return [];
  const clients = [...new Set(Y.decodeUpdateV2(waiting.update).structs.map((struct) => struct.id.client))];
  const only = (client: number): Uint8Array => withoutClients(waiting.update, clients.filter((other) => other !== client));
  const toldApart = clients.length <= CLIENTS_TOLD_APART && update.length <= INLINE_DECODE_LIMIT;
  let dropped = toldApart ? clients.filter((client) => misplacedWith(only(client))) : clients;
  let left = withoutClients(waiting.update, dropped);
  if (dropped.length < clients.length && misplacedWith(left)) {
    dropped = clients;
    left = withoutClients(waiting.update, clients);
  }
  // (Its list of missing clocks is kept: an entry that no longer applies costs Yjs one retry.)
  doc.store.pendingStructs = dropped.length === clients.length ? null : { missing: waiting.missing, update: left };
  return dropped;
}

/**
 * `Y.applyUpdate` for an update checked already (or made by Yjs from checked ones) into
 * a document that may hold waiting text from elsewhere: that text is checked with it
 * first (dropMisplacedWaiting). Returns the clients dropped.
 */
export function applyDroppingMisplacedWaiting(doc: Y.Doc, update: Uint8Array, origin?: unknown): number[] {
  const dropped = dropMisplacedWaiting(doc, update);
  Y.applyUpdate(doc, update, origin);
  return dropped;
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
      const { problem, dropped } = misplacedText(document, seen.update, seen.pairs);
      if (dropped.length > 0) log('warn', 'update.waiting_misplaced_dropped', { report: documentName, clients: dropped.join(' ') });
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
