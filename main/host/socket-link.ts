/**
 * One page's WebSocket, bridged to PlenaryApi (shared/web-protocol.ts): JSON requests are
 * validated and handed to `RequestHandlers`; binary frames are y-protocols messages fed
 * to the report session as one peer. A malformed frame closes the socket with a reason
 * and leaves the report exactly as it was.
 */
import type { WebSocket, RawData } from 'ws';
import { validateRequest, type RequestHandlers, type RequestName } from '../../shared/api.ts';
import { CloseCode, ProtocolError, encodeResponse, parseRequest } from '../../shared/web-protocol.ts';
import type { OpenReport } from '../services/open-report.ts';

export type Log = (line: string) => void;

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A close reason fits in 123 bytes of UTF-8. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -2) + '…';
  return reason;
}

export function closeWithReason(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, closeReason(reason));
}

async function answer(handlers: RequestHandlers, name: unknown, args: unknown): Promise<{ result: unknown } | { error: string }> {
  try {
    const request = validateRequest(name, args);
    const handler = handlers[request.name] as (...a: unknown[]) => unknown;
    return { result: await handler(...request.args) };
  } catch (error) {
    // Refusals (ApiError, a file that is not a report…) are written for the user.
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function bridgeSocket(socket: WebSocket, report: OpenReport, handlers: RequestHandlers, log: Log): void {
  const peer = report.session.connect((message) => {
    if (socket.readyState === socket.OPEN) socket.send(message, { binary: true });
  });
  const refuse = (why: string): void => {
    log(`Closed a page's link to ${report.path}: ${why}`);
    closeWithReason(socket, CloseCode.protocolError, why);
  };

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      try {
        peer.receive(toBytes(data));
      } catch (error) {
        refuse((error as Error).message);
      }
      return;
    }
    let frame;
    try {
      frame = parseRequest(data.toString());
    } catch (error) {
      refuse(error instanceof ProtocolError ? error.message : 'Malformed frame.');
      return;
    }
    const { id, name, args } = frame;
    void answer(handlers, name as RequestName, args).then((outcome) => {
      if (socket.readyState === socket.OPEN) socket.send(encodeResponse(id, outcome));
    });
  });
  socket.on('close', () => peer.close());
  socket.on('error', (error) => log(`Socket error on ${report.path}: ${error.message}`));
}
