/**
 * Roster → Invite: the personal invitation (shared/report-address.ts) for someone the
 * secretariat entered who has not yet said which entry is them, to send by mail or chat.
 * Entered in Plenary's Connect to server…, it fetches the report and links them as that
 * entry, also on a server that admits members only. Offered while the report is linked
 * to a standing server, since the invitation names it (a meeting has its own invitation).
 */
import type { PlenaryApi } from '../../shared/api.ts';
import type { Member } from '../../shared/roster.ts';
import { memberInvitation } from '../../shared/report-address.ts';
import type { SyncStatusView } from '../../shared/sync-requests.ts';
import { copyButton } from '../ui/copy-button.ts';
import { setAddressText } from '../ui/address-text.ts';

export class InvitationPanel {
  readonly element: HTMLElement;
  private server: string | null = null;
  private showing: string | null = null;

  /** `onServerChange`: the report was linked to a server, or unlinked (the Invite buttons follow). */
  constructor(api: PlenaryApi, onServerChange: () => void) {
    this.element = document.createElement('section');
    this.element.className = 'roster-invitation';
    this.element.id = 'roster-invitation';
    this.element.setAttribute('aria-labelledby', 'roster-invitation-title');
    this.element.hidden = true;
    const follow = (status: SyncStatusView): void => {
      const server = status.server && !status.inMeeting ? status.server : null;
      if (server === this.server) return;
      this.server = server;
      if (!server) this.hide();
      onServerChange();
    };
    api.onEvent((event) => {
      if (event.type === 'syncStatus') follow(event.status);
    });
    api.request('syncStatus').then(follow, () => undefined);
  }

  /** The standing server the report is linked to (whose invitations can be made), or null. */
  get linkedServer(): string | null {
    return this.server;
  }

  /** Shows `member`'s invitation to `reportId`, its Copy button focused; `done` puts the focus back once it is closed. */
  show(member: Member, reportId: string, done: () => void): void {
    if (!this.server) return;
    const title = document.createElement('h3');
    title.id = 'roster-invitation-title';
    title.textContent = `Invitation for ${member.name}`;
    const how = document.createElement('p');
    how.textContent = `Send this to ${member.name}. Entered in Plenary (Sync → Connect to server…), it fetches the report and links them as ${member.name}. Once they have, the entry holds their key, and the invitation lets nobody else in.`;
    const address = document.createElement('output');
    address.id = 'roster-invitation-address';
    setAddressText(address, memberInvitation(this.server, reportId, member.id));
    const { button: copy, said } = copyButton(address, `Copy the invitation for ${member.name}`);
    const row = document.createElement('div');
    row.className = 'sync-invite-row';
    row.append(address, copy, said);
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'button-small';
    close.textContent = 'Done';
    close.addEventListener('click', () => {
      this.hide();
      done();
    });
    this.element.replaceChildren(title, how, row, close);
    this.element.hidden = false;
    this.showing = member.id;
    copy.focus();
  }

  /** Hides the invitation; `unless` keeps it when it is for that member still unclaimed. */
  hide(unless?: (memberId: string) => boolean): void {
    if (this.showing !== null && unless?.(this.showing)) return;
    this.showing = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }
}
