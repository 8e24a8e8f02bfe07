/**
 * The sync dialogs: Export changes…, Import changes… (changes-dialogs.ts), Connect to
 * server… (connect-dialog.ts) and Host a meeting…. The Electron menu opens them with a
 * `syncDialog` event; the status line's "Sync" button offers the same four (the browser
 * host has no menu). They share one dialog element (dialog-frame.ts).
 */
import type { PlenaryApi, SyncDialog } from '../../shared/api.ts';
import { describeChangesProgress, parseChangesProgress, type MeetingInfo, type SyncStatusView } from '../../shared/sync-requests.ts';
import { button } from '../export-ui/dialog-parts.ts';
import { renderMeetingInfo, showMeetingNow } from './meeting-info.ts';
import { DialogFrame } from './dialog-frame.ts';
import { StatusWatch } from './status-watch.ts';
import { importChangesFiles, showExportChanges, showImportChanges, type ChangesDialogContext } from './changes-dialogs.ts';
import { showConnectDialog, type ConnectContext } from './connect-dialog.ts';
import type { Notice } from './notice.ts';

export class SyncDialogs {
  private readonly status = new StatusWatch();
  private readonly context: ChangesDialogContext & ConnectContext;
  /** Host a meeting…, while shown: its meeting's part, which follows the status (meeting-info.ts). */
  private meetingShown: { info: HTMLElement; stillShown: () => boolean } | null = null;

  /**
   * `openReport` shows a report main has opened (the browser host loads it in this page);
   * `colleagues` names the roster's other members, offered as recipients of a changes file.
   */
  constructor(api: PlenaryApi, notify: (notice: Notice) => void, openReport: (path: string) => void, colleagues: () => string[], offRoster: () => boolean) {
    this.context = { frame: new DialogFrame(notify), api, status: this.status, openReport, colleagues, offRoster };
  }

  setStatus(status: SyncStatusView): void {
    this.status.set(status);
    if (status.meeting && this.meetingShown?.stillShown()) showMeetingNow(this.meetingShown.info, status.meeting);
  }

  /** Main's word on how far Import changes… has got (a `changesProgress` event). */
  showProgress(event: { type: string }): void {
    const progress = parseChangesProgress(event);
    if (progress) this.context.frame.progress.say(describeChangesProgress(progress));
  }

  show(which: SyncDialog): void {
    if (which === 'export-changes') showExportChanges(this.context);
    else if (which === 'import-changes') showImportChanges(this.context);
    else if (which === 'connect') showConnectDialog(this.context);
    else this.meeting();
  }

  /** Imports changes files opened with the app or dropped on the window (changes-dialogs.ts). */
  importFiles(paths: string[], how: 'opened' | 'dropped'): void {
    importChangesFiles(this.context, paths, how);
  }

  private meeting(): void {
    const info = document.createElement('div');
    info.className = 'sync-meeting';
    const render = (m: MeetingInfo | null): void => renderMeetingInfo(info, m);
    render(this.status.current?.meeting ?? null);
    const start = button('Start the meeting', true);
    start.addEventListener('click', () => void this.context.frame.run(async () => {
      const m = await this.context.api.request('hostMeeting');
      render(m);
      // A running meeting can only be stopped.
      start.replaceWith(stop);
      stop.focus();
      return null;
    }));
    const stop = button('Stop the meeting');
    stop.addEventListener('click', () => void this.context.frame.run(async () => {
      await this.context.api.request('stopMeeting');
      return 'The meeting has stopped; every copy keeps what it has.';
    }));
    this.context.frame.open('Host a meeting', [info], [this.status.current?.meeting ? stop : start]);
    this.meetingShown = { info, stillShown: this.context.frame.shownNow() };
  }
}
