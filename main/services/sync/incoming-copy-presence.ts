/**
 * Presence across an incoming copy (incoming-copies.ts). A member sending a report in
 * parts is linked to the copy only, which no one else sees, for as long as the parts
 * take: seconds on a good line, minutes on one that keeps dropping. Without this, they
 * would drop out of everyone's presence list meanwhile, and everyone out of theirs.
 *
 * So while a copy is loaded on this server (its report is too, incoming-copies.ts),
 * their awareness is relayed both ways, as the app relays its windows' to a server link
 * (awareness-relay.ts): the sender's people reach the report's members (and, through
 * Redis, the other processes' if the report has a member connected here), the members
 * reach the sender. The relay is made the first time either side's presence changes — a
 * connection announcing itself is one — and it ends when either is unloaded, taking the
 * sender's people out of the report.
 *
 * Each relay has an origin of its own: people another relay brought into the report
 * (a meeting host's, meeting-host.ts; another sender's) pass on to this sender, and
 * this sender's pass on through the others.
 */
import type { afterUnloadDocumentPayload, Document, Extension, onAwarenessUpdatePayload } from '@hocuspocus/server';
import { relayAwareness, type AwarenessRelay } from '../awareness-relay.ts';
import { reportOfIncomingCopy } from '../../../shared/report-id.ts';

interface CopyRelay {
  readonly report: Document;
  relay: AwarenessRelay | null;
}

export function incomingCopyPresence(): Extension {
  /** By copy name. */
  const relays = new Map<string, CopyRelay>();

  const relate = (copyName: string, copy: Document, report: Document): void => {
    if (relays.has(copyName)) return;
    // (Entered before the relay is made: making it changes both sides' presence, which comes back here.)
    const entry: CopyRelay = { report, relay: null };
    relays.set(copyName, entry);
    entry.relay = relayAwareness(report.awareness, copy.awareness, Symbol(`plenary:presence of ${copyName}`));
  };
  const end = (copyName: string): void => {
    relays.get(copyName)?.relay?.stop();
    relays.delete(copyName);
  };

  return {
    extensionName: 'PlenaryIncomingCopyPresence',
    async onAwarenessUpdate({ documentName, document, instance }: onAwarenessUpdatePayload): Promise<void> {
      const reportId = reportOfIncomingCopy(documentName);
      if (reportId !== null) {
        const report = instance.documents.get(reportId);
        if (report) relate(documentName, document, report);
        return;
      }
      for (const [name, copy] of instance.documents) {
        if (reportOfIncomingCopy(name) === documentName) relate(name, copy, document);
      }
    },
    async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
      if (reportOfIncomingCopy(documentName) !== null) {
        end(documentName);
        return;
      }
      for (const [name, { report }] of relays) if (report.name === documentName) end(name);
    },
  };
}
