/**
 * The sync part of the status line: not connected / offline / connecting / syncing N
 * updates / in sync, with the time of the last sync, and the meeting this app hosts.
 * Loss of the network is shown here only, never as an alert: editing goes on.
 */
import type { SyncStatusView } from '../../shared/sync-requests.ts';

function time(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const sameDay = at.toDateString() === new Date().toDateString();
  return sameDay
    ? at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : at.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

export function describeSync(status: SyncStatusView): string {
  const last = time(status.lastSyncAt);
  const since = last ? ` · last sync ${last}` : '';
  // A guest of someone else's meeting: the meeting, not a server, is what comes and goes.
  const where = status.inMeeting ? 'the meeting' : 'the server';
  let text: string;
  switch (status.state) {
    case 'not-connected': text = 'Not connected to a server'; break;
    case 'offline': text = status.inMeeting
      ? `Meeting not reachable (it may have ended) · edits are kept here${since}`
      : `Offline · edits are kept and sent when the server is back${since}`; break;
    case 'connecting': text = `Connecting to ${where}…${since}`; break;
    case 'syncing': text = status.pending > 0 ? `Syncing ${status.pending} update${status.pending === 1 ? '' : 's'}…` : 'Syncing…'; break;
    case 'in-sync': text = `${status.inMeeting ? 'In the meeting · in sync' : 'In sync'}${last ? ` · ${last}` : ''}`; break;
  }
  if (status.problem && (status.state === 'offline' || status.state === 'connecting')) {
    text = `Cannot connect: ${status.problem}; ask whoever runs the server · edits are kept here${since}`;
  }
  // Said until the report is linked anew: a guest may not have been looking when it ended.
  if (status.linkEnded) text = status.state === 'not-connected' ? `${status.linkEnded} · your edits are kept here` : `${status.linkEnded} · ${text}`;
  if (status.meeting) text += ` · hosting a meeting, code ${status.meeting.code}`;
  return text;
}

export class SyncStatusLine {
  readonly element: HTMLElement;

  constructor() {
    this.element = document.createElement('span');
    this.element.id = 'sync-status';
    this.element.className = 'sync-status';
    this.element.setAttribute('role', 'status');
  }

  show(status: SyncStatusView): void {
    const text = describeSync(status);
    if (this.element.textContent !== text) this.element.textContent = text;
    this.element.dataset.state = status.state;
    this.element.title = status.server ? `Server: ${status.server}` : '';
  }
}
