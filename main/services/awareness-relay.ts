/**
 * Presence across links: relays awareness (y-protocols) between an open report's
 * session — whose peers are its windows or pages — and a sync server link, so people
 * connected through the server see who is in the report here, and the other way round.
 * Each side's relayed updates carry RELAY as origin and are not sent back.
 */
import * as awarenessProtocol from 'y-protocols/awareness';

const RELAY = Symbol('plenary:awareness-relay');

type Change = { added: number[]; updated: number[]; removed: number[] };

export interface AwarenessRelay {
  /** Sends everyone present here again (a link that just (re)connected lost what it was told offline). */
  announce(): void;
  /** Stops relaying and withdraws the states relayed from the remote side. */
  stop(): void;
}

export function relayAwareness(local: awarenessProtocol.Awareness, remote: awarenessProtocol.Awareness): AwarenessRelay {
  const fromRemote = new Set<number>();
  const fromLocal = new Set<number>();
  const forward = (from: awarenessProtocol.Awareness, to: awarenessProtocol.Awareness, track: Set<number>) =>
    ({ added, updated, removed }: Change, origin: unknown): void => {
      if (origin === RELAY) return;
      const changed = [...added, ...updated, ...removed].filter((id) => id !== from.clientID);
      if (changed.length === 0) return;
      for (const id of added) track.add(id);
      for (const id of removed) track.delete(id);
      awarenessProtocol.applyAwarenessUpdate(to, awarenessProtocol.encodeAwarenessUpdate(from, changed), RELAY);
    };
  const toRemote = forward(local, remote, fromLocal);
  const toLocal = forward(remote, local, fromRemote);
  const announce = (): void => {
    const present = [...local.getStates().keys()].filter((id) => id !== local.clientID);
    if (present.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(remote, awarenessProtocol.encodeAwarenessUpdate(local, present), RELAY);
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
