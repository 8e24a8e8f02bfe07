/**
 * The first line of defence of the sync server: every WebSocket frame a client sends
 * is parsed here, completely, before Hocuspocus sees it; and of the app's link to a
 * server, for every frame the server sends (checkServerFrame). A frame that is not a
 * well-formed Hocuspocus message about a valid report id is refused and the connection
 * closed; Hocuspocus's own parser never meets random bytes.
 *
 * Frame layout (Hocuspocus ≥ 2): varString document name (optionally "name\0session"),
 * varUint message type, then the type's payload. Sync payloads are y-protocols sync
 * messages (step 1: state vector; step 2 / update: a Yjs v1 update).
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { reportOfDocument } from '../../../shared/report-id.ts';
import { assertWellFormedSmallUpdate, INLINE_DECODE_LIMIT, type NeighbourPairList } from './update-guard.ts';

/** Hocuspocus message types (see @hocuspocus/server types.ts). */
export const WireType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  syncReply: 4,
  stateless: 5,
  broadcastStateless: 6,
  close: 7,
  pong: 10,
} as const;

/** Close codes used when a frame is refused (RFC 6455 §7.4.1). */
export const CloseCode = {
  unsupportedData: 1003,
  invalidPayload: 1007,
  policyViolation: 1008,
  tooLarge: 1009,
  /** Not a refusal of what was sent: the other side reconnects, and the sync sends it again whole. */
  tryAgain: 1013,
} as const;

export class RefusedFrameError extends Error {
  override name = 'RefusedFrameError';
  readonly code: number;
  constructor(message: string, code: number = CloseCode.invalidPayload) {
    super(message);
    this.code = code;
  }
}

export interface CheckedFrame {
  /** The report the frame is about (also for its incoming copy), or null for a connection-level frame (pong). */
  reportId: string | null;
  /** Updates too large to decode inline; the caller checks them off-thread. */
  deferredUpdates: Uint8Array[];
  /** The state vector of a sync step 1 (what the sender holds of the report), or null for any other frame. */
  stateVector: Uint8Array | null;
  /** The kind of Yjs update the frame carries: the answer to a sync step 1, or a change as it happened. */
  update: 'sync-step-2' | 'change' | null;
  /** For an update checked inline: the pairs of characters it needs to stand in order in the report (neighbour-order.ts). */
  neighbourPairs: NeighbourPairList | null;
  /** The Yjs update the frame carries, if any. */
  updateBytes: Uint8Array | null;
}

const MAX_STATELESS_CHARS = 64 * 1024;

type PayloadCheck = (type: number, decoder: decoding.Decoder, found: CheckedFrame) => void;

/**
 * The frame layout both directions share: a report address, a message type, its
 * payload (checked by `checkPayload`) and nothing after it. `loneByte` is the one-byte
 * keep-alive frame that direction carries (a client's pong, a server's ping).
 */
function checkFrame(frame: Uint8Array, maxBytes: number, loneByte: number, checkPayload: PayloadCheck): CheckedFrame {
  if (frame.length === 0) throw new RefusedFrameError('Empty message.');
  if (frame.length > maxBytes) throw new RefusedFrameError(`Message of ${frame.length} bytes is too large.`, CloseCode.tooLarge);
  const found: CheckedFrame = { reportId: null, deferredUpdates: [], stateVector: null, update: null, neighbourPairs: null, updateBytes: null };
  if (frame.length === 1 && frame[0] === loneByte) return found;
  try {
    const decoder = decoding.createDecoder(frame);
    const address = decoding.readVarString(decoder);
    const separator = address.indexOf('\0');
    const report = reportOfDocument(separator === -1 ? address : address.slice(0, separator));
    if (report === null) throw new RefusedFrameError('Invalid report id.', CloseCode.policyViolation);
    found.reportId = report;
    checkPayload(decoding.readVarUint(decoder), decoder, found);
    if (decoding.hasContent(decoder)) throw new RefusedFrameError('Trailing bytes after the message.');
  } catch (error) {
    if (error instanceof RefusedFrameError) throw error;
    throw new RefusedFrameError(`Malformed message: ${(error as Error).message}`);
  }
  return found;
}

