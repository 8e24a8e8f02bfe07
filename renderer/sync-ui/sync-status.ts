/**
 * The sync part of the status line: not connected / offline / connecting / syncing N
 * updates / in sync, with the time of the last sync, and the meeting this app hosts.
 * Loss of the network is shown here only, never as an alert: editing goes on.
 */
import type { PartsReason, SyncStatusView } from '../../shared/sync-requests.ts';
import { politeRegion } from '../ui/live-region.ts';
import { fileSize } from '../../shared/file-size.ts';

function time(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const sameDay = at.toDateString() === new Date().toDateString();
  return sameDay
    ? at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : at.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

const IN_PARTS = 'sending in parts';

const WHY_IN_PARTS: Record<PartsReason, (where: string) => string> = {
  'too-large': (where) => `its history is larger than ${where} takes at once`,
  'line-drops': () => 'the connection keeps breaking off, and each part is kept once it is through',
};

/** A report on its way in parts (too large for one message, or a backlog on a line that drops). */
function inParts({ sent, total, why }: { sent: number; total: number; why: PartsReason }, where: string): string {
  // (The count first: a narrow window cuts the line's end.)
  const what = why === 'too-large' ? 'the report' : 'your changes';
  const reason = WHY_IN_PARTS[why](where);
  return total === 0 ? `Sending ${what} to ${where} in parts… · ${reason}` : `Sending ${what} to ${where} in parts · ${sent} of ${total} sent… · ${reason}`;
}

/** A send in parts whose connection broke off: what the server has kept, and that the rest waits. */
function partsWaiting({ sent, total }: { sent: number; total: number }, where: string, since: string): string {
  // (0 of 0: the try that broke off had not yet learnt how many parts are left.)
  const kept = total === 0 ? `the parts go on when ${where} is back` : `${sent} of ${total} parts sent, the rest goes when ${where} is back`;
  return `${where === 'the meeting' ? 'Meeting not reachable' : 'Offline'} · ${kept} · edits are kept here${since}`;
}

/** A sync that has moved this much is one to wait for (a second or more at 1 Mbit/s): the line says how far it has got. */
const TRANSFER_SHOWN_FROM_BYTES = 128 * 1024;

/** " · 1.2 MB received" (or sent, whichever way most goes), for a long sync; "" otherwise. */
function transferred(transfer: SyncStatusView['transfer']): string {
  if (!transfer) return '';
  const [bytes, way] = transfer.received >= transfer.sent ? [transfer.received, 'received'] : [transfer.sent, 'sent'];
  return bytes >= TRANSFER_SHOWN_FROM_BYTES ? ` · ${fileSize(bytes)} ${way}` : '';
}

export function describeSync(status: SyncStatusView): string {
  const last = time(status.lastSyncAt);
  const since = last ? ` · last sync ${last}` : '';
  // A guest of someone else's meeting: the meeting, not a server, is what comes and goes.
  const where = status.inMeeting ? 'the meeting' : 'the server';
  let text: string;
  switch (status.state) {
    case 'not-connected': text = 'Not connected to a server'; break;
    case 'offline': text = status.sendingInParts ? partsWaiting(status.sendingInParts, where, since) : status.inMeeting
      // Never reached: a guest on another network than the host's is the likely cause (a
      // venue's guest Wi-Fi and its staff Wi-Fi), or the host's firewall.
      ? last ? `Meeting not reachable (it may have ended) · edits are kept here${since}` : 'Meeting not reached yet (on the same network as its host?) · edits are kept here'
      // Never reached: "back" would be wrong, and a mistyped address is the likely cause.
      : last ? `Offline · edits are kept and sent when the server is back${since}` : 'Server not reached yet (check its address) · edits are kept here'; break;
    case 'connecting': text = `Connecting to ${where}…${since}`; break;
    case 'syncing': text = status.sendingInParts ? inParts(status.sendingInParts, where)
      : `${status.pending > 0 ? `Syncing ${status.pending} update${status.pending === 1 ? '' : 's'}…` : 'Syncing…'}${transferred(status.transfer)}`; break;
    case 'in-sync': text = status.readOnly
      ? `In sync, read only: the server takes no edits from observers; yours stay here${last ? ` · ${last}` : ''}`
      : `${status.inMeeting ? 'In the meeting · in sync' : 'In sync'}${last ? ` · ${last}` : ''}`; break;
  }
  if (status.problem && (status.state === 'offline' || status.state === 'connecting')) {
    text = `Cannot connect: ${status.problem}; ask whoever runs the server · edits are kept here${since}`;
  }
  // Said until the report is linked anew: a guest may not have been looking when it ended,
  // and may read it an hour later, so an end that was not their doing says when.
  if (status.linkEnded) {
    const ended = status.linkEndedAt ? `${status.linkEnded} at ${time(status.linkEndedAt)}` : status.linkEnded;
    text = status.state === 'not-connected' ? `${ended} · your edits are kept here` : `${ended} · ${text}`;
  }
  if (status.meeting) {
    text += status.meeting.addressGone
      ? ` · hosting a meeting, code ${status.meeting.code}, that nobody can reach: this computer left its network (join it again, or stop the meeting and start it again)`
      : ` · hosting a meeting, code ${status.meeting.code}${guestsIn(status.meeting.guests)}`;
  }
  return text;
}

/** A host at the front of the room sees the room join without opening Host a meeting…; nobody yet goes unsaid. */
function guestsIn(count: number): string {
  if (count === 0) return '';
  return count === 1 ? ', 1 guest' : `, ${count} guests`;
}

/** A round trip of a few keystrokes is not news: "Syncing…" after "In sync" shows only once it lasts this long. */
export const SYNCING_SHOWN_AFTER_MS = 1_000;

/**
 * The status as seen, and as heard: the line itself is not a live region (it changes with
 * every sync, and a screen reader would read "Syncing 1 update… In sync" after each word
 * typed); a hidden one says the status again only when what it means changes (offline,
 * back in sync, a problem, a meeting), never for the time of the last sync, a count of
 * updates, or each attempt to reconnect.
 */
export class SyncStatusLine {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly announcer: HTMLElement;
  private latest: SyncStatusView | null = null;
  private shownState: SyncStatusView['state'] | null = null;
  private announcedKey: string | null = null;
  private syncingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element = document.createElement('span');
    this.element.className = 'sync-status-wrap';
    this.text = document.createElement('span');
    this.text.id = 'sync-status';
    this.text.className = 'sync-status';
    this.announcer = politeRegion('sync-status-announcer');
    this.element.append(this.text, this.announcer);
  }

  show(status: SyncStatusView): void {
    // A link that lost its server tries again now and then, each attempt passing through
    // "connecting": the line keeps saying offline until an attempt gets somewhere, instead
    // of flickering at every try. (Linking anew, to another address, shows it.)
    if (status.state === 'connecting' && this.shownState === 'offline' && status.server === this.latest?.server) {
      this.latest = status;
      return;
    }
    this.latest = status;
    if (status.state === 'syncing' && this.shownState === 'in-sync') {
      this.syncingTimer ??= setTimeout(() => {
        this.syncingTimer = undefined;
        if (this.latest) this.render(this.latest);
      }, SYNCING_SHOWN_AFTER_MS);
      return;
    }
    clearTimeout(this.syncingTimer);
    this.syncingTimer = undefined;
    this.render(status);
  }

  private render(status: SyncStatusView): void {
    const text = describeSync(status);
    if (this.text.textContent !== text) this.text.textContent = text;
    this.text.dataset.state = status.state;
    this.text.title = status.server ? `Server: ${status.server}` : '';
    this.shownState = status.state;
    // A report sent in parts can take minutes: its start is said once (not each part).
    if (status.sendingInParts && this.announcedKey !== IN_PARTS) {
      this.announcer.textContent = inParts({ sent: 0, total: 0, why: status.sendingInParts.why }, status.inMeeting ? 'the meeting' : 'the server');
      this.announcedKey = IN_PARTS;
    }
    // Passing states are not said, what they lead to is: each attempt to reconnect goes
    // through "connecting", and a backlog being sent ends in "in sync".
    if (status.state === 'connecting' || status.state === 'syncing') return;
    const key = [status.state, status.inMeeting, status.readOnly, status.problem, status.linkEnded, status.meeting?.code, status.meeting?.addressGone].join('|');
    // The first status is what the page opened with, not a change.
    if (this.announcedKey !== null && key !== this.announcedKey) this.announcer.textContent = text;
    this.announcedKey = key;
  }
}
