/**
 * Presence across an incoming copy (incoming-copies.ts). A member sending a report in
 * parts is linked to the copy only, which no one else sees, for as long as the parts
 * take: seconds on a good line, minutes on one that keeps dropping. Without this, they
 * would drop out of everyone's presence list meanwhile, and everyone out of theirs.
 *
 * So while a copy is loaded on this server (its report is too: the copy holds it open,
 * incoming-copies.ts), their awareness is relayed both ways, as the app relays its
 * windows' to a server link (awareness-relay.ts): the sender's people reach the report's
 * members (and, through Redis, the other processes', redis-relay.ts), the members reach
 * the sender. The relay is made as the copy loads, and ends as it unloads, taking the
 * sender's people out of the report. (Not on each change of presence: those come many a
 * second, for every report on the server.)
 *
 * Each relay has an origin of its own, and announces everyone in the report: people
 * another relay brought into it (a meeting host's, meeting-host.ts; another sender's)
 * reach this sender, and this sender's pass on through the others.
 */
import type { afterLoadDocumentPayload, afterUnloadDocumentPayload, Document, Extension } from '@hocuspocus/server';
import { relayAwareness, type AwarenessRelay } from '../awareness-relay.ts';
import { reportOfIncomingCopy } from '../../../shared/report-id.ts';

interface CopyRelay {
  readonly report: Document;
  readonly relay: AwarenessRelay;
}

export function incomingCopyPresence(): Extension {
  /** By copy name. */
  const relays = new Map<string, CopyRelay>();
  const end = (copyName: string): void => {
    relays.get(copyName)?.relay.stop();
    relays.delete(copyName);
  };

  return {
    extensionName: 'PlenaryIncomingCopyPresence',
    async afterLoadDocument({ documentName, document, instance }: afterLoadDocumentPayload): Promise<void> {
      const reportId = reportOfIncomingCopy(documentName);
      const report = reportId === null ? undefined : instance.documents.get(reportId);
      if (!report) return;
      relays.set(documentName, { report, relay: relayAwareness(report.awareness, document.awareness, { origin: Symbol(`plenary:presence of ${documentName}`), announceEveryone: true }) });
    },
    async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
      end(documentName);
      // (A report is held open by its copies; were it unloaded first, its relays end with it.)
      for (const [name, { report }] of relays) if (report.name === documentName) end(name);
    },
  };
}
