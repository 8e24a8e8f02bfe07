/**
 * What Host a meeting… shows of a running meeting: the short invitation (for members who
 * have the report, short enough to read off a screen), the whole one (for anyone who does
 * not), each with a Copy button, the address and code, how many guests are in it and who,
 * and a warning when the meeting
 * listens where nobody else can reach it (this computer is on no network, or has left the
 * one the meeting listens on).
 */
import type { MeetingInfo } from '../../shared/sync-requests.ts';
import { copyButton } from '../ui/copy-button.ts';
import { setAddressText } from '../ui/address-text.ts';

/** The host of a meeting on a loopback address (the host is on no network), which nobody in the room can reach; else null. */
function loopbackHostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname;
    return /^127\./.test(host) || host === 'localhost' || host === '[::1]' ? host : null;
  } catch {
    return null;
  }
}

/** An invitation with its Copy button beside it. */
function withCopy(invitation: HTMLElement, label: string): HTMLElement {
  const row = document.createElement('div');
  row.className = 'sync-invite-row';
  const { button: copy, said } = copyButton(invitation, label);
  row.append(invitation, copy, said);
  return row;
}

/** Fills `info` with the meeting `m`, or with what hosting one does while none runs. */
export function renderMeetingInfo(info: HTMLElement, m: MeetingInfo | null): void {
  info.replaceChildren();
  const p = document.createElement('p');
  if (!m) {
    p.textContent = 'Others on this network can join the report while the meeting runs; everyone keeps a complete copy when it stops.';
    info.append(p);
    return;
  }
  // Most in the room have the report already: theirs is short enough to read off a screen.
  p.textContent = 'Members who have this report choose Connect to server… and enter:';
  const shortInvite = Object.assign(document.createElement('output'), { id: 'sync-meeting-short-invite', className: 'sync-invite-short' });
  setAddressText(shortInvite, m.shortInvite);
  const newcomers = Object.assign(document.createElement('p'), { textContent: 'Anyone who does not have it yet enters the whole invitation:' });
  const invite = Object.assign(document.createElement('output'), { id: 'sync-meeting-invite' });
  setAddressText(invite, m.invite);
  const code = document.createElement('p');
  code.className = 'sync-hint';
  const address = document.createElement('code');
  setAddressText(address, m.url);
  code.append('Address ', address, ' · code ', Object.assign(document.createElement('strong'), { id: 'sync-meeting-code', textContent: m.code }));
  // A live region: a host waiting for the room to join hears each arrival without looking.
  const guests = Object.assign(document.createElement('p'), { id: 'sync-meeting-guests', className: 'sync-meeting-guests' });
  guests.setAttribute('role', 'status');
  // Not live: forty names read out again at every arrival would drown the count.
  const names = Object.assign(document.createElement('ul'), { id: 'sync-meeting-guest-names', className: 'sync-meeting-guest-names', hidden: true });
  names.setAttribute('aria-label', 'Guests in the meeting');
  names.tabIndex = 0;
  const reach = Object.assign(document.createElement('div'), { className: 'sync-meeting-reach' });
  info.append(p, withCopy(shortInvite, 'Copy the invitation for members who have the report'), newcomers, withCopy(invite, 'Copy the whole invitation'), code, guests, names, reach);
  showMeetingNow(info, m);
}

function guestsText(count: number): string {
  if (count === 0) return 'No guest is in the meeting now.';
  return count === 1 ? '1 guest is in the meeting.' : `${count} guests are in the meeting.`;
}

/**
 * Says, below a running meeting's invitation, how many guests are in it, who, and when
 * nobody else can reach it; only these parts are redrawn as guests come and go and the address
 * goes and comes back, so the focus (on a Copy button, say) stays.
 */
export function showMeetingNow(info: HTMLElement, m: MeetingInfo): void {
  const guests = info.querySelector('.sync-meeting-guests');
  const said = guestsText(m.guests);
  // Set only when it changes: a live region speaks every time its text is set.
  if (guests && guests.textContent !== said) guests.textContent = said;
  const names = info.querySelector<HTMLElement>('.sync-meeting-guest-names');
  const named = JSON.stringify(m.guestNames);
  if (names && names.dataset.shown !== named) {
    names.dataset.shown = named;
    names.replaceChildren(...m.guestNames.map((name) => Object.assign(document.createElement('li'), { textContent: name, title: name })));
    names.hidden = m.guestNames.length === 0;
  }
  const reach = info.querySelector('.sync-meeting-reach');
  if (!reach) return;
  const loopback = loopbackHostOf(m.url);
  const warning = (id: string, textContent: string): HTMLElement => Object.assign(document.createElement('p'), { id, className: 'sync-warning', textContent });
  if (m.addressGone) {
    reach.replaceChildren(warning('sync-meeting-address-gone',
      `${new URL(m.url).hostname} is no longer this computer’s address: it has left that network, and nobody can reach the meeting. Join the room’s network again; if this stays, stop the meeting and start it again for a new invitation.`));
  } else if (loopback) {
    reach.replaceChildren(warning('sync-meeting-no-network',
      `${loopback} is this computer’s own address: nobody else can reach it. This computer seems to be on no network; join the room’s (Wi-Fi or cable), then stop the meeting and start it again.`));
  } else {
    reach.replaceChildren();
  }
}
