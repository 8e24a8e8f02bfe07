/**
 * The first line of defence of the sync server: every WebSocket frame a client sends
 * is parsed here, completely, before Hocuspocus sees it. A frame that is not a
 * well-formed Hocuspocus message about a valid report id is refused and the connection
 * closed; Hocuspocus's own parser never meets random bytes.
 *
 * Frame layout (Hocuspocus ≥ 2): varString document name (optionally "name\0session"),
 * varUint message type, then the type's payload. Sync payloads are y-protocols sync
 * messages (step 1: state vector; step 2 / update: a Yjs v1 update).
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { isValidReportId } from '../../../shared/report-id.ts';
import { assertWellFormedSmallUpdate, INLINE_DECODE_LIMIT } from './update-guard.ts';

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
  /** The report the frame is about, or null for a connection-level frame (pong). */
  reportId: string | null;
  /** Updates too large to decode inline; the caller checks them off-thread. */
  deferredUpdates: Uint8Array[];
}

const MAX_STATELESS_CHARS = 64 * 1024;

/** Parses and validates one client frame; throws RefusedFrameError when it is not acceptable. */
export function checkClientFrame(frame: Uint8Array, maxBytes: number): CheckedFrame {
  if (frame.length === 0) throw new RefusedFrameError('Empty message.');
  if (frame.length > maxBytes) throw new RefusedFrameError(`Message of ${frame.length} bytes is too large.`, CloseCode.tooLarge);
  // The provider answers a connection-level ping with a lone Pong byte.
  if (frame.length === 1 && frame[0] === WireType.pong) return { reportId: null, deferredUpdates: [] };
  const deferredUpdates: Uint8Array[] = [];
  let reportId: string;
  try {
    const decoder = decoding.createDecoder(frame);
    const address = decoding.readVarString(decoder);
    const separator = address.indexOf('\0');
    reportId = separator === -1 ? address : address.slice(0, separator);
    if (!isValidReportId(reportId)) throw new RefusedFrameError('Invalid report id.', CloseCode.policyViolation);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case WireType.sync:
      case WireType.syncReply: {
        const subtype = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (subtype === 0) Y.decodeStateVector(payload);
        else if (subtype === 1 || subtype === 2) {
          if (payload.length > INLINE_DECODE_LIMIT) deferredUpdates.push(payload);
          else assertWellFormedSmallUpdate(payload);
        } else throw new RefusedFrameError(`Unknown sync message ${subtype}.`);
        break;
      }
      case WireType.awareness:
        checkAwarenessUpdate(decoding.readVarUint8Array(decoder));
        break;
      case WireType.auth: {
        decoding.readVarUint(decoder);
        decoding.readVarString(decoder);
        if (decoding.hasContent(decoder)) decoding.readVarString(decoder);
        break;
      }
      case WireType.stateless:
        if (decoding.readVarString(decoder).length > MAX_STATELESS_CHARS) throw new RefusedFrameError('Stateless message too large.');
        break;
      case WireType.queryAwareness:
      case WireType.close:
        break;
      default:
        throw new RefusedFrameError(`Message type ${type} is not accepted from a client.`, CloseCode.policyViolation);
    }
    if (decoding.hasContent(decoder)) throw new RefusedFrameError('Trailing bytes after the message.');
  } catch (error) {
    if (error instanceof RefusedFrameError) throw error;
    throw new RefusedFrameError(`Malformed message: ${(error as Error).message}`);
  }
  return { reportId, deferredUpdates };
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
