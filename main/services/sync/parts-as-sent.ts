/**
 * Taking parts in (report-parts.ts) as they were sent: without Yjs's clean-up of
 * formatted text, which would otherwise judge marks in a half-arrived report.
 */
import type * as Y from 'yjs';

/**
 * Keeps `doc` from cleaning up formatted text as it takes parts in. Yjs cleans up after
 * every remote change that brings a mark, deleting the marks that look redundant in
 * the text as it then stands; half-arrived, a text may make a live mark look redundant,
 * and the deletion would travel on with the parts. Taken as the doc's own, a change is
 * not cleaned up (YText._callObserver reads `transaction.local`, which Yjs's update
 * reader sets to false; this listener runs after it, before the observers). For the
 * docs parts pass through on their way (send-in-parts.ts's mirror, the server's
 * incoming copy), and for a member's report while its first sync may come in parts
 * (client.ts; `applies` picks those transactions). Returns the way to stop.
 */
export function takePartsAsSent(doc: Y.Doc, applies: (transaction: Y.Transaction) => boolean = () => true): () => void {
  const takeAsSent = (transaction: Y.Transaction): void => {
    if (applies(transaction)) transaction.local = true;
  };
  doc.on('beforeObserverCalls', takeAsSent);
  return () => doc.off('beforeObserverCalls', takeAsSent);
}
