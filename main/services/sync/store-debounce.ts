/**
 * Hocuspocus runs a report's store hooks (here: compaction, and the Redis extension's
 * store lock) once the report has been idle for `debounce` ms, and pushes that moment
 * back on every change a client makes: a clearTimeout and a setTimeout per update
 * (≈ 2.4 % of a server's CPU at 1,000 members typing, more than the Redis relay's
 * send side). Every update is already committed to the report file before anyone
 * hears of it (persistence.ts), so the store hooks only tidy up, and their moment
 * need not move with each keystroke.
 *
 * Here the moment is pushed back at most once per `refreshMs` per report: while a
 * store is already due, a change within `refreshMs` of the last push leaves it as it
 * is. The store then runs between `debounce - refreshMs` and `debounce` after the last
 * change (it reads the report as it is when it runs, so it sees that change), still at
 * least every `maxDebounce` under continuous typing, and a report whose store is due
 * still counts as unsaved for Hocuspocus's unload. Stores asked for at once (a
 * disconnect, shutdown) are never held back.
 */
import type { Document, Hocuspocus } from '@hocuspocus/server';

/** Hocuspocus internals used here (`storeDocumentHooks` is not in its typings). */
interface StoreInternals {
  storeDocumentHooks(document: Document, payload: unknown, immediately?: boolean): Promise<void> | undefined;
  debouncer: Hocuspocus['debouncer'];
}

export function throttleStoreDebounce(hocuspocus: Hocuspocus, refreshMs: number): void {
  const internals = hocuspocus as unknown as StoreInternals;
  if (typeof internals.storeDocumentHooks !== 'function' || typeof internals.debouncer?.isDebounced !== 'function') {
    throw new Error('This Hocuspocus version stores differently: review store-debounce.ts.');
  }
  const stock = internals.storeDocumentHooks.bind(hocuspocus);
  /** Per report: when its store was last pushed back, and Hocuspocus's debounce id for it. */
  const pushes = new WeakMap<Document, { at: number; id: string }>();
  internals.storeDocumentHooks = (document, payload, immediately) => {
    const now = Date.now();
    let push = pushes.get(document);
    if (!immediately && push !== undefined && now - push.at < refreshMs && internals.debouncer.isDebounced(push.id)) {
      return Promise.resolve();
    }
    if (push === undefined) pushes.set(document, push = { at: now, id: `onStoreDocument-${document.name}` });
    push.at = now;
    return stock(document, payload, immediately);
  };
}
