/**
 * The watch on a meeting's address (main/services/sync/meeting-address-watch.ts): told
 * once when the address goes and once when it is back, never while nothing changes, and
 * silent once the meeting stops. The system's list of interfaces is stood in for.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { MEETING_ADDRESS_CHECK_MS, watchMeetingAddress } from '../../main/services/sync/meeting-address-watch.ts';

const network = vi.hoisted(() => ({ addresses: ['192.168.1.20'] }));
vi.mock('node:os', async (actual) => ({
  ...(await actual<object>()),
  networkInterfaces: () => ({
    wlan0: network.addresses.map((address) => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: `${address}/24` })),
  }),
}));

beforeEach(() => {
  vi.useFakeTimers();
  network.addresses = ['192.168.1.20'];
});
afterEach(() => vi.useRealTimers());

it('says when the address goes and when it is back, each once, and nothing after it is stopped', () => {
  const told: boolean[] = [];
  const stop = watchMeetingAddress('192.168.1.20', (gone) => told.push(gone));
  vi.advanceTimersByTime(MEETING_ADDRESS_CHECK_MS * 3);
  expect(told).toEqual([]);
  network.addresses = [];
  vi.advanceTimersByTime(MEETING_ADDRESS_CHECK_MS * 3);
  expect(told).toEqual([true]);
  // Another network: an address, but not the meeting's.
  network.addresses = ['10.0.0.7'];
  vi.advanceTimersByTime(MEETING_ADDRESS_CHECK_MS * 3);
  expect(told).toEqual([true]);
  network.addresses = ['10.0.0.7', '192.168.1.20'];
  vi.advanceTimersByTime(MEETING_ADDRESS_CHECK_MS);
  expect(told).toEqual([true, false]);
  stop();
  network.addresses = [];
  vi.advanceTimersByTime(MEETING_ADDRESS_CHECK_MS * 3);
  expect(told).toEqual([true, false]);
});

it('a meeting listening on every interface has no address to lose', () => {
  const told: boolean[] = [];
  const stop = watchMeetingAddress('0.0.0.0', (gone) => told.push(gone));
  network.addresses = [];
  vi.advanceTimersByTime(MEETING_ADDRESS_CHECK_MS * 3);
  expect(told).toEqual([]);
  stop();
});
