/**
 * In the browser host, what is typed while the Plenary host is unreachable lives only in
 * this page until the host is back (the page then hands it over by itself). Closing or
 * reloading the page meanwhile would lose it, so the browser asks first. Once the host is
 * back there is nothing to ask: main saves each change as it receives it.
 *
 * Changes are seen through 'afterTransaction', not 'update' (a listener on 'update' would
 * have Yjs encode every transaction for it). While the host is away nothing else changes
 * the doc: main is the page's only peer.
 */
import type * as Y from 'yjs';
import type { ConnectionStatus } from '../api/web-client.ts';
import { transactionChangedDoc } from '../../shared/ydoc.ts';

export function askBeforeLeavingUnsavedEdits(doc: Y.Doc, onStatus: (listener: (status: ConnectionStatus) => void) => unknown): void {
  let hostAway = true;
  let unsaved = false;
  onStatus((status) => {
    hostAway = status.state !== 'open';
    if (!hostAway) unsaved = false;
  });
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    if (hostAway && !unsaved && transactionChangedDoc(transaction)) unsaved = true;
  });
  window.addEventListener('beforeunload', (event) => {
    if (unsaved) event.preventDefault();
  });
}
