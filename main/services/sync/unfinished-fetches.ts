/**
 * What a fetch of a report had received when it gave up (its connection broke off and
 * did not come back within the silence limit), kept for a while so that the user's next
 * try picks up where it stopped instead of starting over: a conference hall's Wi-Fi gone
 * for a few minutes, then back.
 *
 * One at a time (the latest), and for a quarter of an hour: a partly fetched report may
 * be megabytes, and a user who does not try again soon has moved on.
 */
import type * as Y from 'yjs';
import { KeptForNextTry } from './kept-for-next-try.ts';

export interface UnfinishedFetch {
  /** The parts received so far, each whole (reply-parts.ts). */
  doc: Y.Doc;
  /** The part size the rest is asked in. */
  partBytes: number;
  /** Bytes received in all, for the count the user sees. */
  received: number;
}

const kept = new KeptForNextTry<UnfinishedFetch>({ keepMs: 15 * 60_000, most: 1, drop: (fetch) => fetch.doc.destroy() });

export function keepUnfinished(reportId: string, fetch: UnfinishedFetch): void {
  kept.keep(reportId, fetch);
}

/** The unfinished fetch of `reportId`, handed over (no longer kept), or null. */
export function takeUnfinished(reportId: string): UnfinishedFetch | null {
  return kept.take(reportId);
}
