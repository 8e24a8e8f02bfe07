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
import { reportParts } from './report-parts.ts';

/** Hocuspocus's message type for sync messages; y-protocols' sync step 2 and update. */
const SYNC = 0;
const SYNC_STEP_2 = 1;
const UPDATE = 2;

/** A sync step 2 frame's report name and update, or null for any other frame. */
function syncStep2Of(frame: Uint8Array): { name: string; update: Uint8Array } | null {
  try {
    const decoder = decoding.createDecoder(frame);
    const name = decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== SYNC || decoding.readVarUint(decoder) !== SYNC_STEP_2) return null;
    const update = decoding.readVarUint8Array(decoder);
    return decoding.hasContent(decoder) ? null : { name, update };
  } catch {
    return null;
  }
}

function syncFrame(name: string, subtype: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, name);
  encoding.writeVarUint(encoder, SYNC);
  encoding.writeVarUint(encoder, subtype);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** What the member has, read off the answer: where each client's structs in it start. */
function memberState(doc: Y.Doc, answer: Uint8Array): Uint8Array {
  const { from } = Y.parseUpdateMeta(answer);
  const state = new Map<number, number>();
  for (const client of doc.store.clients.keys()) state.set(client, from.get(client) ?? Y.getState(doc.store, client));
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, state.size);
  for (const [client, clock] of state) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Wraps a socket's send: a sync step 2 larger than `maxReplyBytes` for a report in
 * `documentOf` goes as parts of at most `partBytes`; every other frame as it is.
 */
export function splitLargeSyncReplies(
  send: (frame: Uint8Array) => void,
  documentOf: (name: string) => Y.Doc | undefined,
  options: { maxReplyBytes: number; partBytes: number },
): (frame: Uint8Array) => void {
  return (frame) => {
    if (frame.length <= options.maxReplyBytes) {
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
    const parts = reportParts(doc, memberState(doc, step2.update), options.partBytes);
    parts.forEach((part, i) => send(syncFrame(step2.name, i === parts.length - 1 ? SYNC_STEP_2 : UPDATE, part)));
  };
}
