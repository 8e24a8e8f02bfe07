/**
 * Encoding and decoding of the y-protocols messages every Plenary link speaks: a
 * message type (sync or awareness) followed by the y-protocols payload. The same
 * framing as y-websocket, so stock clients interoperate.
 *
 * Pure (no DOM, no Node): main (`main/services/messages.ts` re-exports it) and the
 * renderer use this one implementation on both ends of the link.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { integrationProblem, type DecodedUpdate } from './update-integrity.ts';

export const MessageType = { sync: 0, awareness: 1 } as const;

/** Largest message a peer may send (main's messages to its window are not capped); a bigger one closes the link. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** A peer asking for what it lacks (sync step 1: its state vector). */
export function isSyncStep1(message: Uint8Array): boolean {
  return message.length >= 2 && message[0] === MessageType.sync && message[1] === syncProtocol.messageYjsSyncStep1;
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}

/**
 * Checks that bytes claiming to be a Yjs update decode as one, exactly, and that Yjs can
 * integrate all of it, without touching the doc: a malformed update must be refused
 * whole, never half-applied. Empty input is refused (yjs#498), and so are bytes left over
 * after the update's delete set, which Yjs would silently ignore (yjs#687's v2 payload
 * reads as an empty v1 update), and structs that would make Yjs throw halfway through
 * (update-integrity.ts). v1 decoding reads at least one byte per struct, so its time is
 * bounded by the size, which callers cap (MAX_MESSAGE_BYTES). Returns the decoded update.
 */
export function assertWellFormedUpdate(update: Uint8Array): DecodedUpdate {
  if (!(update instanceof Uint8Array) || update.length === 0) throw new MalformedMessageError('Empty Yjs update.');
  let decoded: { update: DecodedUpdate; bytesLeft: number };
  try {
    decoded = decodeMeasured(update);
  } catch (error) {
    throw new MalformedMessageError(`Malformed Yjs update: ${(error as Error).message}`);
  }
  if (decoded.bytesLeft !== 0) throw new MalformedMessageError(`Malformed Yjs update: ${decoded.bytesLeft} bytes after its end.`);
  const problem = integrationProblem(decoded.update);
  if (problem) throw new MalformedMessageError(`Malformed Yjs update: ${problem}.`);
  return decoded.update;
}

/** The byte decoder of the last MeasuringDecoder made (decoding is synchronous). */
let measuredBytes: { arr: Uint8Array; pos: number } | null = null;

/**
 * A v1 update decoder that remembers its byte decoder, to see where the update ended.
 * One class for all calls: a class made per call cost ~40–100 µs per small update
 * (a new hidden class each time, and Yjs's decoding call sites turned megamorphic),
 * ~6–8 µs with this one — the sync server checks every incoming update.
 */
class MeasuringDecoder extends Y.UpdateDecoderV1 {
  constructor(decoder: { arr: Uint8Array; pos: number }) {
    super(decoder as ConstructorParameters<typeof Y.UpdateDecoderV1>[0]);
    measuredBytes = decoder;
  }
}

/** Decodes a v1 update (throws if it does not decode), and says how many bytes were left unread. */
function decodeMeasured(update: Uint8Array): { update: DecodedUpdate; bytesLeft: number } {
  measuredBytes = null;
  const decoded = Y.decodeUpdateV2(update, MeasuringDecoder);
  const decoder = measuredBytes as { arr: Uint8Array; pos: number } | null;
  measuredBytes = null;
  return { update: decoded, bytesLeft: decoder ? decoder.arr.length - decoder.pos : 0 };
}

export interface PeerTrust {
  /** Its document updates are refused. */
  readOnly?: boolean;
  /**
   * The peer is the renderer's own main process. Everything it sends, Yjs encoded from
   * main's doc (a sync step 2, or an 'update' event), so it is well formed by
   * construction: checking it again only costs time, ≈ 80 ms of the page's freeze for a
   * 2.5 MB report opened or merged.
   */
  encodedByMain?: boolean;
  /** Called with the peer's (checked) update right before it is applied. */
  beforeApply?: (update: Uint8Array) => void;
}

/**
 * Applies one message from a peer. Returns the reply to send back, if any. Throws
 * MalformedMessageError for anything that is not a well-formed message; the doc is then
 * unchanged (main's updates to the renderer, `encodedByMain`, are not checked). A
 * read-only peer's document updates are refused.
 */
export function handleMessage(
  message: Uint8Array,
  doc: Y.Doc,
  awareness: awarenessProtocol.Awareness,
  origin: unknown,
  { readOnly = false, encodedByMain = false, beforeApply }: PeerTrust = {},
): Uint8Array | null {
  if (!(message instanceof Uint8Array) || message.length === 0) throw new MalformedMessageError('Empty message.');
  // Main's own messages are not a peer's: a report with a long history (nothing is ever
  // collected) may exceed any cap, and must still open in its window.
  if (message.length > MAX_MESSAGE_BYTES && !encodedByMain) throw new MalformedMessageError('Message too large.');
  try {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.sync) {
      const subtype = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (subtype === syncProtocol.messageYjsSyncStep1) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.sync);
        syncProtocol.writeSyncStep2(encoder, doc, payload);
        return encoding.toUint8Array(encoder);
      }
      if (subtype === syncProtocol.messageYjsSyncStep2 || subtype === syncProtocol.messageYjsUpdate) {
        if (readOnly) throw new MalformedMessageError('This link is read-only.');
        if (!encodedByMain) assertWellFormedUpdate(payload);
        beforeApply?.(payload);
        Y.applyUpdate(doc, payload, origin);
        return null;
      }
      throw new MalformedMessageError(`Unknown sync message ${subtype}.`);
    }
    if (type === MessageType.awareness) {
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), origin);
      return null;
    }
    throw new MalformedMessageError(`Unknown message type ${type}.`);
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError(`Malformed message: ${(error as Error).message}`);
  }
}

export const SyncKind = { step1: 'step1', step2: 'step2', update: 'update', awareness: 'awareness', unknown: 'unknown' } as const;
export type SyncKindName = (typeof SyncKind)[keyof typeof SyncKind];

/** What a message is, read from its header only (no payload decoding, never throws). */
export function messageKind(message: Uint8Array): SyncKindName {
  try {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.awareness) return SyncKind.awareness;
    if (type !== MessageType.sync) return SyncKind.unknown;
    const subtype = decoding.readVarUint(decoder);
    if (subtype === syncProtocol.messageYjsSyncStep1) return SyncKind.step1;
    if (subtype === syncProtocol.messageYjsSyncStep2) return SyncKind.step2;
    if (subtype === syncProtocol.messageYjsUpdate) return SyncKind.update;
    return SyncKind.unknown;
  } catch {
    return SyncKind.unknown;
  }
}
