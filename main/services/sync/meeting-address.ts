/**
 * Which of this computer's addresses a hosted meeting listens on, and shows to guests.
 *
 * The operating system lists interfaces in its own order, and on a delegate's laptop the
 * first one is often not the room's network: Windows puts Hyper-V's and WSL's "vEthernet"
 * adapters first, Linux has docker0 and libvirt's bridges, a VPN adds tun0 or utun3, and
 * Tailscale a 100.64/10 address. A meeting hosted there shows an invitation nobody in the
 * room can reach. So addresses are ranked: private LAN addresses (10/8, 172.16/12,
 * 192.168/16) on interfaces that do not look virtual first, then other outward ones,
 * then virtual and VPN ones, then link-local (169.254/16, a network without DHCP), and
 * this computer's own (loopback) last. Within a rank the system's order is kept.
 */
import type { NetworkInterfaceInfo } from 'node:os';

export interface MeetingAddress {
  /** The interface's name, as the system calls it (wlan0, en0, "Wi-Fi"). */
  name: string;
  address: string;
}

/** Interfaces made by virtual machines, containers and VPNs (names as Linux, macOS and Windows give them). */
const VIRTUAL_NAME = /^(docker|br-|veth|virbr|vboxnet|vmnet|lxc|lxd|podman|cni|flannel|cali|tun|tap|utun|wg|zt|ham|ppp|ipsec|awdl|llw|bridge)|vethernet|hyper-v|wsl|virtualbox|vmware|npcap|loopback|vpn|tailscale|zerotier|hamachi|wireguard|openvpn|anyconnect|fortinet|cisco|pangp/i;

function octets(address: string): number[] {
  return address.split('.').map(Number);
}

function isPrivateLan(address: string): boolean {
  const [a, b] = octets(address) as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function rank(name: string, info: NetworkInterfaceInfo): number {
  const [a, b] = octets(info.address) as [number, number];
  if (info.internal || a === 127) return 4;
  if (a === 169 && b === 254) return 3;
  // Carrier-grade NAT space: Tailscale's addresses, or a provider's, never the room's.
  if (VIRTUAL_NAME.test(name) || (a === 100 && b >= 64 && b <= 127)) return 2;
  return isPrivateLan(info.address) ? 0 : 1;
}

/** This computer's IPv4 addresses, the likeliest to reach people in the same room first. */
export function rankMeetingAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): MeetingAddress[] {
  const all: Array<MeetingAddress & { rank: number }> = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4') all.push({ name, address: info.address, rank: rank(name, info) });
    }
  }
  // Array.prototype.sort is stable: within a rank the system's order stays.
  return all.sort((x, y) => x.rank - y.rank).map(({ name, address }) => ({ name, address }));
}

/**
 * The addresses that mean "every interface" (0.0.0.0, ::): a server may listen on them,
 * but a guest cannot be sent to them, and a meeting's invitation names the address it
 * listens on.
 */
export function isEveryAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]';
}
