/** What the status line says of a report on its way in parts (renderer/sync-ui/sync-status.ts). */
import { describe, expect, it } from 'vitest';
import { describeSync } from '../../renderer/sync-ui/sync-status.ts';
import { parseSyncStatus, type SyncStatusView } from '../../shared/sync-requests.ts';

const status = (change: Partial<SyncStatusView>): SyncStatusView => ({
  state: 'syncing', pending: 0, lastSyncAt: null, server: 'ws://h:1', inMeeting: false, linkEnded: null, linkEndedAt: null,
  problem: null, meeting: null, sendingInParts: null, transfer: null, readOnly: false, ...change,
});

describe('a report on its way in parts, as the status line says it', () => {
  it('says why: too large for the server at once, or a connection that keeps breaking off under the changes', () => {
    expect(describeSync(status({ sendingInParts: { sent: 2, total: 9, why: 'too-large' } })))
      .toBe('Sending the report to the server in parts · 2 of 9 sent… · its history is larger than the server takes at once');
    expect(describeSync(status({ inMeeting: true, sendingInParts: { sent: 2, total: 9, why: 'line-drops' } })))
      .toBe('Sending your changes to the meeting in parts · 2 of 9 sent… · the connection keeps breaking off, and each part is kept once it is through');
  });

  it('while the line is down, says what the server has kept and that the rest waits for it', () => {
    const lastSyncAt = new Date().toISOString();
    expect(describeSync(status({ state: 'offline', lastSyncAt, sendingInParts: { sent: 4, total: 9, why: 'line-drops' } })))
      .toMatch(/^Offline · 4 of 9 parts sent, the rest goes when the server is back · edits are kept here · last sync \d/);
    expect(describeSync(status({ state: 'offline', inMeeting: true, sendingInParts: { sent: 0, total: 0, why: 'too-large' } })))
      .toBe('Meeting not reachable · the parts go on when the meeting is back · edits are kept here');
  });
});

describe('a meeting this app hosts, as the status line says it', () => {
  const meeting = { url: 'ws://192.168.1.20:4455', code: 'ABC234', invite: 'ws://192.168.1.20:4455/r#ABC234', shortInvite: 'ws://192.168.1.20:4455#ABC234', addressGone: false, guests: 0, guestNames: [] };

  it('gives its code and how many guests are in it, and says when this computer has left the network it listens on', () => {
    expect(describeSync(status({ state: 'not-connected', server: null, meeting }))).toBe('Not connected to a server · hosting a meeting, code ABC234');
    expect(describeSync(status({ state: 'not-connected', server: null, meeting: { ...meeting, guests: 1 } }))).toBe('Not connected to a server · hosting a meeting, code ABC234, 1 guest');
    expect(describeSync(status({ state: 'in-sync', meeting: { ...meeting, guests: 12 } }))).toBe('In sync · hosting a meeting, code ABC234, 12 guests');
    expect(describeSync(status({ state: 'not-connected', server: null, meeting: { ...meeting, addressGone: true } })))
      .toBe('Not connected to a server · hosting a meeting, code ABC234, that nobody can reach: this computer left its network (join it again, or stop the meeting and start it again)');
  });

  it('keeps that, and how many guests are in it and who, from the browser host\'s status frames', () => {
    const guestNames = ['Ana Diaz (government)', 'Guest 3f2a'];
    const framed = JSON.parse(JSON.stringify(status({ meeting: { ...meeting, addressGone: true, guests: 3, guestNames } }))) as unknown;
    expect(parseSyncStatus(framed)?.meeting).toEqual({ ...meeting, addressGone: true, guests: 3, guestNames });
    // A count that is not one is read as nobody, never shown as given.
    for (const guests of [-1, 2.5, '4', null]) {
      const odd = JSON.parse(JSON.stringify(status({ meeting }))) as { meeting: Record<string, unknown> };
      odd.meeting.guests = guests;
      expect(parseSyncStatus(odd)?.meeting?.guests).toBe(0);
    }
    // Names that are not a list of text are left out, and none is longer than a presence's name and group.
    const names = (value: unknown): string[] | undefined => {
      const odd = JSON.parse(JSON.stringify(status({ meeting }))) as { meeting: Record<string, unknown> };
      odd.meeting.guestNames = value;
      return parseSyncStatus(odd)?.meeting?.guestNames;
    };
    expect(names('Ana Diaz')).toEqual([]);
    expect(names(undefined)).toEqual([]);
    expect(names(['Ana Diaz', 7, null, '', { name: 'Bo' }])).toEqual(['Ana Diaz']);
    expect(names(['x'.repeat(5_000)])?.[0]).toHaveLength(200);
  });
});

describe('a meeting one is a guest of, out of reach', () => {
  it('never reached: asks whether one is on its host\'s network; reached before: it may have ended', () => {
    expect(describeSync(status({ state: 'offline', inMeeting: true })))
      .toBe('Meeting not reached yet (on the same network as its host?) · edits are kept here');
    expect(describeSync(status({ state: 'offline', inMeeting: true, lastSyncAt: new Date().toISOString() })))
      .toMatch(/^Meeting not reachable \(it may have ended\) · edits are kept here · last sync \d/);
  });
});
