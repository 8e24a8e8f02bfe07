/**
 * Whether this computer still has the address a meeting listens on. A laptop that leaves
 * the room's network (Wi-Fi dropped, switched to another one, a cable pulled) loses the
 * address; the meeting keeps listening on it, but nobody can reach it, and its invitation
 * names an address that leads nowhere. Most Wi-Fi gives the same address back when the
 * laptop rejoins, and then the meeting is reachable again by itself: so the watch says
 * both, and the host is told to start the meeting again only while the address is gone.
 *
 * The system sends no event when an address goes, so its list is read every few seconds
 * while a meeting runs (a cheap call).
 */
import { networkInterfaces } from 'node:os';
import { isEveryAddress } from './meeting-address.ts';

export const MEETING_ADDRESS_CHECK_MS = 3_000;

function hasAddress(address: string): boolean {
  // Listening on every interface, there is no one address to lose.
  if (isEveryAddress(address)) return true;
  return Object.values(networkInterfaces()).some((infos) => infos?.some((info) => info.address === address));
}

/** Calls `changed` each time `address` goes from this computer or comes back; returns the stop. */
export function watchMeetingAddress(address: string, changed: (gone: boolean) => void): () => void {
  let gone = false;
  const timer = setInterval(() => {
    const goneNow = !hasAddress(address);
    if (goneNow === gone) return;
    gone = goneNow;
    changed(gone);
  }, MEETING_ADDRESS_CHECK_MS);
  // (A meeting stops the watch; a process that is ending need not wait for it.)
  timer.unref();
  return () => clearInterval(timer);
}
