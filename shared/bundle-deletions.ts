/**
 * What a bundle leaves out because its recipient already has it (shared/bundle.ts).
 *
 * Yjs's `encodeStateAsUpdate(doc, stateVector)` sends only the items the recipient lacks,
 * but always the document's WHOLE delete set: deletions advance no clock, so a state
 * vector cannot say which ones someone has. In a report with weeks of history that delete
 * set outweighs a day's typing (after the merge bench's week of 40 members it is ≈ 4 kB
 * deflated, and it only grows). Two things here keep a bundle to the day's work:
 *
 * - `encodeUpdateForRecipient` writes the update with only the deletions beyond those the
 *   recipient is known to have (the delete set of a snapshot taken when the previous
 *   bundle for them was made). It replaces the delete set Yjs wrote at the end of the
 *   update (in the v2 encoding the delete set is the tail of the update's last, unframed
 *   section), after checking that the tail is byte for byte the delete set it expects;
 *   if not (a future Yjs, pending updates in the doc), the update keeps its whole delete
 *   set, which is always correct, only larger.
 * - `vectorsForUpdate` keeps, of the recipient's state vector and the sender's, only the
 *   clients the update carries items of: a report's state vector lists every editing
 *   session that ever was (each has its own client id), kilobytes in a long-lived report.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

export interface DeleteRange { clock: number; len: number }
/** Deleted ranges per client, sorted and merged (a Yjs DeleteSet's `clients`). */
export type Deletions = Map<number, DeleteRange[]>;

/** The deletions of `now` that `known` lacks, per client (both sorted and merged, as Yjs keeps them). */
export function subtractDeletions(now: Deletions, known: Deletions): Deletions {
  const out: Deletions = new Map();
  for (const [client, ranges] of now) {
    const minus = known.get(client) ?? [];
    const kept: DeleteRange[] = [];
    let j = 0;
    for (const range of ranges) {
      let start = range.clock;
      const end = range.clock + range.len;
      while (j < minus.length && minus[j]!.clock + minus[j]!.len <= start) j++;
      let k = j;
      while (start < end && k < minus.length && minus[k]!.clock < end) {
        const cut = minus[k]!;
        if (cut.clock > start) kept.push({ clock: start, len: cut.clock - start });
        start = Math.max(start, cut.clock + cut.len);
        k++;
      }
      if (start < end) kept.push({ clock: start, len: end - start });
    }
    if (kept.length > 0) out.set(client, kept);
  }
  return out;
}

/** A delete set as Yjs's v2 update encoder writes it (writeDeleteSet, the same order). */
function encodeDeletionsV2(deletions: Deletions): Uint8Array {
  const encoder = new Y.UpdateEncoderV2();
  encoding.writeVarUint(encoder.restEncoder, deletions.size);
  for (const [client, ranges] of [...deletions].sort((a, b) => b[0] - a[0])) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const range of ranges) {
      encoder.writeDsClock(range.clock);
      encoder.writeDsLen(range.len);
    }
  }
  return encoding.toUint8Array(encoder.restEncoder);
}

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  if (tail.length > bytes.length) return false;
  const offset = bytes.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (bytes[offset + i] !== tail[i]) return false;
  return true;
}

/** The deletions recorded in an encoded snapshot (Y.encodeSnapshotV2), or null if it does not decode. */
export function deletionsOfSnapshot(snapshot: Uint8Array): Deletions | null {
  try {
    return Y.decodeSnapshotV2(snapshot).ds.clients as Deletions;
  } catch {
    return null;
  }
}

/**
 * A v2 update with the items beyond `stateVector` and the deletions beyond `knownDeletions`
 * (all deletions when it is omitted). `trimmed` says whether deletions were left out.
 * `now` is the doc's current delete set when the caller has it already (a snapshot it
 * takes anyway): walking every struct of a large report for it once more is then saved.
 */
export function encodeUpdateForRecipient(doc: Y.Doc, stateVector: Uint8Array, knownDeletions?: Deletions, now?: Deletions): { update: Uint8Array; trimmed: boolean } {
  const update = Y.encodeStateAsUpdateV2(doc, stateVector);
  if (!knownDeletions) return { update, trimmed: false };
  const all = now ?? Y.createDeleteSetFromStructStore(doc.store).clients as Deletions;
  const whole = encodeDeletionsV2(all);
  if (!endsWith(update, whole)) return { update, trimmed: false };
  const missing = encodeDeletionsV2(subtractDeletions(all, knownDeletions));
  const out = new Uint8Array(update.length - whole.length + missing.length);
  out.set(update.subarray(0, update.length - whole.length), 0);
  out.set(missing, update.length - whole.length);
  return { update: out, trimmed: true };
}

/**
 * The recipient's and the sender's state vectors, restricted to the clients the update
 * carries items of (`now` beyond `base`): `base` keeps the clients whose items continue
 * from a clock the recipient must already have (> 0), `after` where the sender's ends.
 */
export function vectorsForUpdate(base: Uint8Array, now: Uint8Array): { base: Uint8Array; after: Uint8Array } {
  const from = Y.decodeStateVector(base);
  const to = Y.decodeStateVector(now);
  const carried = [...to].filter(([client, clock]) => clock > (from.get(client) ?? 0));
  return {
    base: Y.encodeStateVector(new Map(carried.filter(([client]) => (from.get(client) ?? 0) > 0).map(([client]) => [client, from.get(client)!]))),
    after: Y.encodeStateVector(new Map(carried)),
  };
}
