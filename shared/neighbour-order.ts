/**
 * An update's text goes between its left and right neighbours at insertion, which Yjs
 * takes to stand in that order in the report. Yjs never writes otherwise, but a hostile
 * peer can: given a right neighbour that stands before the left one (or in another
 * list), Yjs places the text by where its walk from the left one happens to stop, which
 * depends on what else that copy holds, and on how its items happen to be split. The
 * copies then differ for good, and so does a copy from its own file reopened. Such an
 * update is refused whole, before any of it is applied.
 *
 * Checked in two steps, because the update is decoded where the report is not (the
 * update guard's worker, for large ones): `neighbourPairs` reads from the decoded update
 * the pairs of characters that must stand in order, and `neighbourOrderProblem` looks
 * them up in the report. A neighbour that the update itself brings is replaced by the
 * nearest character on that side that the report may already hold (its own left or
 * right neighbour, and so on): text lies after its left neighbour and before its right
 * one, so that pair too must stand in order. What neither holds yet (Yjs keeps such an
 * update waiting) is not checked.
 */
import * as Y from 'yjs';

interface StructId { client: number; clock: number }

/** The shape of `Y.decodeUpdate`'s structs that is read (Items, and GC and Skip structs, which have no content). */
interface DecodedStructs {
  structs: ReadonlyArray<{ id: StructId; length: number; origin?: StructId | null; rightOrigin?: StructId | null; content?: unknown }>;
}

export interface NeighbourPairs {
  /** Why the update contradicts itself, or null. */
  problem: string | null;
  /** Left client, left clock, right client, right clock: characters that must stand in this order. */
  pairs: number[];
}

/**
 * The pairs of characters the update needs to stand in order in the report.
 * Self-contained (no imports, no helpers, no closures over this module): the update
 * guard's worker runs its source text (`String(neighbourPairs)`).
 */
export function neighbourPairs(decoded: DecodedStructs): NeighbourPairs {
  const ofClient = new Map<number, DecodedStructs['structs'][number][]>();
  for (const struct of decoded.structs) {
    const list = ofClient.get(struct.id.client);
    if (list) list.push(struct);
    else ofClient.set(struct.id.client, [struct]);
  }
  // The update's struct holding a clock (a client's structs come in clock order).
  const holding = (id: StructId): DecodedStructs['structs'][number] | null => {
    const list = ofClient.get(id.client);
    if (!list) return null;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const struct = list[middle]!;
      if (id.clock < struct.id.clock) high = middle - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
      else return struct;
    }
    return null;
  };
  // The nearest character on one side of `id` whose place the update does not give (it
  // does not bring it, or brings it deleted with no place): the report may hold it. Null
  // for the list's end, or a loop.
  const steps = decoded.structs.length + 1;
  const beyond = (id: StructId, side: 'origin' | 'rightOrigin'): StructId | null => {
    let at: StructId | null = id;
    for (let step = 0; at && step < steps; step++) {
      const struct = holding(at);
      if (!struct || struct.content === undefined) return at;
      at = struct[side] ?? null;
    }
    return null;
  };
  const pairs: number[] = [];
  for (const struct of decoded.structs) {
    const { origin, rightOrigin } = struct;
    if (!origin || !rightOrigin) continue;
    // (Within one item of the update its characters stand in the order of their clocks; a
    // deleted or skipped run is not an item, and tells nothing of where they stand.)
    const originStruct = holding(origin);
    if (originStruct && originStruct.content !== undefined && originStruct === holding(rightOrigin) && !(origin.clock < rightOrigin.clock)) {
      return { problem: `text of client ${struct.id.client} at clock ${struct.id.clock} has its right neighbour before its left one`, pairs: [] };
    }
    const left = beyond(origin, 'origin');
    const right = beyond(rightOrigin, 'rightOrigin');
    if (!left || !right) continue;
    if (left.client === right.client && left.clock === right.clock) {
      return { problem: `text of client ${struct.id.client} at clock ${struct.id.clock} lies both after and before one character`, pairs: [] };
    }
    const last = pairs.length - 4;
    if (last >= 0 && pairs[last] === left.client && pairs[last + 1] === left.clock && pairs[last + 2] === right.client && pairs[last + 3] === right.clock) continue;
    pairs.push(left.client, left.clock, right.client, right.clock);
  }
  return { problem: null, pairs };
}

/**
 * How many items the walks of one update may pass. A neighbour pair of an honest update
 * has between its two characters only what others inserted there meanwhile; the bound
 * keeps a crafted update from making the walks a denial of service.
 */
export const NEIGHBOUR_WALK_BUDGET = 4_000_000;

/** Why the report cannot take an update with these neighbour pairs, or null when it can. */
export function neighbourOrderProblem(doc: Y.Doc, pairs: ArrayLike<number>): string | null {
  const store = doc.store;
  let budget = NEIGHBOUR_WALK_BUDGET;
  for (let i = 0; i + 3 < pairs.length; i += 4) {
    const left = Y.createID(pairs[i]!, pairs[i + 1]!);
    const right = Y.createID(pairs[i + 2]!, pairs[i + 3]!);
    if (left.clock >= Y.getState(store, left.client) || right.clock >= Y.getState(store, right.client)) continue;
    const leftItem = Y.getItem(store, left);
    const rightItem = Y.getItem(store, right);
    // (Content whose list is gone entirely has no place left to compare.)
    if (!(leftItem instanceof Y.Item) || !(rightItem instanceof Y.Item)) continue;
    if (leftItem === rightItem) {
      if (left.clock < right.clock) continue;
    } else {
      let item = leftItem.right;
      while (item !== null && item !== rightItem && budget-- > 0) item = item.right;
      if (budget < 0) return 'its text would take too long to place';
      if (item === rightItem) continue;
    }
    return `it puts text after the character of client ${left.client} at clock ${left.clock} and before one that does not come after it`;
  }
  return null;
}

/**
 * Whether some pair names a character the report does not hold yet (neighbourOrderProblem
 * passes over those): an update placing text by characters another update brings, as in
 * an import of several files, is then checked with that one (their pairs read together).
 */
export function pairsReachBeyond(doc: Y.Doc, pairs: ArrayLike<number>): boolean {
  for (let i = 0; i + 3 < pairs.length; i += 4) {
    if (pairs[i + 1]! >= Y.getState(doc.store, pairs[i]!) || pairs[i + 3]! >= Y.getState(doc.store, pairs[i + 2]!)) return true;
  }
  return false;
}
