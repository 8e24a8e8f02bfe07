/**
 * Whether bytes are still moving on a connection, for links whose messages can take
 * longer than a liveness timeout to cross a slow network.
 *
 * Why: both ends of a link judge it alive by complete messages. The stock provider
 * closes a connection that has not received one for 30 s, and the Hocuspocus server
 * one that has not sent one for 60 s. A member on a slow connection (a conference's
 * Wi-Fi, a line at 1 Mbit/s) who fetches a 12 MB report, or sends a large backlog, is in
 * the middle of one message for longer than that: the link was closed each time, and
 * started over, and never got through. Bytes arriving show that the other end and the
 * path are alive as well as a whole message does (bytes leaving do not: see heardFrom).
 */
import type { Socket } from 'node:net';
import { WebSocketStatus, type HocuspocusProvider } from '@hocuspocus/provider';

/** How often a connection's byte counts are looked at. */
const TRAFFIC_CHECK_MS = 1_000;

export type Traffic = 'read' | 'written';

/**
 * Calls `onTraffic` at most once per `everyMs` for each direction in which `socket`
 * moved bytes meanwhile, with the bytes moved that way since the socket opened, and once
 * more as the socket closes; stops then, or when the returned function is called.
 */
export function watchTraffic(socket: Socket, onTraffic: (traffic: Traffic, bytes: number) => void, everyMs = TRAFFIC_CHECK_MS): () => void {
  let read = socket.bytesRead;
  let written = socket.bytesWritten;
  const look = (): void => {
    if (socket.bytesRead !== read) {
      read = socket.bytesRead;
      onTraffic('read', read);
    }
    if (socket.bytesWritten !== written) {
      written = socket.bytesWritten;
      onTraffic('written', written);
    }
  };
  const timer = setInterval(look, everyMs);
  // (A watch never keeps a process alive.)
  timer.unref();
  const stop = (): void => clearInterval(timer);
  // The last second's bytes count too: a fetch resumed after a break asks for parts by them.
  socket.once('close', () => {
    stop();
    look();
  });
  return stop;
}

/**
 * Counts bytes arriving on `provider`'s connection as a message heard, for its
 * liveness check (`messageReconnectTimeout`): a connection in the middle of a long
 * message is not silent. (The server pings every connection, so one that is sending a
 * long message is heard too.) Bytes leaving do not count: the system takes them into
 * its buffers even when the other end has gone without a word (a meeting host's laptop
 * closed), and the link would never notice.
 */
export function heardFrom(provider: HocuspocusProvider | null | undefined, traffic: Traffic): void {
  if (traffic !== 'read') return;
  const socket = provider?.configuration.websocketProvider;
  if (socket?.status === WebSocketStatus.Connected) socket.lastMessageReceived = Date.now();
}

/**
 * For a wait on a message rather than on the link (a report being fetched): true once
 * at least `minBytes` more have moved than at the last true. Pings (a few bytes every
 * 10 s) keep a link alive, but a server that pings and never answers must still time out.
 */
export function progressOf(minBytes = 512): (bytes: number) => boolean {
  let counted = 0;
  return (bytes) => {
    if (bytes - counted < minBytes) return false;
    counted = bytes;
    return true;
  };
}
