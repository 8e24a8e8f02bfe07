/**
 * The server's answer to a member's first sync, in parts when it is large: Hocuspocus
 * answers a sync step 1 with everything the member lacks in one sync step 2, and a
 * member's app takes at most 64 MiB in one message (guarded-socket.ts). A report with
 * more history than that, sent to the server in parts (send-in-parts.ts), could then not
 * be fetched. Such an answer is replaced, on its way to the socket, by the same content
 * as ordinary updates (report-parts.ts: each integrates at once, in order) followed by a
 * sync step 2 carrying the last part, so the member's provider counts itself synced
 * only once it has everything, as with the single message.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { messageYjsSyncStep2 } from 'y-protocols/sync';
import { MessageType, OutgoingMessage } from '@hocuspocus/server';
import { reportParts } from './report-parts.ts';

/** A sync step 2 frame's report name and update, or null for any other frame. */
function syncStep2Of(frame: Uint8Array): { name: string; update: Uint8Array } | null {
  try {
    const decoder = decoding.createDecoder(frame);
    const name = decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== MessageType.Sync || decoding.readVarUint(decoder) !== messageYjsSyncStep2) return null;
    const update = decoding.readVarUint8Array(decoder);
    return decoding.hasContent(decoder) ? null : { name, update };
  } catch {
    return null;
  }
}

function syncStep2Frame(name: string, update: Uint8Array): Uint8Array {
  const message = new OutgoingMessage(name).createSyncMessage();
  encoding.writeVarUint(message.encoder, messageYjsSyncStep2);
  encoding.writeVarUint8Array(message.encoder, update);
  return message.toUint8Array();
}

/** What the member has, read off the answer: where each client's structs in it start. */
function memberState(doc: Y.Doc, answer: Uint8Array): Uint8Array {
  const { from } = Y.parseUpdateMeta(answer);
  const state = new Map<number, number>();
  for (const client of doc.store.clients.keys()) state.set(client, from.get(client) ?? Y.getState(doc.store, client));
  return Y.encodeStateVector(state);
}

/**
 * Wraps a socket's send: a sync step 2 larger than `maxReplyBytes` for a report in
 * `documentOf` goes as parts of at most that size; every other frame as it is.
 */
export function splitLargeSyncReplies(
  send: (frame: Uint8Array) => void,
  documentOf: (name: string) => Y.Doc | undefined,
  maxReplyBytes: number,
): (frame: Uint8Array) => void {
  return (frame) => {
    if (frame.length <= maxReplyBytes) {
      send(frame);
      return;
    }
    const step2 = syncStep2Of(frame);
    const doc = step2 && documentOf(step2.name);
    if (!step2 || !doc) {
      send(frame);
      return;
    }
    // From the member's state to the report's as it is now (a later change, if any,
    // travels with the parts instead of after them).
    const parts = reportParts(doc, memberState(doc, step2.update), maxReplyBytes);
    const last = parts.pop() as Uint8Array;
    for (const part of parts) send(new OutgoingMessage(step2.name).createSyncMessage().writeUpdate(part).toUint8Array());
    send(syncStep2Frame(step2.name, last));
  };
}
