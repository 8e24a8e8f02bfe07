/**
 * A report loaded on the server (from its file, a meeting host's copy, or the report an
 * incoming copy starts from) is not broadcast to the members it was loaded for.
 *
 * Why: Hocuspocus holds every change of a document for its next broadcast (`flushDelay`:
 * until the end of the event-loop turn), the loading of the document included. The
 * broadcast goes out once the connection that asked for the report is attached, and
 * that member, whose sync exchange had just told it exactly what it lacked, was sent the
 * whole report a second time. A member reconnecting to a report no one else had open
 * (every reconnect of a member working alone, every guest joining a meeting) received
 * it in full each time: 300 kB for a 2,000-paragraph report, on the lines where that
 * costs most (the symptom of ueberdosis/hocuspocus#768, closed for an earlier cause).
 * Nothing is attached to a document while it loads, so nothing is lost by dropping what
 * its loading queued: every member's sync exchange carries it.
 */
import type { Document, Extension, afterLoadDocumentPayload } from '@hocuspocus/server';

/** Hocuspocus's Document internals used here (private in its typings; checked at run time). */
interface PendingBroadcast {
  pendingUpdates: Uint8Array[];
  pendingUpdateBytes: number;
}

/** Forgets the changes `document` holds for its next broadcast. */
export function dropPendingBroadcast(document: Document): void {
  const internals = document as unknown as PendingBroadcast;
  if (!Array.isArray(internals.pendingUpdates) || typeof internals.pendingUpdateBytes !== 'number') {
    throw new Error('This Hocuspocus version batches broadcasts differently: review quiet-load.ts.');
  }
  internals.pendingUpdates = [];
  internals.pendingUpdateBytes = 0;
}

export const quietLoad: Extension = {
  extensionName: 'PlenaryQuietLoad',
  async afterLoadDocument({ document }: afterLoadDocumentPayload) {
    dropPendingBroadcast(document);
  },
};
