/**
 * Presence across links: relays awareness (y-protocols) between an open report's
 * session — whose peers are its windows or pages — and a sync server link, so people
 * connected through the server see who is in the report here, and the other way round.
 * Each side's relayed updates carry RELAY as origin and are not sent back.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';

const RELAY = Symbol('plenary:awareness-relay');

type Change = { added: number[]; updated: number[]; removed: number[] };

export interface AwarenessRelay {
  /** Sends everyone present here again (a link that just (re)connected lost what it was told offline). */
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
function clockKeepingCopy(from: awarenessProtocol.Awareness, to: awarenessProtocol.Awareness): (ids: number[]) => void {
  const offsets = new Map<number, number>();
  return (ids) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, ids.length);
    for (const id of ids) {
      const state = from.getStates().get(id) ?? null;
      const clock = from.meta.get(id)?.clock ?? 0;
      let offset = offsets.get(id) ?? 0;
      const seen = to.meta.get(id);
      if (state !== null && !to.getStates().has(id) && seen !== undefined && seen.clock >= clock + offset) {
        offset = seen.clock + 1 - clock;
        offsets.set(id, offset);
      }
      encoding.writeVarUint(encoder, id);
      encoding.writeVarUint(encoder, clock + offset);
      encoding.writeVarString(encoder, JSON.stringify(state));
      if (state === null) offsets.delete(id);
    }
    awarenessProtocol.applyAwarenessUpdate(to, encoding.toUint8Array(encoder), RELAY);
  };
}

export function relayAwareness(local: awarenessProtocol.Awareness, remote: awarenessProtocol.Awareness): AwarenessRelay {
  const fromRemote = new Set<number>();
  const fromLocal = new Set<number>();
  const copyToRemote = clockKeepingCopy(local, remote);
  const forward = (from: awarenessProtocol.Awareness, copy: (ids: number[]) => void, track: Set<number>) =>
    ({ added, updated, removed }: Change, origin: unknown): void => {
      if (origin === RELAY) return;
      const changed = [...added, ...updated, ...removed].filter((id) => id !== from.clientID);
      if (changed.length === 0) return;
      for (const id of added) track.add(id);
      for (const id of removed) track.delete(id);
      copy(changed);
    };
  const toRemote = forward(local, copyToRemote, fromLocal);
  const fromRemoteSide = forward(remote, clockKeepingCopy(remote, local), fromRemote);
  const toLocal = (change: Change, origin: unknown): void => {
    if (origin === RELAY) return;
    // The other side dropped someone who is still here: a connection of this link that
    // the server closed late (after a reconnect), or a state it timed out. Tell it again.
    const stillHere = change.removed.filter((id) => id !== local.clientID && !fromRemote.has(id) && local.getStates().has(id));
    if (stillHere.length > 0) copyToRemote(stillHere);
    fromRemoteSide({ ...change, removed: change.removed.filter((id) => !stillHere.includes(id)) }, origin);
  };
  const announce = (): void => {
    const present = [...local.getStates().keys()].filter((id) => id !== local.clientID);
    if (present.length === 0) return;
    copyToRemote(present);
    // States it already holds are not news to the remote awareness, so its link would not
    // send them; an 'update' event makes the link (the provider listens to it) send them.
    const held = present.filter((id) => remote.getStates().has(id));
    if (held.length > 0) remote.emit('update', [{ added: [], updated: held, removed: [] }, RELAY]);
  };
  local.on('update', toRemote);
  remote.on('update', toLocal);
  announce();
  return {
    announce,
    stop: () => {
      local.off('update', toRemote);
      remote.off('update', toLocal);
      awarenessProtocol.removeAwarenessStates(local, [...fromRemote].filter((id) => id !== local.clientID), RELAY);
    },
  };
}
