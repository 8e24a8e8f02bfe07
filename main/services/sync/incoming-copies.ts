/**
 * Incoming copies: where a sync server (or a meeting) stages a report that comes in
 * parts (send-in-parts.ts), so that no one sees it half-arrived.
 *
 * Why: cut into parts, a report passes through states that never existed — a list
 * whose items are still to come, a moved block standing next to its copy because the
 * deletion of the original comes last. An editor showing such a state repairs it:
 * y-prosemirror deletes a node the schema does not allow, the block-id plugin gives a
 * duplicated id a new one. Those repairs are edits, which would reach every copy and
 * outlive the parts (a list lost; a paragraph's stances no longer pointing at it).
 *
 * So the parts go to a document of their own, `<report id>~incoming~<upload id>`, held
 * in memory only and seen by the sender alone. It opens as a copy of the report (so the
 * sender sends only what the report lacks), and holds the report open while it is
 * loaded, and for the presence grace after (the sender's presence is relayed to it:
 * incoming-copy-presence.ts). When every part has arrived the sender asks for the merge:
 * what the report lacks of the copy is applied to it in ONE transaction, as Yjs's own
 * sync would do. The merge is stored, broadcast and relayed like any other change, and
 * the sender is told "merged" only once it is stored (the answer leaves through the same
 * outbox as every acknowledgement, durable-outbox.ts).
 *
 * A copy whose sender left before the merge (a line that drops) is kept a while, only
 * the parts it took: the sender comes back to the same copy (`?resume=1`, with the doc it
 * was mirroring) and sends only the rest. A copy no longer here is refused to a sender
 * coming back (COPY_GONE: the server restarted, or another process serves it), which
 * then starts over with a new copy.
 */
import * as Y from 'yjs';
import type { afterUnloadDocumentPayload, beforeUnloadDocumentPayload, DirectConnection, Extension, Hocuspocus, onConnectPayload, onLoadDocumentPayload, onStatelessPayload } from '@hocuspocus/server';
import { reportOfIncomingCopy } from '../../../shared/report-id.ts';
import { takePartsAsSent } from './parts-as-sent.ts';
import type { Logger } from './log.ts';
import { KeptForNextTry } from './kept-for-next-try.ts';
import { applyDroppingMisplacedWaiting } from './neighbour-order-guard.ts';
import { DEPARTURE_GRACE_MS } from '../awareness-relay.ts';

/** The sender's request, sent on the copy once every part is stored (provider.sendStateless). */
export const MERGE_REQUEST = 'plenary:merge-incoming';
/** The answer once the report holds the copy, stored. */
export const MERGED = 'plenary:merged';
/** The answer when it could not be merged; the reason follows. */
export const MERGE_FAILED = 'plenary:merge-failed:';

/** How long the parts of a copy whose sender left before the merge are kept for its return. */
export const KEEP_UNMERGED_MS = 10 * 60_000;
/** Copies kept for their senders' return, all reports together; past it the oldest goes. */
export const MAX_KEPT_COPIES = 16;
/** A sender coming back to a copy (its mirror holds what the copy held) says so on the address. */
export const RESUME_PARAM = 'resume';
/** The refusal of a sender coming back to a copy that is no longer kept. */
export const COPY_GONE = 'This send in parts is no longer on the server; it starts over.';

/** Sends in parts to one report that may be under way at once. */
export const MAX_COPIES_PER_REPORT = 4;
const TOO_MANY_COPIES = 'Too many members are sending this report in parts at once; try again later.';

/**
 * `closeWaiting` closes the socket of a connection refused before it is attached (the
 * server's, with 1013 "try again").
 */
export interface IncomingCopies extends Extension {
  /** Lets go at once of the reports unloaded copies still hold for DEPARTURE_GRACE_MS (the server is closing). */
  letGoOfReports(): void;
}

