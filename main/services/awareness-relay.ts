/**
 * Presence across links: relays awareness (y-protocols) between an open report's
 * session — whose peers are its windows or pages — and a sync server link, so people
 * connected through the server see who is in the report here, and the other way round.
 * Each side's relayed updates carry the relay's origin and are not sent back.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';

const RELAY = Symbol('plenary:awareness-relay');

/**
 * How long someone a link stops carrying is still shown before they go. A link that
 * reconnects (one try right away, the next a second later), a catch-up or a send in parts
 * that takes over from the link and hands back to it: each drops everyone for a moment,
 * and the server drops the member who did it for the others; back they all come within
 * a second or two. Shown gone meanwhile, they blink out of every presence list and their
 * carets out of the text. Someone who really left goes a few seconds late.
 */
export const DEPARTURE_GRACE_MS = 3_000;

type Change = { added: number[]; updated: number[]; removed: number[] };

export interface AwarenessRelay {
  /** Sends this side's people again (a link that just (re)connected lost what it was told offline). */
  announce(): void;
  /** Stops relaying and withdraws the states relayed from the remote side. */
  stop(): void;
}

/**
 * Copies states from one awareness into another, keeping each person's clock ahead of
 * whatever `to` last saw of them. A person can come back by another link (from the
 * server to a meeting, say) while `to` still holds their removal, whose clock the
 * server bumped past their state's; applied as is, the state would be taken for stale
 * and they would stay invisible until their page renewed it twice (15–30 s). Such a
 * comeback is forwarded with a clock past the removal, and so is everything after it.
 */
function clockKeepingCopy(
  from: awarenessProtocol.Awareness,
  to: awarenessProtocol.Awareness,
  origin: symbol,
  offsets = new Map<number, number>(),
): (ids: number[], announcing?: boolean) => void {
  return (ids, announcing = false) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, ids.length);
    for (const id of ids) {
      const state = from.getStates().get(id) ?? null;
      const clock = from.meta.get(id)?.clock ?? 0;
      // An announcement goes one past anything sent before: the other side may hold a
      // removal at the last clock sent (a server that saw the connection close).
      let offset = (offsets.get(id) ?? 0) + (announcing ? 1 : 0);
      const seen = to.meta.get(id);
      // Someone first seen by this copy may be someone `to` still shows while they leave
      // (leaveLater), back by a new link whose clocks are behind the old one's: they too
      // go past what `to` holds, or their changes would be taken for stale.
      const comingBack = !to.getStates().has(id) || !offsets.has(id);
      if (state !== null && comingBack && seen !== undefined && seen.clock >= clock + offset) offset = seen.clock + 1 - clock;
      encoding.writeVarUint(encoder, id);
      encoding.writeVarUint(encoder, clock + offset);
      encoding.writeVarString(encoder, JSON.stringify(state));
      // Kept past a removal: a session's relays share these offsets, and dropped by the first
      // relay to forward a removal, the next sent it behind the clock its side held (taken
      // for stale, the person stayed listed there until timed out).
      offsets.set(id, offset);
    }
    awarenessProtocol.applyAwarenessUpdate(to, encoding.toUint8Array(encoder), origin);
  };
}

/**
 * What a session awareness's relays share, over all its links and over time:
 * - `relayedIn`: the people each relay brought in (one set per relay). Only the others —
 *   the session's own windows or pages — are this side's to announce: a link that
 *   announced everyone would make the server hold a person's presence on its
 *   connection, and keep showing them after they left;
 * - `outgoing`: the clock offsets its people went out with.
 */
interface SessionSide {
  readonly relayedIn: Set<Set<number>>;
  readonly outgoing: Map<number, number>;
  /** People no relay carries any more, still shown for DEPARTURE_GRACE_MS (see leaveLater). */
  readonly leaving: Map<number, Leaving>;
}
interface Leaving {
  /** Their clock when they went: anything newer about them means they are back. */
  readonly clock: number;
  readonly origin: symbol;
}
const sides = new WeakMap<awarenessProtocol.Awareness, SessionSide>();

function sideOf(local: awarenessProtocol.Awareness): SessionSide {
  let side = sides.get(local);
  if (!side) {
    const made: SessionSide = { relayedIn: new Set(), outgoing: new Map(), leaving: new Map() };
    local.on('update', ({ added, updated }: Change) => leaveAtOnceIfReplaced(local, made, [...added, ...updated]));
    sides.set(local, (side = made));
  }
  return side;
}

const userOf = (state: Record<string, unknown> | undefined): string | null => (state?.user ? JSON.stringify(state.user) : null);

/**
 * Someone leaving whose person is here anew, by another client id (a window reloaded),
 * goes at once: shown out their grace, they would be listed twice, with two carets.
 * Not someone back meanwhile (by this very update, or a link that carries them again): a
 * second window of theirs is no reload.
 */
function leaveAtOnceIfReplaced(local: awarenessProtocol.Awareness, side: SessionSide, arrived: number[]): void {
  if (side.leaving.size === 0) return;
  const users = new Set(arrived.filter((id) => !side.leaving.has(id)).map((id) => userOf(local.getStates().get(id))));
  users.delete(null);
  if (users.size === 0) return;
  const byOrigin = new Map<symbol, number[]>();
  for (const [id, { origin }] of side.leaving) {
    if (!stillLeaving(local, id) || !users.has(userOf(local.getStates().get(id)))) continue;
    side.leaving.delete(id);
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), id]);
  }
  for (const [origin, ids] of byOrigin) awarenessProtocol.removeAwarenessStates(local, ids, origin);
}

