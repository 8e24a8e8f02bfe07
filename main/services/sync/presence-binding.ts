/**
 * Whose presence a connection carries. Hocuspocus withdraws, when a connection closes,
 * the awareness states that connection brought in — but it learns them only from
 * y-protocols' `added`, and y-protocols reports someone who left and comes back to the
 * same report (their clock is still known) as `updated` (yjs/y-protocols#23). So a
 * member who disconnected and reconnected, or came back from a meeting, was bound to no
 * connection: when they left for good they stayed listed for the others until the
 * 30 s awareness timeout.
 *
 * Here a live state arriving from a connection binds that person to it, and to it alone:
 * the connection that last spoke for someone is the one whose closing means they left.
 */
import { isTransactionOrigin, type Document } from '@hocuspocus/server';

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

export function bindPresenceToLastSpeaker(document: Document): void {
  const awareness = document.awareness;
  awareness.on('update', ({ updated }: AwarenessChange, origin: unknown) => {
    if (updated.length === 0 || !isTransactionOrigin(origin) || origin.source !== 'connection') return;
    const speaker = document.connections.get(origin.connection);
    if (!speaker) return;
    for (const id of updated) {
      if (!awareness.getStates().has(id) || speaker.clients.has(id)) continue;
      for (const { clients } of document.connections.values()) clients.delete(id);
      speaker.clients.add(id);
    }
  });
}