export function incomingCopies(hocuspocus: () => Hocuspocus, log: Logger, closeWaiting: (request: Request, reason: string) => void): IncomingCopies {
  const openReport = (reportId: string): Promise<DirectConnection> => hocuspocus().openDirectConnection(reportId, { plenary: 'incoming-copy' });
  /** Runs `use` on the report itself, loaded for it (a direct connection, closed after). */
  const withReport = async (reportId: string, use: (report: Y.Doc) => void): Promise<void> => {
    const direct = await openReport(reportId);
    try {
      await direct.transact(use);
    } finally {
      await direct.disconnect();
    }
  };
  /** The report each loaded copy holds open, by copy name. */
  const reportHeldBy = new Map<string, DirectConnection>();
  /** Reports whose copy unloaded, by copy name, held until the sender's people have left them (below). */
  const heldPastUnload = new KeptForNextTry<DirectConnection>({ keepMs: DEPARTURE_GRACE_MS + 100, most: Infinity, drop: (held) => void held.disconnect().catch(() => undefined) });
  let closing = false;
  /** The parts of copies whose sender left before the merge, by copy name. */
  const kept = new KeptForNextTry<Uint8Array>({ keepMs: KEEP_UNMERGED_MS, most: MAX_KEPT_COPIES });
  /** Each loaded copy's state vector before any part: what it took is what came after. */
  const reportVectorOf = new WeakMap<Y.Doc, Uint8Array>();
  const mergedCopies = new WeakSet<Y.Doc>();
  return {
    extensionName: 'PlenaryIncomingCopies',
    letGoOfReports: () => {
      closing = true;
      heldPastUnload.clear();
    },
    async onConnect({ documentName, instance, request, requestParameters }: onConnectPayload): Promise<void> {
      const reportId = reportOfIncomingCopy(documentName);
      if (reportId === null) return;
      const here = instance.documents.has(documentName) || instance.loadingDocuments.has(documentName) || kept.has(documentName);
      if (requestParameters.get(RESUME_PARAM) !== null && !here) {
        log('info', 'report.incoming_gone', { report: reportId });
        closeWaiting(request, COPY_GONE);
        throw Object.assign(new Error(), { reason: COPY_GONE });
      }
      // Each copy holds the whole report in memory: a few at a time per report.
      const ofThisReport = (name: string): boolean => name !== documentName && reportOfIncomingCopy(name) === reportId;
      const names = new Set([...instance.documents.keys(), ...instance.loadingDocuments.keys(), ...kept.keys()]);
      let copies = [...names].filter(ofThisReport).length;
      // A send under way comes before one that broke off: room is made from the kept, oldest first.
      for (const name of kept.keys()) {
        if (copies < MAX_COPIES_PER_REPORT) break;
        if (ofThisReport(name) && !instance.loadingDocuments.has(name)) {
          kept.discard(name);
          copies -= 1;
        }
      }
      if (copies >= MAX_COPIES_PER_REPORT) {
        log('warn', 'report.incoming_refused', { report: reportId, copies });
        // (A refused connection's socket is closed, or its provider would wait on it for good.)
        closeWaiting(request, TOO_MANY_COPIES);
        // (No message: Hocuspocus would print it on stderr at every refused attempt; logged above.)
        throw Object.assign(new Error(), { reason: TOO_MANY_COPIES });
      }
    },
    async onLoadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
      const reportId = reportOfIncomingCopy(documentName);
      if (reportId === null) return;
      const held = await openReport(reportId);
      try {
        await held.transact((report) => Y.applyUpdate(document, Y.encodeStateAsUpdate(report)));
        reportVectorOf.set(document, Y.encodeStateVector(document));
        takePartsAsSent(document);
        const parts = kept.take(documentName);
        if (parts) Y.applyUpdate(document, parts);
      } catch (error) {
        // (A copy that failed to load is never unloaded: let go of the report here.)
        await held.disconnect();
        throw error;
      }
      reportHeldBy.set(documentName, held);
    },
    async beforeUnloadDocument({ documentName, document }: beforeUnloadDocumentPayload): Promise<void> {
      const reportVector = reportVectorOf.get(document);
      if (reportVector === undefined || mergedCopies.has(document)) return;
      const parts = Y.encodeStateAsUpdate(document, reportVector);
      // (An update that adds nothing is a few bytes: the sender had not sent a part.)
      if (parts.length <= 2) return;
      kept.keep(documentName, parts);
    },
    async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
      const held = reportHeldBy.get(documentName);
      reportHeldBy.delete(documentName);
      if (!held) return;
      if (closing) return held.disconnect();
      // The sender's people leave the report after the presence relay's grace
      // (awareness-relay.ts): held open till then, their leaving reaches its members (here
      // and, through Redis, elsewhere) rather than wait for their presence to time out.
      heldPastUnload.keep(documentName, held);
    },
    async onStateless({ documentName, document, connection, payload }: onStatelessPayload): Promise<void> {
      const reportId = reportOfIncomingCopy(documentName);
      if (reportId === null || payload !== MERGE_REQUEST) return;
      if (connection.readOnly) {
        connection.sendStateless(`${MERGE_FAILED}this link may read the report, not change it`);
        return;
      }
      try {
        let bytes = 0;
        let dropped: number[] = [];
        await withReport(reportId, (report) => {
          const lacking = Y.encodeStateAsUpdate(document, Y.encodeStateVector(report));
          bytes = lacking.length;
          // Its parts were checked against the copy, not with what waits in the report.
          dropped = applyDroppingMisplacedWaiting(report, lacking);
        });
        if (dropped.length > 0) log('warn', 'update.waiting_misplaced_dropped', { report: reportId, clients: dropped.join(' ') });
        mergedCopies.add(document);
        log('info', 'report.incoming_merged', { report: reportId, bytes });
        connection.sendStateless(MERGED);
      } catch (error) {
        const reason = (error as Error).message;
        log('warn', 'report.incoming_merge_failed', { report: reportId, reason });
        connection.sendStateless(`${MERGE_FAILED}${reason}`);
      }
    },
  };
}