/** Whether `id` went from every relay and has not come back, by any relay or from `local`'s own side. */
function stillLeaving(local: awarenessProtocol.Awareness, id: number): boolean {
  const side = sideOf(local);
  const leaving = side.leaving.get(id);
  if (!leaving) return false;
  const back = !local.getStates().has(id) || local.meta.get(id)?.clock !== leaving.clock || [...side.relayedIn].some((set) => set.has(id));
  if (back) side.leaving.delete(id);
  return !back;
}

/**
 * Takes `ids` out of `local` after DEPARTURE_GRACE_MS, unless they come back meanwhile. Until then
 * they are no one's to announce: a link announcing them would make its server hold them
 * on its connection after they left.
 */
function leaveLater(local: awarenessProtocol.Awareness, ids: number[], origin: symbol): void {
  const side = sideOf(local);
  const going = new Map<number, Leaving>();
  for (const id of ids) {
    if (id === local.clientID || !local.getStates().has(id)) continue;
    const leaving = { clock: local.meta.get(id)?.clock ?? 0, origin };
    side.leaving.set(id, leaving);
    going.set(id, leaving);
  }
  if (going.size === 0) return;
  setTimeout(() => {
    const gone = [...going].filter(([id, leaving]) => side.leaving.get(id) === leaving && stillLeaving(local, id)).map(([id]) => id);
    for (const id of gone) side.leaving.delete(id);
    if (gone.length > 0) awarenessProtocol.removeAwarenessStates(local, gone, origin);
  }, DEPARTURE_GRACE_MS).unref();
}


export interface RelayOptions {
  /**
   * Marks what this relay applies, which it does not relay back. The app's relays share
   * one (the default): a session's relays to its server link and to the meeting it hosts
   * do not pass people from one to the other. A server that joins two documents' presence
   * (incoming-copy-presence.ts) gives each relay its own, so that people another relay
   * brought into a document (the meeting host's, another sender's) pass on.
   */
  origin?: symbol;
  /**
   * Announces everyone `local` holds but those this relay brought in, not only the
   * session's own people (see SessionSide): for such a server relay, whose remote side is
   * a private view of `local`.
   */
  announceEveryone?: boolean;
}

export function relayAwareness(local: awarenessProtocol.Awareness, remote: awarenessProtocol.Awareness, options: RelayOptions = {}): AwarenessRelay {
  const origin = options.origin ?? RELAY;
  const side = sideOf(local);
  const fromRemote = new Set<number>();
  side.relayedIn.add(fromRemote);
  // Everyone here but those this relay brought in; for the app's relays, only the session's own people.
  const notOurs = (id: number): boolean => (options.announceEveryone ? fromRemote.has(id) : [...side.relayedIn].some((set) => set.has(id)));
  const announced = (ids: Iterable<number>): number[] =>
    [...ids].filter((id) => id !== local.clientID && local.getStates().has(id) && !notOurs(id) && !stillLeaving(local, id));
  const copyToRemote = clockKeepingCopy(local, remote, origin, side.outgoing);
  const forward = (from: awarenessProtocol.Awareness, copy: (ids: number[]) => void, track?: Set<number>) =>
    ({ added, updated, removed }: Change, changeOrigin: unknown): void => {
      if (changeOrigin === origin) return;
      const changed = [...added, ...updated, ...removed].filter((id) => id !== from.clientID);
      if (changed.length === 0) return;
      // Someone back after a removal comes as `updated` (y-protocols#23), not `added`.
      for (const id of [...added, ...updated]) if (from.getStates().has(id)) track?.add(id);
      for (const id of removed) track?.delete(id);
      copy(changed);
    };
  const toRemote = forward(local, copyToRemote);
  const fromRemoteSide = forward(remote, clockKeepingCopy(remote, local, origin), fromRemote);
  const toLocal = (change: Change, changeOrigin: unknown): void => {
    if (changeOrigin === origin) return;
    // The other side dropped someone who is still here: a connection of this link that
    // the server closed late (after a reconnect), or a state it timed out. Tell it again.
    const stillHere = announced(change.removed);
    if (stillHere.length > 0) copyToRemote(stillHere);
    const gone = change.removed.filter((id) => id !== remote.clientID && !stillHere.includes(id));
    for (const id of gone) fromRemote.delete(id);
    // Leaving first: someone arriving in the same update as a person it replaces (a reload) then replaces them at once.
    leaveLater(local, gone, origin);
    fromRemoteSide({ ...change, removed: [] }, changeOrigin);
  };
  const announce = (): void => {
    const present = announced(local.getStates().keys());
    if (present.length === 0) return;
    copyToRemote(present, true);
    // States it already holds are not news to the remote awareness, so its link would not
    // send them; an 'update' event makes the link (the provider listens to it) send them.
    const held = present.filter((id) => remote.getStates().has(id));
    if (held.length > 0) remote.emit('update', [{ added: [], updated: held, removed: [] }, origin]);
  };
  local.on('update', toRemote);
  remote.on('update', toLocal);
  announce();
  return {
    announce,
    stop: () => {
      local.off('update', toRemote);
      remote.off('update', toLocal);
      side.relayedIn.delete(fromRemote);
      leaveLater(local, [...fromRemote], origin);
    },
  };
}
