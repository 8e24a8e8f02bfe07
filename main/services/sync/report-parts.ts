/**
 * What another copy lacks of a report, cut into updates that each fit in one message:
 * for a server whose limit the report outgrew (send-in-parts.ts), and for a member
 * whose first sync from a server would be larger than the app takes (large-replies.ts).
 *
 * The Yjs sync exchange sends everything the other side lacks in one update, so a
 * report with a long history cannot reach a server whose message limit is smaller
 * than that update (16 MiB by default). Cut anywhere, the pieces would leave the server
 * holding structs whose origins have not arrived (Yjs keeps them pending, in memory
 * only). So the report's structs are first put in an order in which each comes after
 * everything it depends on (its left and right origins and its parent), and that
 * order is cut into parts: every prefix of the parts is a state Yjs can integrate.
 *
 * Deletions travel last, as one update holding the report's delete set (the same set
 * every sync step 2 of the report carries anyway), and with it, as in Yjs's own sync,
 * any structs the report itself is still waiting for. All but one kind: the deletions
 * of formatting marks (italic on, italic off) go with the part that brings the mark.
 * Yjs cleans up formatted text on every remote change that brings a mark, deleting
 * marks that look redundant in the text as it then stands; a receiver still showing
 * marks the report had deleted would judge live marks redundant and delete them for
 * good (the report's italics lost, on the server and then on every copy). Deleted text
 * standing until the last part does no such harm: it only separates marks.
 *
 * Yjs has no public call that encodes a clock range of a client ("structs from clock a
 * to clock b"), only "from a to the end" (`encodeStateAsUpdate`); the parts are written
 * with Yjs's own encoder and struct writers, in the layout of its `writeStructs`
 * (yjs src/utils/encoding.js), which `Y.applyUpdate` reads.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

type Struct = Y.Item | Y.GC;
// (Read once: the walk tests each of the report's structs against them.)
const { Item, ContentString, ContentAny, ContentFormat, ContentBinary, ContentEmbed, ContentJSON } = Y;

/** The structs in causal order, as parallel arrays: whose, that client's clock after it, its weight. */
interface Order {
  length: number;
  clients: Float64Array;
  ends: Float64Array;
  bytes: Float64Array;
}

/** Roughly what a struct weighs once encoded (to fill parts; each part is then measured). */
function weight(struct: Struct): number {
  if (!(struct instanceof Item)) return 4;
  const content = struct.content;
  // (Encoded as UTF-8: most of a report's text is one byte a character.)
  if (content instanceof ContentString) return 12 + content.str.length;
  if (content instanceof ContentAny) return 12 + JSON.stringify(content.arr).length;
  if (content instanceof ContentFormat) return 12 + content.key.length + JSON.stringify(content.value).length;
  if (content instanceof ContentBinary) return 12 + content.content.length;
  if (content instanceof ContentEmbed || content instanceof ContentJSON) return 12 + JSON.stringify(content).length;
  return 12 + (struct.parentSub?.length ?? 0);
}

/** One client's progress through the walk. */
interface Walker {
  client: number;
  structs: Struct[];
  /** Index of the next struct to place. */
  next: number;
  /** Clock up to which its structs are placed (or the receiver has them). */
  cut: number;
  /** Clock at which to stop (exclusive). */
  stop: number;
  /** Others stopped until this one's cut passes a clock: [clock, walker] pairs. */
  waiters: Array<[number, Walker]>;
}

/**
 * Every struct of `doc` the receiver lacks (it has `from`), in an order where each
 * comes after what it depends on: its left and right origins and the item holding its
 * parent type. With `to`, only the structs below it (a state itself so ordered). Throws
 * if the doc's structs cannot be so ordered (a dependency the doc does not have).
 */
function causalOrder(doc: Y.Doc, from: Map<number, number>, to?: Map<number, number>): Order {
  const walkers = new Map<number, Walker>();
  let count = 0;
  for (const [client, structs] of doc.store.clients as Map<number, Struct[]>) {
    const state = Y.getState(doc.store, client);
    const cut = Math.min(from.get(client) ?? 0, state);
    const stop = to ? Math.min(to.get(client) ?? 0, state) : state;
    if (stop > cut) count += stop - cut;
    // (From the struct holding `cut`: one the receiver has part of is sent from there.)
    walkers.set(client, { client, structs, next: cut >= stop ? structs.length : Y.findIndexSS(structs, cut), cut, stop, waiters: [] });
  }
  const order: Order = { length: 0, clients: new Float64Array(Math.min(count, 1 << 24)), ends: new Float64Array(Math.min(count, 1 << 24)), bytes: new Float64Array(Math.min(count, 1 << 24)) };
  const push = (client: number, end: number, bytes: number): void => {
    if (order.length === order.clients.length) {
      for (const key of ['clients', 'ends', 'bytes'] as const) {
        const grown = new Float64Array(order.length * 2);
        grown.set(order[key]);
        order[key] = grown;
      }
    }
    order.clients[order.length] = client;
    order.ends[order.length] = end;
    order.bytes[order.length++] = bytes;
  };
  /** The walker a dependency waits for, or null when it is placed already. */
  const blocker = (id: Y.ID | null | undefined): Walker | null => {
    if (!id) return null;
    const walker = walkers.get(id.client);
    if (!walker) throw new Error('The report holds structs whose dependencies it lacks.');
    return walker.cut > id.clock ? null : walker;
  };
  const ready = [...walkers.values()];
  while (ready.length > 0) {
    const walker = ready.pop() as Walker;
    const { structs, stop } = walker;
    while (walker.next < structs.length) {
      const struct = structs[walker.next] as Struct;
      if (struct.id.clock >= stop) break;
      if (struct instanceof Item) {
        const needed = struct.origin && blocker(struct.origin) ? struct.origin
          : struct.rightOrigin && blocker(struct.rightOrigin) ? struct.rightOrigin
            : (struct.parent as Y.AbstractType<unknown> | null)?._item?.id ?? null;
        const waitFor = blocker(needed);
        if (waitFor && needed) {
          if (waitFor === walker) throw new Error('A struct depends on a later one of its own client.');
          waitFor.waiters.push([needed.clock, walker]);
          break;
        }
      }
      const end = struct.id.clock + struct.length;
      const bytes = weight(struct);
      push(walker.client, end, walker.cut > struct.id.clock ? Math.ceil(bytes * (end - walker.cut) / struct.length) : bytes);
      walker.cut = end;
      walker.next++;
    }
    if (walker.waiters.length > 0) {
      const still: Array<[number, Walker]> = [];
      for (const pair of walker.waiters) {
        if (pair[0] < walker.cut) ready.push(pair[1]);
        else still.push(pair);
      }
      walker.waiters = still;
    }
  }
  for (const walker of walkers.values()) {
    if (walker.cut < walker.stop) throw new Error('The report holds structs whose dependencies it lacks.');
  }
  return order;
}

