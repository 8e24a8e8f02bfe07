/**
 * The presence relay between an open report's session and its links (awareness-relay.ts),
 * on plain y-protocols awareness instances: who a link announces as this side's own.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { relayAwareness } from '../../main/services/awareness-relay.ts';

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
    expect(session.getStates().has(ana.id)).toBe(false);
    ana.sendTo(meeting);
    expect(session.getStates().has(ana.id)).toBe(true);
    // The server link reconnects and tells the server who is here: Bo, not Ana, whose
    // presence is the meeting's to carry (the server would keep showing her after she left).
    serverRelay.announce();
    expect(server.getStates().has(bo.id)).toBe(true);
    expect(server.getStates().has(ana.id)).toBe(false);
    // And when the server drops her, this side does not put her back there.
    awarenessProtocol.removeAwarenessStates(meeting, [ana.id], null);
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
    // The copy goes: so does Ana, everywhere.
    copyRelay.stop();
    expect(report.getStates().has(ana.id)).toBe(false);
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
});