/** y-protocols sync: step 1 (a state vector), step 2 or update (a Yjs v1 update). */
function checkSyncPayload(decoder: decoding.Decoder, found: CheckedFrame): void {
  const subtype = decoding.readVarUint(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  if (subtype === 0) {
    Y.decodeStateVector(payload);
    found.stateVector = payload;
  } else if (subtype === 1 || subtype === 2) {
    found.update = subtype === 1 ? 'sync-step-2' : 'change';
    found.updateBytes = payload;
    if (payload.length > INLINE_DECODE_LIMIT) found.deferredUpdates.push(payload);
    else found.neighbourPairs = assertWellFormedSmallUpdate(payload);
  } else throw new RefusedFrameError(`Unknown sync message ${subtype}.`);
}

/** The payloads both directions carry alike; false for any other type. */
function checkSharedPayload(type: number, decoder: decoding.Decoder, found: CheckedFrame): boolean {
  if (type === WireType.sync) checkSyncPayload(decoder, found);
  else if (type === WireType.awareness) checkAwarenessUpdate(decoding.readVarUint8Array(decoder));
  else return false;
  return true;
}

function checkText(decoder: decoding.Decoder): void {
  if (decoding.readVarString(decoder).length > MAX_STATELESS_CHARS) throw new RefusedFrameError('Message text too large.');
}

/** Parses and validates one client frame; throws RefusedFrameError when it is not acceptable. */
export function checkClientFrame(frame: Uint8Array, maxBytes: number): CheckedFrame {
  // The provider answers a connection-level ping with a lone Pong byte.
  return checkFrame(frame, maxBytes, WireType.pong, (type, decoder, found) => {
    if (checkSharedPayload(type, decoder, found)) return;
    switch (type) {
      case WireType.syncReply:
        checkSyncPayload(decoder, found);
        break;
      case WireType.auth: {
        decoding.readVarUint(decoder);
        decoding.readVarString(decoder);
        if (decoding.hasContent(decoder)) decoding.readVarString(decoder);
        break;
      }
      case WireType.stateless:
        checkText(decoder);
        break;
      case WireType.queryAwareness:
      case WireType.close:
        break;
      default:
        throw new RefusedFrameError(`Message type ${type} is not accepted from a client.`, CloseCode.policyViolation);
    }
  });
}

/** Message types only a server sends (the provider's MessageType). */
const ServerWireType = { syncStatus: 8, ping: 9 } as const;

/**
 * Parses and validates one frame a sync server (or a meeting) sent the app; throws
 * RefusedFrameError when it is not acceptable. The app's side of the same defence: a
 * hostile or broken server must not reach the provider's parser, nor half-apply an
 * update followed by garbage.
 */
export function checkServerFrame(frame: Uint8Array, maxBytes: number): CheckedFrame {
  return checkFrame(frame, maxBytes, ServerWireType.ping, (type, decoder, found) => {
    if (checkSharedPayload(type, decoder, found)) return;
    switch (type) {
      case WireType.auth: {
        // A token request (0); permission denied or authenticated (1, 2) with a reason or scope.
        const subtype = decoding.readVarUint(decoder);
        if (subtype === 1 || subtype === 2) decoding.readVarString(decoder);
        else if (subtype !== 0) throw new RefusedFrameError(`Unknown auth message ${subtype}.`);
        break;
      }
      case WireType.stateless:
      case WireType.close:
        checkText(decoder);
        break;
      case ServerWireType.syncStatus:
        decoding.readVarInt(decoder);
        break;
      case WireType.queryAwareness:
        break;
      default:
        throw new RefusedFrameError(`Message type ${type} is not expected from a server.`, CloseCode.policyViolation);
    }
  });
}

/** y-protocols awareness update: count, then (client id, clock, JSON state) triples. */
function checkAwarenessUpdate(update: Uint8Array): void {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  for (let i = 0; i < count; i++) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    JSON.parse(decoding.readVarString(decoder));
  }
  if (decoding.hasContent(decoder)) throw new RefusedFrameError('Trailing bytes after the awareness update.');
}
