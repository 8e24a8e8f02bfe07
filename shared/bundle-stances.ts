/**
 * Stance texts by reference in a bundle (format 5, shared/bundle.ts).
 *
 * A stance record carries its paragraph's text and that text's SHA-256 (DESIGN.md,
 * "Endorsement"), so a day's 20 stances on paragraphs the recipient already has cost
 * ≈ 2.7 kB of a bundle for text the recipient holds. The record itself must reach the
 * recipient byte for byte (its signature covers the text; every peer must end with the
 * same document), so nothing is taken out of the document: the bundle's update is sent
 * with the `textHash` and `text` of such records emptied, plus, for each, where in the
 * update it was and which Yjs items the text is made of — (client, clock, length) ranges,
 * in order. An item's content never changes once written, so anyone who has those items
 * rebuilds the same text (normalized, as a stance's text is) and its hash, and puts both
 * back: the update applied is the one the sender's Yjs wrote.
 * (A string is written by lib0 as its UTF-8 length and bytes, which fieldBytes repeats.)
 *
 * The sender references a text only when that is safe: the record's text is the
 * block's current text exactly (already normalized, so the recipient need not normalize
 * it again), its hash is that text's, it is made only of plain string items that the
 * recipient has (below the state vector the bundle is made against), and it is free of
 * UTF-16 surrogates (Yjs replaces half a surrogate pair when it splits an item there, so
 * two copies could hold different code units). Otherwise the text stays in the record.
 * The recipient checks that every reference points at an emptied record; the rebuilt
 * update then goes through the same bounded decode as any other.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { encodeUtf8 } from 'lib0/string';
import { bodyOf } from './ydoc.ts';
import { normalizeText, textHash } from './text-hash.ts';

/** Items of one client: clocks `clock` to `clock + len - 1`. */
export interface ItemRange { client: number; clock: number; len: number }

/** One emptied record: where its fields are in the sent update, and what its text is made of. */
export interface StanceTextRef { offset: number; ranges: ItemRange[] }

/** Reads the text of an item range from a copy's items; null when it lacks them. */
export type ItemText = (range: ItemRange) => string | null;

const KEY_HASH = [8, ...'textHash'].map((c) => (typeof c === 'number' ? c : c.charCodeAt(0)));
const KEY_TEXT = [4, ...'text'].map((c) => (typeof c === 'number' ? c : c.charCodeAt(0)));
const ANY_STRING = 119;
/** The two fields as an emptied record holds them: `textHash: ''`, `text: ''`. */
const EMPTIED = new Uint8Array([...KEY_HASH, ANY_STRING, 0, ...KEY_TEXT, ANY_STRING, 0]);
/** Bytes an emptied record's two fields take in the sent update. */
export const EMPTIED_RECORD_BYTES = EMPTIED.length;
const SURROGATE = /[\uD800-\uDFFF]/;

interface StanceShape { blockId: string; textHash: string; text: string; signature: string }

function isStanceRecord(value: unknown): value is StanceShape {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return typeof r.blockId === 'string' && typeof r.textHash === 'string' && typeof r.text === 'string' && typeof r.signature === 'string';
}

/** The two fields as Yjs's encoder writes them inside the record (lib0's writeAny of two strings). */
function fieldBytes(textHash: string, text: string): Uint8Array {
  const hash = encodeUtf8(textHash);
  const body = encodeUtf8(text);
  const encoder = encoding.createEncoder();
  encoding.writeUint8Array(encoder, new Uint8Array(KEY_HASH));
  encoding.writeUint8(encoder, ANY_STRING);
  encoding.writeVarUint8Array(encoder, hash);
  encoding.writeUint8Array(encoder, new Uint8Array(KEY_TEXT));
  encoding.writeUint8(encoder, ANY_STRING);
  encoding.writeVarUint8Array(encoder, body);
  return encoding.toUint8Array(encoder);
}

