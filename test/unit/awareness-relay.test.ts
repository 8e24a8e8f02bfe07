/**
 * The presence relay between an open report's session and its links (awareness-relay.ts),
 * on plain y-protocols awareness instances: who a link announces as this side's own.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { DEPARTURE_GRACE_MS, relayAwareness } from '../../main/services/awareness-relay.ts';

function awarenessWithout(): awarenessProtocol.Awareness {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.setLocalState(null);
  return awareness;
}

/** A person's page: its own awareness, whose state is copied into `into` as a link would. */
function person(name: string): { id: number; sendTo(into: awarenessProtocol.Awareness): void } {
  const page = new awarenessProtocol.Awareness(new Y.Doc());
  page.setLocalStateField('user', { name });
  return {
    id: page.clientID,
    sendTo: (into) => {
      page.setLocalStateField('user', { name }); // a page renews its state, so its clock moves on
      awarenessProtocol.applyAwarenessUpdate(into, awarenessProtocol.encodeAwarenessUpdate(page, [page.clientID]), 'link');
    },
  };
}

type StateAt = readonly [id: number, clock: number, state: Record<string, unknown> | null];

/** States as a link would carry them in one update, at clocks of the test's choosing. */
function statesAt(...states: StateAt[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, states.length);
  for (const [id, clock, state] of states) {
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}
const stateAt = (id: number, clock: number, state: Record<string, unknown> | null): Uint8Array => statesAt([id, clock, state]);

/** Every moment `awareness` changed and did not hold `id`. */
function blinksOf(awareness: awarenessProtocol.Awareness, id: number): number[] {
  const blinks: number[] = [];
  awareness.on('change', () => {
    if (!awareness.getStates().has(id)) blinks.push(Date.now());
  });
  return blinks;
}

/** A report's session and its server link's awareness, relayed. */
function sessionLinkedToServer(): { session: awarenessProtocol.Awareness; server: awarenessProtocol.Awareness } {
  const session = awarenessWithout();
  const server = awarenessWithout();
  relayAwareness(session, server);
  return { session, server };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the presence relay', () => {
  it('never announces to a server someone who came in through a meeting, also after they left it and came back', () => {
    const session = awarenessWithout();
    const meeting = awarenessWithout();
    const server = awarenessWithout();
    relayAwareness(session, meeting);
    const serverRelay = relayAwareness(session, server);
    const bo = person('Bo');
    bo.sendTo(session);
    const ana = person('Ana');
    ana.sendTo(meeting);
    expect(session.getStates().has(ana.id)).toBe(true);
    // Her meeting connection closes; she comes back (y-protocols reports her as `updated`).
    awarenessProtocol.removeAwarenessStates(meeting, [ana.id], null);
    // While she may yet come back, she is shown, and still no one's to announce to the server.
    serverRelay.announce();
    expect(server.getStates().has(ana.id)).toBe(false);
    vi.advanceTimersByTime(DEPARTURE_GRACE_MS);
    expect(session.getStates().has(ana.id)).toBe(false);
    ana.sendTo(meeting);
    expect(session.getStates().has(ana.id)).toBe(true);
    // The server link reconnects and tells the server who is here: Bo, not Ana, whose
    // presence is the meeting's to carry (the server would keep showing her after she left).
    serverRelay.announce();
    expect(server.getStates().has(bo.id)).toBe(true);
    expect(server.getStates().has(ana.id)).toBe(false);
    // And when the meeting drops her, this side does not put her on the server.
    awarenessProtocol.removeAwarenessStates(meeting, [ana.id], null);
    vi.advanceTimersByTime(DEPARTURE_GRACE_MS);
    expect(session.getStates().has(ana.id)).toBe(false);
    expect(server.getStates().has(ana.id)).toBe(false);
  });

  it("relays of their own origin pass on each other's people, as a server joining a sender's copy to a meeting's report does", () => {
    // The meeting's report, with the host's people relayed in; a guest's incoming copy, relayed to it by the server.
    const host = awarenessWithout();
    const report = awarenessWithout();
    const copy = awarenessWithout();
    relayAwareness(host, report);
    const copyRelay = relayAwareness(report, copy, { origin: Symbol('copy'), announceEveryone: true });
    const chair = person('Chair');
    chair.sendTo(host);
    const ana = person('Ana');
    ana.sendTo(copy);
    expect(copy.getStates().has(chair.id)).toBe(true);
    expect(host.getStates().has(ana.id)).toBe(true);
    // Renewed, each state passes on again (else it would time out at the other end).
    const clockAt = (awareness: awarenessProtocol.Awareness, id: number) => awareness.meta.get(id)?.clock;
    const before = [clockAt(copy, chair.id), clockAt(host, ana.id)];
    chair.sendTo(host);
    ana.sendTo(copy);
    expect(clockAt(copy, chair.id)).toBeGreaterThan(before[0] as number);
    expect(clockAt(host, ana.id)).toBeGreaterThan(before[1] as number);
    // The copy goes: so does Ana, everywhere (unless she comes back, below).
    copyRelay.stop();
    vi.advanceTimersByTime(DEPARTURE_GRACE_MS);
    expect(report.getStates().has(ana.id)).toBe(false);
    // (Each relay on her way gives her the grace: she might be back by another link.)
    vi.advanceTimersByTime(DEPARTURE_GRACE_MS);
    expect(host.getStates().has(ana.id)).toBe(false);
  });

  it('a second sender in parts to the same report sees the first at once, and the first sees the second', () => {
    const report = awarenessWithout();
    const copyA = awarenessWithout();
    const copyB = awarenessWithout();
    relayAwareness(report, copyA, { origin: Symbol('a'), announceEveryone: true });
    const ana = person('Ana');
    ana.sendTo(copyA);
    expect(report.getStates().has(ana.id)).toBe(true);
    // Bo's send begins while Ana's goes on.
    relayAwareness(report, copyB, { origin: Symbol('b'), announceEveryone: true });
    expect(copyB.getStates().has(ana.id)).toBe(true);
    const bo = person('Bo');
    bo.sendTo(copyB);
    expect(copyA.getStates().has(bo.id)).toBe(true);
  });

  it('a window that closes, in a session linked to a server and hosting a meeting, is gone from both', () => {
    // Found by the presence fuzz: the meeting's guests kept showing the host's closed window.
    const session = awarenessWithout();
    const server = awarenessWithout();
    const meeting = awarenessWithout();
    const ana = person('Ana');
    ana.sendTo(session);
    // Each link announces who is here as it starts, one clock past anything sent before.
    relayAwareness(session, server);
    relayAwareness(session, meeting);
    expect(server.getStates().has(ana.id)).toBe(true);
    expect(meeting.getStates().has(ana.id)).toBe(true);
    awarenessProtocol.removeAwarenessStates(session, [ana.id], 'window closed');
    expect(server.getStates().has(ana.id)).toBe(false);
    expect(meeting.getStates().has(ana.id)).toBe(false);
  });

  describe('someone a link stops carrying for a moment does not blink out', () => {
    it('a link that drops everyone and is back within the grace: they are shown throughout, and their changes after it show', () => {
      const { session, server } = sessionLinkedToServer();
      const bo = person('Bo');
      bo.sendTo(server);
      const blinks = blinksOf(session, bo.id);
      // The link's provider, losing the connection, drops everyone the server had told it of.
      awarenessProtocol.removeAwarenessStates(server, [bo.id], 'provider');
      vi.advanceTimersByTime(DEPARTURE_GRACE_MS - 1_000);
      bo.sendTo(server);
      vi.advanceTimersByTime(2 * DEPARTURE_GRACE_MS);
      expect(blinks).toEqual([]);
      expect(session.getStates().has(bo.id)).toBe(true);
    });

    it('a catch-up or a send in parts taking over from the link: those it carried stay, and their changes by the new link show', () => {
      const session = awarenessWithout();
      const link = awarenessWithout();
      const bo = person('Bo');
      const linkRelay = relayAwareness(session, link);
      // The link carried Bo at a clock the new connection's view of the server is behind.
      awarenessProtocol.applyAwarenessUpdate(link, stateAt(bo.id, 7, { user: { name: 'Bo' }, cursor: 'at 1' }), 'link');
      const blinks = blinksOf(session, bo.id);
      linkRelay.stop();
      const parts = awarenessWithout();
      relayAwareness(session, parts);
      awarenessProtocol.applyAwarenessUpdate(parts, stateAt(bo.id, 2, { user: { name: 'Bo' }, cursor: 'at 1' }), 'link');
      awarenessProtocol.applyAwarenessUpdate(parts, stateAt(bo.id, 3, { user: { name: 'Bo' }, cursor: 'at 9' }), 'link');
      expect(session.getStates().get(bo.id)?.cursor).toBe('at 9');
      vi.advanceTimersByTime(2 * DEPARTURE_GRACE_MS);
      expect(blinks).toEqual([]);
      expect(session.getStates().get(bo.id)?.cursor).toBe('at 9');
    });

    it("someone back on the server by a connection of their own, not a relay, stays when their copy's relay ends", () => {
      const report = awarenessWithout();
      const copy = awarenessWithout();
      const copyRelay = relayAwareness(report, copy, { origin: Symbol('copy'), announceEveryone: true });
      const ana = person('Ana');
      ana.sendTo(copy);
      copyRelay.stop();
      ana.sendTo(report);
      vi.advanceTimersByTime(2 * DEPARTURE_GRACE_MS);
      expect(report.getStates().has(ana.id)).toBe(true);
    });

    it('a window reloaded elsewhere (a new client id, the same person) replaces the old one at once: never listed twice', () => {
      const { session, server } = sessionLinkedToServer();
      const before = person('Ana');
      before.sendTo(server);
      awarenessProtocol.removeAwarenessStates(server, [before.id], null);
      expect(session.getStates().has(before.id)).toBe(true);
      const reloaded = person('Ana');
      reloaded.sendTo(server);
      expect(session.getStates().has(reloaded.id)).toBe(true);
      expect(session.getStates().has(before.id)).toBe(false);
    });

    it('a reloaded window arriving in the same update as the removal of the old one replaces it at once', () => {
      const { session, server } = sessionLinkedToServer();
      const before = person('Ana');
      before.sendTo(server);
      const reloaded = person('Ana');
      const clock = server.meta.get(before.id)?.clock ?? 0;
      awarenessProtocol.applyAwarenessUpdate(server, statesAt([before.id, clock + 1, null], [reloaded.id, 1, { user: { name: 'Ana' } }]), 'link');
      expect(session.getStates().has(reloaded.id)).toBe(true);
      expect(session.getStates().has(before.id)).toBe(false);
    });

    it("a second window of someone back on a link that reconnected does not take the first one's place", () => {
      // Found by the presence fuzz (seed 2051): the first window, back by the link but at a
      // clock the session held already, was still counted as leaving, and taken for the
      // old window of a reload when the second one arrived.
      const { session, server } = sessionLinkedToServer();
      const chen = person('Chen');
      chen.sendTo(server);
      const clock = server.meta.get(chen.id)?.clock ?? 0;
      // The link's connection drops: its provider removes everyone. It reconnects, and the
      // server sends Chen's state as it was (the link forgot the removal's clock).
      awarenessProtocol.removeAwarenessStates(server, [chen.id], 'provider');
      server.meta.delete(chen.id);
      awarenessProtocol.applyAwarenessUpdate(server, stateAt(chen.id, clock, { user: { name: 'Chen' } }), 'link');
      const second = person('Chen');
      second.sendTo(server);
      expect(session.getStates().has(second.id)).toBe(true);
      expect(session.getStates().has(chen.id)).toBe(true);
      vi.advanceTimersByTime(2 * DEPARTURE_GRACE_MS);
      expect(session.getStates().has(chen.id)).toBe(true);
    });

    it('someone whose windows come back in one update, one of them no longer counted as leaving, keeps both', () => {
      const session = awarenessWithout();
      const meeting = awarenessWithout();
      const meetingRelay = relayAwareness(session, meeting);
      const first = person('Chen');
      first.sendTo(meeting);
      meetingRelay.stop();
      // Back by the server in one update, with a second window the session had not seen.
      const server = awarenessWithout();
      relayAwareness(session, server);
      const second = person('Chen');
      const chen = { user: { name: 'Chen' } };
      awarenessProtocol.applyAwarenessUpdate(server, statesAt([first.id, 9, chen], [second.id, 1, chen]), 'link');
      expect(session.getStates().has(first.id)).toBe(true);
      expect(session.getStates().has(second.id)).toBe(true);
    });

    it('someone who really left goes after the grace', () => {
      const { session, server } = sessionLinkedToServer();
      const bo = person('Bo');
      bo.sendTo(server);
      expect(session.getStates().has(bo.id)).toBe(true);
      awarenessProtocol.removeAwarenessStates(server, [bo.id], null);
      vi.advanceTimersByTime(DEPARTURE_GRACE_MS - 1);
      expect(session.getStates().has(bo.id)).toBe(true);
      vi.advanceTimersByTime(1);
      expect(session.getStates().has(bo.id)).toBe(false);
    });
  });
});