/**
 * The clocks of the report's deleted formatting marks, by client, ascending. They travel
 * with the parts that bring them (see reportParts): a mark the report has deleted must
 * not stand at the receiver until the last part.
 */
type DeletedMarks = Map<number, number[]>;

function deletedMarks(doc: Y.Doc): DeletedMarks {
  const marks: DeletedMarks = new Map();
  for (const [client, structs] of doc.store.clients as Map<number, Struct[]>) {
    const clocks: number[] = [];
    for (const struct of structs) if (struct instanceof Item && struct.deleted && struct.content instanceof ContentFormat) clocks.push(struct.id.clock);
    if (clocks.length > 0) marks.set(client, clocks);
  }
  return marks;
}

/**
 * Writes the structs of each client from `from` up to `to` as one v1 update, with the
 * deletions of the marks from `marksFrom` up to `to` (each mark is one struct of length 1).
 */
function encodeRange(doc: Y.Doc, from: Map<number, number>, to: Map<number, number>, marks: DeletedMarks, marksFrom: Map<number, number>): Uint8Array {
  const clients = doc.store.clients as Map<number, Struct[]>;
  const ranges = [...to].filter(([client, end]) => end > (from.get(client) ?? 0)).sort((a, b) => b[0] - a[0]);
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, ranges.length);
  for (const [client, end] of ranges) {
    const structs = clients.get(client) as Struct[];
    const start = from.get(client) ?? 0;
    const first = Y.findIndexSS(structs, start);
    const last = Y.findIndexSS(structs, end - 1);
    encoding.writeVarUint(encoder.restEncoder, last - first + 1);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, start);
    const firstStruct = structs[first] as Struct;
    firstStruct.write(encoder, start - firstStruct.id.clock);
    for (let i = first + 1; i <= last; i++) (structs[i] as Struct).write(encoder, 0);
  }
  // The delete set, in the layout of Yjs's writeDeleteSet.
  const deletions: Array<[number, number[]]> = [];
  for (const [client, clocks] of marks) {
    const low = marksFrom.get(client) ?? 0;
    const high = to.get(client) ?? 0;
    const inRange = clocks.filter((clock) => clock >= low && clock < high);
    if (inRange.length > 0) deletions.push([client, inRange]);
  }
  deletions.sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder.restEncoder, deletions.length);
  for (const [client, clocks] of deletions) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, clocks.length);
    for (const clock of clocks) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(1);
    }
  }
  return encoder.toUint8Array();
}

/**
 * Updates that bring a copy holding `remote` (a state vector) to `doc`'s state, each
 * aiming at `maxBytes` or less, to be applied in order. A single struct larger than
 * that is a part of its own, larger. The last part carries the deletions, but for
 * those of marks (see above).
 */
export function reportParts(doc: Y.Doc, remote: Uint8Array, maxBytes: number): Uint8Array[] {
  const from = Y.decodeStateVector(remote);
  const order = causalOrder(doc, from);
  const marks = deletedMarks(doc);
  const parts: Uint8Array[] = [];
  let start = new Map(from);
  const cut = new Map(from);
  let bytes = 0;
  const flush = (): void => {
    // (The first part also deletes the marks the receiver has and the report deleted.)
    parts.push(...fitted(doc, start, cut, maxBytes, marks, parts.length === 0 ? new Map() : start));
    start = new Map(cut);
    bytes = 0;
  };
  for (let i = 0; i < order.length; i++) {
    const weighs = order.bytes[i] as number;
    if (bytes > 0 && bytes + weighs > maxBytes) flush();
    cut.set(order.clients[i] as number, order.ends[i] as number);
    bytes += weighs;
  }
  if (bytes > 0) flush();
  parts.push(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc))); // the delete set (and what waits)
  return parts;
}

/** The range as one update, or halved (along the causal order) until each half fits. */
function fitted(doc: Y.Doc, from: Map<number, number>, to: Map<number, number>, maxBytes: number, marks: DeletedMarks, marksFrom: Map<number, number>): Uint8Array[] {
  const update = encodeRange(doc, from, to, marks, marksFrom);
  if (update.length <= maxBytes) return [update];
  const order = causalOrder(doc, from, to);
  if (order.length <= 1) return [update];
  const middle = new Map(from);
  for (let i = 0; i < order.length >> 1; i++) middle.set(order.clients[i] as number, order.ends[i] as number);
  return [...fitted(doc, from, middle, maxBytes, marks, marksFrom), ...fitted(doc, middle, to, maxBytes, marks, middle)];
}
