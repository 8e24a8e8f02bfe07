/**
 * What Yjs's integration of an update takes for granted and does not check. An update
 * that decodes whole can still break these, and Yjs then throws halfway through its
 * transaction: the structs integrated before the throw stay in the document and go out
 * in its 'update' event (to the report file and to every member), the rest do not. A
 * peer's update that breaks them is refused whole instead. Yjs itself never writes one:
 *
 * - every struct and every deleted range covers at least one clock, from 0 up to a safe
 *   integer (an empty deleted range throws when Yjs re-encodes what it keeps pending),
 *   and so does every clock a struct refers to (a v2 update's clocks are written as
 *   differences, and can decode below 0);
 * - a struct refers (its left and right neighbours at insertion, its parent) only to
 *   clocks of its own client that come before it: what it refers to existed when it was
 *   written, and its client's clock only counts up. Yjs waits for the missing clocks of
 *   other clients, but looks its own client's up at once, and fails on one not there;
 * - its left and right neighbours at insertion are not the same character;
 * - a format's key and a hook's name are text (Yjs writes them again when it keeps a
 *   struct pending, and fails on one that is not).
 *
 * The function is self-contained (no imports, no helpers, no closures): the update
 * guard's worker runs its source text (`String(integrationProblem)`) on large updates.
 */

interface StructId { client: number; clock: number }

/** The shape of `Y.decodeUpdate`'s result that is checked (Item, GC and Skip structs). */
export interface DecodedUpdate {
  structs: ReadonlyArray<{
    id: StructId;
    length: number;
    origin?: StructId | null;
    rightOrigin?: StructId | null;
    parent?: unknown;
    content?: unknown;
  }>;
  ds: { clients: Map<number, ReadonlyArray<{ clock: number; len: number }>> };
}

/** Why Yjs could not integrate the decoded update whole, or null when it can. */
export function integrationProblem(decoded: DecodedUpdate): string | null {
  for (const struct of decoded.structs) {
    const { client, clock } = struct.id;
    if (!(struct.length >= 1) || !(clock >= 0) || !Number.isSafeInteger(clock + struct.length)) {
      return `a struct of client ${client} at clock ${clock} with a length of ${struct.length}`;
    }
    const parent = struct.parent !== null && typeof struct.parent === 'object' ? (struct.parent as StructId) : null;
    for (const ref of [struct.origin, struct.rightOrigin, parent]) {
      if (ref && !(Number.isSafeInteger(ref.clock) && ref.clock >= 0)) {
        return `a struct of client ${client} at clock ${clock} refers to clock ${ref.clock}, which no client has`;
      }
      if (ref && ref.client === client && !(ref.clock < clock)) {
        return `a struct of client ${client} at clock ${clock} refers to its own client's clock ${ref.clock}, not yet written`;
      }
    }
    // (A v2 update names a format or a hook by an index into the names it has given so
    // far, and an index out of range reads as no name.)
    const content = struct.content as { key?: unknown; type?: { hookName?: unknown } } | undefined;
    if ((content && 'key' in content && typeof content.key !== 'string') || (content?.type && 'hookName' in content.type && typeof content.type.hookName !== 'string')) {
      return `a struct of client ${client} at clock ${clock} with a name that is not text`;
    }
    const { origin, rightOrigin } = struct;
    if (origin && rightOrigin && origin.client === rightOrigin.client && origin.clock === rightOrigin.clock) {
      return `a struct of client ${client} at clock ${clock} has the same character on both sides`;
    }
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const { clock, len } of ranges) {
      if (!(len >= 1) || !(clock >= 0) || !Number.isSafeInteger(clock + len)) return `a deleted range of client ${client} at clock ${clock} with a length of ${len}`;
    }
  }
  return null;
}
