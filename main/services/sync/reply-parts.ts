/**
 * A member's request that the server's answer to its first sync come in parts of at
 * most N bytes (`?parts=N` on the connection's address), each an update taken in and kept
 * as it arrives (large-replies.ts).
 *
 * Why: the answer is otherwise one message, and a connection that breaks off in the
 * middle of it (a conference's Wi-Fi dropping every minute or two) leaves nothing: the
 * next attempt starts over from zero, and a large report might never arrive. After such
 * a break the app asks again in parts about the size the line carried before dropping;
 * each part it got is then in the report, and the next attempt asks only for the rest.
 * A server that does not know the parameter ignores it and answers in one message.
 */

const PARAM = 'parts';

/** Smaller parts would cost more in framing and transactions than a resumed fetch gains. */
export const MIN_REPLY_PART_BYTES = 64 * 1024;

/** `address` asking for answers in parts of at most `bytes` (unchanged for null). */
export function withReplyParts(address: string, bytes: number | null): string {
  if (bytes === null) return address;
  const url = new URL(address);
  url.searchParams.set(PARAM, String(Math.max(MIN_REPLY_PART_BYTES, Math.floor(bytes))));
  return url.toString();
}

/** The part size a connection's request path (`/<report id>?parts=N`) asks for, or null; never below the minimum. */
export function requestedReplyParts(path: string | undefined): number | null {
  const query = path?.split('?')[1];
  if (!query) return null;
  const value = new URLSearchParams(query).get(PARAM);
  if (value === null || !/^\d{1,12}$/.test(value)) return null;
  return Math.max(MIN_REPLY_PART_BYTES, Number(value));
}

/**
 * A connection that broke off after this much of a first sync came was carrying the
 * report, and is worth making again for the rest in parts; one that carried less (a
 * server closing at once) is not.
 */
export const RESUME_AFTER_BYTES = 16 * 1024;

/**
 * The part size to ask for after a connection broke off having carried `received` bytes:
 * about half, so that one part fits between breaks; never larger than asked before.
 */
export function partsAfterBreak(received: number, previous: number | null = null): number {
  return Math.min(previous ?? Infinity, Math.max(MIN_REPLY_PART_BYTES, Math.floor(received / 2)));
}
