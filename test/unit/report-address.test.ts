/**
 * A personal invitation's address (shared/report-address.ts): made from the server,
 * the report and the entry; accepted where the app takes an address; read back; and
 * taken off before the app links or remembers the server.
 */
import { describe, expect, it } from 'vitest';
import { invitedMemberIn, memberInvitation, reportAddress, withoutInvitation } from '../../shared/report-address.ts';
import { checkServerAddress, reportIdInAddress } from '../../shared/sync-requests.ts';

describe('a report\'s address', () => {
  it('is the server\'s address and the report id, also for a report linked by its own address', () => {
    expect(reportAddress('ws://192.168.1.20:4455', 'wgig-report')).toBe('ws://192.168.1.20:4455/wgig-report');
    expect(reportAddress('ws://192.168.1.20:4455/', 'wgig-report')).toBe('ws://192.168.1.20:4455/wgig-report');
    expect(reportAddress('ws://192.168.1.20:4455/wgig-report', 'wgig-report')).toBe('ws://192.168.1.20:4455/wgig-report');
    expect(memberInvitation('ws://192.168.1.20:4455/wgig-report', 'wgig-report', 'ana')).toBe('ws://192.168.1.20:4455/wgig-report?member=ana');
  });
});

describe('an address copied out of a message', () => {
  it('is taken without what wrapped it in the sentence: brackets, quotes, a full stop', () => {
    expect(checkServerAddress('ws://192.168.1.20:4455#ABC234.')).toBe('ws://192.168.1.20:4455#ABC234');
    expect(checkServerAddress(' <wss://sync.wgig.example/wgig-report>, ')).toBe('wss://sync.wgig.example/wgig-report');
    expect(checkServerAddress('“ws://192.168.1.20:4455/wgig-report#ABC234”.')).toBe('ws://192.168.1.20:4455/wgig-report#ABC234');
    expect(checkServerAddress('(wss://sync.wgig.example/wgig-report?member=m-ana_1)')).toBe('wss://sync.wgig.example/wgig-report?member=m-ana_1');
    expect(() => checkServerAddress('Join us at ws://192.168.1.20:4455')).toThrow('A server address starts with ws:// or wss://');
  });
});

describe('a personal invitation', () => {
  it('names the server, the report and the entry, and the app reads each back', () => {
    const invitation = memberInvitation('wss://sync.wgig.example:4455/', 'wgig-report', 'm-ana_1');
    expect(invitation).toBe('wss://sync.wgig.example:4455/wgig-report?member=m-ana_1');
    expect(checkServerAddress(` ${invitation} `)).toBe(invitation);
    expect(reportIdInAddress(invitation)).toBe('wgig-report');
    expect(invitedMemberIn(invitation)).toBe('m-ana_1');
    expect(withoutInvitation(invitation)).toBe('wss://sync.wgig.example:4455/wgig-report');
  });

  it('is no invitation without an entry, and refuses to name what is not an entry id', () => {
    expect(invitedMemberIn('ws://127.0.0.1:4455/wgig-report')).toBeNull();
    expect(invitedMemberIn('ws://127.0.0.1:4455/wgig-report#ABC123')).toBeNull();
    expect(withoutInvitation('ws://127.0.0.1:4455/wgig-report')).toBe('ws://127.0.0.1:4455/wgig-report');
    expect(() => memberInvitation('ws://127.0.0.1:4455', 'wgig-report', 'Ana Diaz')).toThrow('Not a member id');
    for (const odd of ['ws://h/r?member=', 'ws://h/r?member=a b', 'ws://h/r?member=ok&x=1', 'ws://h/r?other=1']) {
      expect(() => checkServerAddress(odd), odd).toThrow('A server address starts with ws:// or wss://');
    }
  });
});
