// A hosted meeting's invitation names the address people in the room can reach, not the
// first one the system lists.
import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { rankMeetingAddresses } from '../../main/services/sync/meeting-address.ts';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` };
}
const ipv6: NetworkInterfaceInfo = { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal: false, cidr: 'fe80::1/64', scopeid: 1 };

describe('the address a meeting is hosted on', () => {
  it('on Windows with WSL and VirtualBox, the Wi-Fi, not the virtual adapters listed before it', () => {
    const ranked = rankMeetingAddresses({
      'vEthernet (WSL)': [ipv4('172.29.48.1')],
      'VirtualBox Host-Only Network': [ipv4('192.168.56.1')],
      'Wi-Fi': [ipv6, ipv4('192.168.1.23')],
      'Loopback Pseudo-Interface 1': [ipv4('127.0.0.1', true)],
    });
    expect(ranked[0]).toEqual({ name: 'Wi-Fi', address: '192.168.1.23' });
    expect(ranked.map((a) => a.address)).toEqual(['192.168.1.23', '172.29.48.1', '192.168.56.1', '127.0.0.1']);
  });

  it('on Linux with Docker, libvirt, a VPN and Tailscale, the cable', () => {
    const ranked = rankMeetingAddresses({
      lo: [ipv4('127.0.0.1', true)],
      docker0: [ipv4('172.17.0.1')],
      virbr0: [ipv4('192.168.122.1')],
      tun0: [ipv4('10.8.0.6')],
      tailscale0: [ipv4('100.101.102.103')],
      enp3s0: [ipv4('10.0.20.15')],
    });
    expect(ranked.map((a) => a.name)).toEqual(['enp3s0', 'docker0', 'virbr0', 'tun0', 'tailscale0', 'lo']);
  });

  it('on a Mac with a VPN, en0', () => {
    const ranked = rankMeetingAddresses({ lo0: [ipv4('127.0.0.1', true)], utun3: [ipv4('10.200.0.2')], en0: [ipv4('192.168.0.40')], bridge100: [ipv4('192.168.64.1')] });
    expect(ranked[0]).toEqual({ name: 'en0', address: '192.168.0.40' });
  });

  it('a network without DHCP (a self-assigned 169.254 address) before loopback, after a real address', () => {
    expect(rankMeetingAddresses({ eth0: [ipv4('169.254.10.20')], lo: [ipv4('127.0.0.1', true)] }).map((a) => a.address)).toEqual(['169.254.10.20', '127.0.0.1']);
    expect(rankMeetingAddresses({ eth0: [ipv4('169.254.10.20')], wlan0: [ipv4('192.168.8.3')] })[0]!.address).toBe('192.168.8.3');
  });

  it('a public address on a real interface before any virtual one; within a rank the system’s order', () => {
    const ranked = rankMeetingAddresses({ docker0: [ipv4('172.17.0.1')], eth1: [ipv4('203.0.113.7')], eth0: [ipv4('192.168.1.2')], wlan0: [ipv4('192.168.1.3')] });
    expect(ranked.map((a) => a.name)).toEqual(['eth0', 'wlan0', 'eth1', 'docker0']);
  });

  it('on a computer on no network, only loopback; IPv6-only interfaces are not offered', () => {
    expect(rankMeetingAddresses({ lo: [ipv4('127.0.0.1', true)], wlan0: [ipv6], down: undefined })).toEqual([{ name: 'lo', address: '127.0.0.1' }]);
  });
});
