/**
 * Yjs v1 updates written byte by byte, as a hostile peer would: each one decodes whole
 * (`Y.decodeUpdate` takes it), yet breaks what Yjs's integration takes for granted.
 */
import * as encoding from 'lib0/encoding';

/** A client well above any other in these updates: Yjs integrates the highest client id first. */
export const FIRST_INTEGRATED_CLIENT = 2 ** 31;
const CONTENT_STRING = 4;
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;

interface CraftedStruct {
  client: number;
  text: string;
  /** Inserted at the start of this root type when it has no neighbours. */
  rootType?: string;
  origin?: { client: number; clock: number };
  rightOrigin?: { client: number; clock: number };
}

/** A v1 update of one text struct per client (each at clock 0), then a delete set. */
export function craftedUpdate(structs: CraftedStruct[], deleted: Array<{ client: number; clock: number; len: number }> = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, structs.length);
  for (const struct of structs) {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, struct.client);
    encoding.writeVarUint(e, 0);
    encoding.writeUint8(e, CONTENT_STRING | (struct.origin ? HAS_ORIGIN : 0) | (struct.rightOrigin ? HAS_RIGHT_ORIGIN : 0));
    for (const id of [struct.origin, struct.rightOrigin]) {
      if (!id) continue;
      encoding.writeVarUint(e, id.client);
      encoding.writeVarUint(e, id.clock);
    }
    if (!struct.origin && !struct.rightOrigin) {
      encoding.writeVarUint(e, 1); // the parent is a root type, by name
      encoding.writeVarString(e, struct.rootType ?? 'body');
    }
    encoding.writeVarString(e, struct.text);
  }
  encoding.writeVarUint(e, new Set(deleted.map((range) => range.client)).size);
  for (const client of new Set(deleted.map((range) => range.client))) {
    const ranges = deleted.filter((range) => range.client === client);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, ranges.length);
    for (const range of ranges) {
      encoding.writeVarUint(e, range.clock);
      encoding.writeVarUint(e, range.len);
    }
  }
  return encoding.toUint8Array(e);
}

/**
 * Yjs half-applies this one: it inserts "FORGED " into `rootType` first, then
 * throws on the second client's struct, which refers to a clock of its own client that
 * does not exist yet.
 */
export function halfApplyingUpdate(rootType = 'body'): Uint8Array {
  return craftedUpdate([
    { client: FIRST_INTEGRATED_CLIENT, text: 'FORGED ', rootType },
    { client: 1, text: 'x', origin: { client: 1, clock: 7 } },
  ]);
}