function indexOf(bytes: Uint8Array, pattern: Uint8Array, from: number): number {
  const first = pattern[0];
  outer: for (let i = bytes.indexOf(first!, from); i !== -1 && i <= bytes.length - pattern.length; i = bytes.indexOf(first!, i + 1)) {
    for (let j = 1; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/** Block id → the visible string items of its element's text, for blocks whose text is one Y.XmlText of plain strings. */
function blockTexts(doc: Y.Doc): Map<string, { text: string; ranges: ItemRange[] }> {
  const out = new Map<string, { text: string; ranges: ItemRange[] }>();
  const visit = (element: Y.XmlElement): void => {
    const children = element.toArray();
    const id = element.getAttribute('id');
    if (typeof id === 'string' && children.length === 1 && children[0] instanceof Y.XmlText) {
      const ranges: ItemRange[] = [];
      let text = '';
      let plain = true;
      for (let item = (children[0] as unknown as { _start: Y.Item | null })._start; item && plain; item = item.right) {
        if (item.deleted || item.content instanceof Y.ContentFormat) continue;
        if (!(item.content instanceof Y.ContentString)) plain = false;
        else {
          const last = ranges[ranges.length - 1];
          if (last && last.client === item.id.client && last.clock + last.len === item.id.clock) last.len += item.length;
          else ranges.push({ client: item.id.client, clock: item.id.clock, len: item.length });
          text += item.content.str;
        }
      }
      if (plain) out.set(id, { text, ranges });
    }
    for (const child of children) if (child instanceof Y.XmlElement) visit(child);
  };
  for (const child of bodyOf(doc).toArray()) if (child instanceof Y.XmlElement) visit(child);
  return out;
}

/**
 * Empties the text and hash of the stance records in `update` (a v2 update of `doc`
 * against `base`) whose text the recipient can rebuild from items it has; returns the
 * update so emptied and where each record was (offsets in the emptied update, rising).
 */
export function stripStanceTexts(doc: Y.Doc, update: Uint8Array, base: Map<number, number>, hashHex: (text: string) => string = textHash): { update: Uint8Array; refs: StanceTextRef[] } {
  const records: StanceShape[] = [];
  for (const struct of Y.decodeUpdateV2(update).structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentAny)) continue;
    for (const value of struct.content.arr) if (isStanceRecord(value)) records.push(value);
  }
  if (records.length === 0) return { update, refs: [] };
  const blocks = blockTexts(doc);
  const parts: Uint8Array[] = [];
  const refs: StanceTextRef[] = [];
  let read = 0;
  let searchFrom = 0;
  let written = 0;
  for (const record of records) {
    // Records are written in the order decoded; each is found after the previous one.
    const fields = fieldBytes(record.textHash, record.text);
    const at = indexOf(update, fields, searchFrom);
    if (at === -1) continue;
    searchFrom = at + fields.length;
    const block = blocks.get(record.blockId);
    // The hash is rebuilt from the text on the other side: only a record whose hash is its text's.
    const usable = block && block.text.length > 0 && block.text === record.text && normalizeText(record.text) === record.text && hashHex(record.text) === record.textHash && !SURROGATE.test(block.text)
      && block.ranges.every((r) => r.clock + r.len <= (base.get(r.client) ?? 0));
    if (!usable) continue;
    parts.push(update.subarray(read, at), EMPTIED);
    written += at - read;
    refs.push({ offset: written, ranges: block.ranges.map((r) => ({ ...r })) });
    written += EMPTIED.length;
    read = at + fields.length;
  }
  if (refs.length === 0) return { update, refs: [] };
  parts.push(update.subarray(read));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return { update: out, refs };
}

/** The references as bytes (offsets as gaps; each range's client, clock and length). */
export function encodeStanceRefs(refs: readonly StanceTextRef[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, refs.length);
  let previous = 0;
  for (const ref of refs) {
    encoding.writeVarUint(encoder, ref.offset - previous);
    previous = ref.offset;
    encoding.writeVarUint(encoder, ref.ranges.length);
    for (const range of ref.ranges) {
      encoding.writeVarUint(encoder, range.client);
      encoding.writeVarUint(encoder, range.clock);
      encoding.writeVarUint(encoder, range.len);
    }
  }
  return encoding.toUint8Array(encoder);
}

/** Reads references written by `encodeStanceRefs`; throws on malformed input. */
export function decodeStanceRefs(decoder: decoding.Decoder, updateLength: number): StanceTextRef[] {
  const count = decoding.readVarUint(decoder);
  const refs: StanceTextRef[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    offset += decoding.readVarUint(decoder);
    if (offset + EMPTIED.length > updateLength || (i > 0 && offset < refs[i - 1]!.offset + EMPTIED.length)) throw new Error('stance reference out of place');
    const ranges: ItemRange[] = [];
    const n = decoding.readVarUint(decoder);
    if (n === 0 || n > updateLength) throw new Error('stance reference without items');
    for (let r = 0; r < n; r++) ranges.push({ client: decoding.readVarUint(decoder), clock: decoding.readVarUint(decoder), len: decoding.readVarUint(decoder) });
    refs.push({ offset, ranges });
  }
  return refs;
}

/** Reads item ranges from a document's own items (deleted ones included: a report keeps them). */
export function itemTextFrom(doc: Y.Doc): ItemText {
  return ({ client, clock, len }) => {
    const structs = doc.store.clients.get(client);
    if (!structs || len === 0 || clock + len > Y.getState(doc.store, client)) return null;
    let text = '';
    for (let i = Y.findIndexSS(structs, clock); text.length < len && i < structs.length; i++) {
      const struct = structs[i]!;
      if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) return null;
      const from = Math.max(0, clock + text.length - struct.id.clock);
      text += struct.content.str.slice(from, from + len - text.length);
    }
    return text.length === len ? text : null;
  };
}

export class MissingItemsError extends Error {
  override name = 'MissingItemsError';
}

/**
 * Puts the texts and hashes back into an emptied update. Throws MissingItemsError when
 * `itemText` lacks a range, Error when the update does not hold an emptied record where
 * a reference says.
 */
export function restoreStanceTexts(update: Uint8Array, refs: readonly StanceTextRef[], itemText: ItemText, hashHex: (text: string) => string): Uint8Array {
  if (refs.length === 0) return update;
  const fields: Uint8Array[] = [];
  for (const ref of refs) {
    for (let j = 0; j < EMPTIED.length; j++) if (update[ref.offset + j] !== EMPTIED[j]) throw new Error('no emptied stance where a reference points');
    let text = '';
    for (const range of ref.ranges) {
      const piece = itemText(range);
      if (piece === null) throw new MissingItemsError('The text of a stance is made of items this copy does not have.');
      text += piece;
    }
    // The sender referenced only texts that are normalized as they stand (stripStanceTexts).
    fields.push(fieldBytes(hashHex(text), text));
  }
  const out = new Uint8Array(update.length + fields.reduce((n, f) => n + f.length - EMPTIED.length, 0));
  let read = 0;
  let at = 0;
  refs.forEach((ref, i) => {
    out.set(update.subarray(read, ref.offset), at);
    at += ref.offset - read;
    out.set(fields[i]!, at);
    at += fields[i]!.length;
    read = ref.offset + EMPTIED.length;
  });
  out.set(update.subarray(read), at);
  return out;
}
