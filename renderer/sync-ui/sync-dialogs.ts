/**
 * The sync dialogs: Export changes… (a changes file for a named colleague), Import
 * changes…, Connect to server… and Host a meeting…. The Electron menu opens them with a
 * `syncDialog` event; the status line's "Sync" button offers the same four (the browser
 * host has no menu). In the browser host there is no file dialog, so the file name is
 * typed; in Electron main shows the native one.
 *
 * Connect to server… also gets a report this machine does not have: an address naming
 * another report (`ws://HOST:N/<report id>`, or a meeting's invitation) joins it — main
 * fetches it into a report file of its own and opens it (Electron: a new window; the
 * browser host: this page loads it).
 */
import type { PlenaryApi, SyncDialog } from '../../shared/api.ts';
import {
  BUNDLE_EXTENSION, checkPersonName, checkServerAddress, describeChangesProgress, describeImport, parseChangesProgress, reportIdInAddress, splitChangesFileNames, type MeetingInfo, type SyncStatusView,
} from '../../shared/sync-requests.ts';

import { button, checkbox, fileNameOf } from '../export-ui/dialog-parts.ts';
import { copyButton } from '../ui/copy-button.ts';
import { setAddressText } from '../ui/address-text.ts';
import { fileSize } from '../../shared/file-size.ts';
import { UNNAMED_SENDER } from '../../shared/roster.ts';
import { renderMeetingInfo } from './meeting-info.ts';
import { ChangesFileList } from './changes-file-list.ts';
import { ProgressLine } from './progress-line.ts';
import type { Notice } from './notice.ts';

type Field = { input: HTMLInputElement; row: HTMLElement };

/** How long Connect waits for a first answer before saying the address was not reached. */
const FIRST_CONTACT_MS = 5_000;

function field(label: string, id: string, type = 'text', hint = ''): Field {
  const row = document.createElement('div');
  row.className = 'sync-field';
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label;
  const input = document.createElement('input');
  input.id = id;
  input.type = type;
  input.autocomplete = 'off';
  input.spellcheck = false;
  row.append(l, input);
  if (hint) {
    const p = document.createElement('p');
    p.className = 'sync-hint';
    p.textContent = hint;
    row.append(p);
  }
  return { input, row };
}

export class SyncDialogs {
  private readonly api: PlenaryApi;
  private readonly dialog: HTMLDialogElement;
  private readonly body: HTMLElement;
  private readonly message: HTMLElement;
  private readonly buttons: HTMLElement;
  private readonly progress = new ProgressLine();
  private readonly notify: (notice: Notice) => void;
  private readonly openReport: (path: string) => void;
  private readonly colleagues: () => string[];
  private readonly offRoster: () => boolean;
  private status: SyncStatusView | null = null;
  private readonly statusWaiters = new Set<(status: SyncStatusView) => void>();
  /** Counts the dialogs opened, so a slow action can tell whether its dialog is still the one shown. */
  private opened = 0;

  /**
   * `openReport` shows a report main has opened (the browser host loads it in this page);
   * `colleagues` names the roster's other members, offered as recipients of a changes file.
   */
  constructor(api: PlenaryApi, notify: (notice: Notice) => void, openReport: (path: string) => void, colleagues: () => string[], offRoster: () => boolean) {
    this.api = api;
    this.notify = notify;
    this.openReport = openReport;
    this.colleagues = colleagues;
    this.offRoster = offRoster;
    this.dialog = document.createElement('dialog');
    this.dialog.className = 'dialog sync-dialog';
    this.dialog.id = 'sync-dialog';
    this.dialog.setAttribute('aria-labelledby', 'sync-dialog-title');
    const title = document.createElement('h2');
    title.id = 'sync-dialog-title';
    this.body = document.createElement('div');
    this.message = document.createElement('p');
    this.message.className = 'field-error sync-message';
    this.message.id = 'sync-dialog-message';
    this.message.setAttribute('role', 'alert');
    this.buttons = document.createElement('div');
    this.buttons.className = 'dialog-buttons';
    this.dialog.append(title, this.body, this.progress.element, this.message, this.buttons);
    document.body.append(this.dialog);
  }

  setStatus(status: SyncStatusView): void {
    this.status = status;
    for (const waiter of [...this.statusWaiters]) waiter(status);
  }

  /**
   * The first status (the current one included) that `reached` accepts, or null after
   * `ms`; `meanwhile` sees each status until then.
   */
  private waitForStatus(reached: (status: SyncStatusView) => boolean, ms: number, meanwhile?: (status: SyncStatusView) => void): Promise<SyncStatusView | null> {
    return new Promise((resolve) => {
      const done = (status: SyncStatusView | null): void => {
        clearTimeout(timer);
        this.statusWaiters.delete(check);
        resolve(status);
      };
      const check = (status: SyncStatusView): void => {
        if (reached(status)) done(status);
        else meanwhile?.(status);
      };
      const timer = setTimeout(() => done(null), ms);
      this.statusWaiters.add(check);
      if (this.status) check(this.status);
    });
  }

  /** Shows a dialog; `again` redraws the one shown (it is still the same dialog to a running action). */
  private open(heading: string, content: HTMLElement[], actions: HTMLButtonElement[], again = false): void {
    if (!again) {
      this.opened += 1;
      // An action left running by the dialog before goes on, out of sight (its outcome goes to the notice).
      this.progress.stop();
    }
    (this.dialog.querySelector('h2') as HTMLElement).textContent = heading;
    this.body.replaceChildren(...content);
    this.message.textContent = '';
    const close = button('Close');
    close.classList.add('dialog-close');
    close.addEventListener('click', () => this.dialog.close());
    this.buttons.replaceChildren(close, ...actions);
    // Enter in a field does what the dialog's main button does, as in a form.
    const primary = actions.find((b) => b.classList.contains('button-primary'));
    this.body.onkeydown = (event) => {
      const target = event.target;
      if (event.key !== 'Enter' || !primary || primary.disabled || !(target instanceof HTMLInputElement) || target.type === 'checkbox') return;
      event.preventDefault();
      primary.click();
    };
    if (!this.dialog.open) this.dialog.showModal();
    (content.find((el) => el.querySelector('input'))?.querySelector('input') ?? actions[0] ?? close).focus();
  }

  /** Runs a dialog's action; `stillShown` tells it whether its dialog is still the one on screen. */
  private async run(action: (stillShown: () => boolean) => Promise<Notice | null>, working = 'Working…'): Promise<void> {
    // Escape closes a dialog even while its action runs, and another may be opened: the
    // action's outcome then goes to the status line, and leaves the other dialog alone.
    const shown = this.opened;
    const stillShown = (): boolean => this.opened === shown && this.dialog.open;
    this.message.textContent = '';
    this.dialog.setAttribute('aria-busy', 'true');
    // A large changes file takes a moment to check and merge: say so (how far, once main
    // tells), and keep the buttons from a second click.
    this.progress.start(working);
    // Close stays: like Escape, it leaves the action running and its outcome to the notice.
    for (const b of this.buttons.querySelectorAll('button')) if (!b.classList.contains('dialog-close')) b.disabled = true;
    try {
      const done = await action(stillShown);
      if (done !== null) {
        if (stillShown()) this.dialog.close();
        this.notify(done);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (stillShown()) this.message.textContent = message;
      else this.notify(message);
    } finally {
      if (this.opened === shown) {
        this.progress.stop();
        for (const b of this.buttons.querySelectorAll('button')) b.disabled = false;
        this.dialog.removeAttribute('aria-busy');
      }
    }
  }

  /** Main's word on how far Import changes… has got (a `changesProgress` event). */
  showProgress(event: { type: string }): void {
    const progress = parseChangesProgress(event);
    if (progress) this.progress.say(describeChangesProgress(progress));
  }

  show(which: SyncDialog): void {
    if (which === 'export-changes') this.exportChanges();
    else if (which === 'import-changes') this.importChanges();
    else if (which === 'connect') this.connect();
    else this.meeting();
  }

  private exportChanges(): void {
    const who = field('For whom (their name)', 'sync-recipient', 'text', 'The file holds what they lack since the last changes file you made for them.');
    // The same name each time keeps the files small: offer the roster's spelling.
    const names = this.colleagues();
    if (names.length > 0) {
      const list = document.createElement('datalist');
      list.id = 'sync-recipients';
      list.append(...names.map((name) => Object.assign(document.createElement('option'), { value: name })));
      who.input.setAttribute('list', list.id);
      who.row.append(list);
    }
    const { row: everything, input: box } = checkbox('sync-complete', 'Include the whole report (if an earlier file never arrived)', false);
    const file = field('File name', 'sync-export-path', 'text', 'Saved in the Reports folder unless you give a full path.');
    const folder = field('Folder name', 'sync-export-folder', 'text', 'A new folder, made in the Reports folder unless you give a full path; left empty, named after the time.');
    const content = [who.row];
    // After a round of changes files is merged, every member needs what the others wrote.
    const { row: forEveryone, input: everyoneBox } = checkbox('sync-everyone', `Everyone on the roster (${names.length} ${names.length === 1 ? 'member' : 'members'}, one file each)`, false);
    if (names.length > 0) content.push(forEveryone);
    content.push(everything);
    if (this.api.host === 'web') content.push(file.row, folder.row);
    // A file from "A Plenary user" tells its recipients nothing: say so while it can be mended.
    if (this.offRoster()) {
      content.push(Object.assign(document.createElement('p'), {
        id: 'sync-export-unnamed',
        className: 'sync-warning',
        textContent: `Your files will say they come from “${UNNAMED_SENDER}”: you are not on the roster. To have them carry your name, choose “I am …” beside it in Roster first.`,
      }));
    }
    const showTarget = (): void => {
      who.input.disabled = everyoneBox.checked;
      file.row.hidden = everyoneBox.checked;
      folder.row.hidden = !everyoneBox.checked;
    };
    everyoneBox.addEventListener('change', showTarget);
    showTarget();
    const go = button('Export', true);
    go.addEventListener('click', () => void this.run(async () => {
      if (everyoneBox.checked) return this.exportForEveryone(this.api.host === 'web' ? folder.input.value.trim() || null : null, box.checked);
      const recipient = checkPersonName(who.input.value);
      // Left empty, main names it after the recipient (as the desktop's save dialog suggests).
      const path = this.api.host === 'web' ? file.input.value.trim() || null : null;
      const result = await this.api.request('exportChanges', recipient, path, box.checked);
      if (!result) return null;
      // The file's name fits the status line; where it went is in the notice's tooltip.
      const name = fileNameOf(result.path);
      return {
        text: `Changes for ${recipient} saved to ${name} (${fileSize(result.bytes)}${result.complete ? ', the whole report' : ''}).`,
        detail: result.path,
      };
    }, everyoneBox.checked ? 'Writing the changes files…' : 'Writing the changes file…'));
    this.open('Export changes', content, [go]);
  }

  private async exportForEveryone(folder: string | null, complete: boolean): Promise<Notice | null> {
    const result = await this.api.request('exportChangesForEveryone', folder, complete);
    if (!result) return null;
    const whole = result.complete === result.files ? ', each the whole report' : result.complete > 0 ? `; ${result.complete} of them the whole report` : '';
    return {
      text: `Changes for ${result.files} ${result.files === 1 ? 'member' : 'members'} saved in ${fileNameOf(result.folder)} (${fileSize(result.bytes)} in all${whole}).`,
      detail: result.folder,
    };
  }

  private importChanges(): void {
    const web = this.api.host === 'web';
    const file = field('Changes files', 'sync-import-path', 'text', `One or more .${BUNDLE_EXTENSION} files colleagues sent you, separated by commas; they are merged together.`);
    const here = new ChangesFileList();
    if (web) {
      void this.api.request('changesFilesHere').then((files) => {
        here.fill(files);
        if (files.length > 0) (file.row.querySelector('label') as HTMLLabelElement).textContent = 'Other changes files';
      }, () => undefined);
    }
    const go = button(web ? 'Import' : 'Choose files…', true);
    go.addEventListener('click', () => void this.run(async () => {
      const names = web ? [...here.checked(), ...splitChangesFileNames(file.input.value)] : null;
      if (names?.length === 0) throw new Error('Tick the changes files to import, or give their names (separated by commas).');
      const result = await this.api.request('importChanges', names);
      return result && describeImport(result);
    }, 'Checking and merging the changes…'));
    // The desktop app picks the files in the system's dialog; say what to pick there.
    const pick = Object.assign(document.createElement('p'), { className: 'sync-hint', textContent: `Choose one or more .${BUNDLE_EXTENSION} files colleagues sent you; they are merged together.` });
    this.open('Import changes', web ? [here.element, file.row] : [pick], [go]);
  }

  /**
   * Imports changes files the user opened with the app (a double-click on one received by
   * e-mail) or dropped on the window: the Import dialog shows which, then says how it
   * went, as if they had been picked in it; a refusal stays in the dialog, the report
   * untouched.
   */
  importFiles(paths: string[], how: 'opened' | 'dropped'): void {
    const what = how === 'opened' ? 'Opened with Plenary' : 'Dropped on the window';
    const intro = Object.assign(document.createElement('p'), { textContent: paths.length === 1 ? `${what}:` : `${what} (${paths.length} files, merged together):` });
    const list = document.createElement('ul');
    list.className = 'sync-opened-files';
    list.append(...paths.map((path) => Object.assign(document.createElement('li'), { textContent: fileNameOf(path), title: path })));
    this.open('Import changes', [intro, list], []);
    void this.run(async () => {
      const result = await this.api.request('importChanges', paths);
      return result && describeImport(result);
    }, 'Checking and merging the changes…');
  }

  private connect(typed?: string, again = false): void {
    const address = field('Server address or invitation', 'sync-server-url', 'url', 'ws:// or wss://, as the secretariat gave it; remembered for this report. To get a report you do not have yet, give its address (ws://HOST:N/<report id>) or a meeting\'s invitation.');
    address.input.value = typed ?? this.status?.server ?? '';
    const content = [address.row];
    // Asked once per dialog: for the address shown to others, and to tell a join from a link.
    const current = this.api.request('currentReport');
    let currentId: string | null = null;
    current.then((report) => (currentId = report.id), () => undefined); // a failure shows when Connect awaits it
    const server = this.status?.server;
    // Only an address that has answered is worth passing on.
    if (server && this.status?.lastSyncAt) {
      // Others need the report's own address to fetch it.
      const shared = document.createElement('p');
      shared.className = 'sync-hint';
      const code = document.createElement('code');
      code.id = 'sync-report-address';
      const { button: copy, said } = copyButton(code, 'Copy the report’s address');
      shared.append('Members who do not have this report yet connect to ', code, ' ', copy, said);
      void current.then((report) => {
        setAddressText(code, `${server}/${report.id}`);
      }, () => undefined);
      content.push(shared);
    }
    const go = button('Connect', true);
    // What the wait is for: fetching a report this computer does not have, or reaching the server.
    const fetching = (): boolean => {
      const named = reportIdInAddress(address.input.value);
      return named !== null && named !== currentId;
    };
    go.addEventListener('click', () => void this.run(async (stillShown) => {
      const url = checkServerAddress(address.input.value);
      const named = reportIdInAddress(url);
      if (named && named !== (await current).id) {
        const joined = await this.api.request('joinReport', url);
        // The report's id and a meeting's code are noise in the status line.
        const server = new URL(url.split('#')[0] ?? url);
        const fetched = `“${joined.title}” is now on this computer, linked to ${url.includes('#') ? `the meeting at ${server.host}` : server.origin}.`;
        // Closed meanwhile, the user went back to the report in front of them: the page
        // (the browser host's only window) is not replaced under their typing; the notice
        // offers the fetched one instead. The desktop app has opened it in a window of its own.
        if (!stillShown() && this.api.host === 'web') {
          return { text: fetched, action: { label: `Open “${joined.title}”`, run: () => this.openReport(joined.path) } };
        }
        this.openReport(joined.path);
        return fetched;
      }
      const linked = await this.api.request('connectServer', url);
      this.setStatus(linked);
      // A mistyped address would otherwise only ever say "Offline": say it was not reached,
      // here, while the address is in front of the user (the link goes on trying).
      // ("Syncing" alone is not an answer: the socket opens before the server has let us in.)
      // Meanwhile the status line may already say the address was not reached: the dialog
      // says the same, not "Connecting…", while it gives a starting server time to answer.
      const called = url.includes('#') ? 'the meeting' : url;
      const settled = await this.waitForStatus((s) => s.state === 'in-sync' || s.sendingInParts !== null || s.linkEnded !== null || s.problem !== null, FIRST_CONTACT_MS, (s) => {
        if (s.state === 'offline' && stillShown()) this.progress.say(`No answer from ${called} yet; trying again…`);
      });
      // Still exchanging a large backlog after the wait: it answered.
      const answered = settled ?? (this.status?.state === 'syncing' ? this.status : null);
      const unreached = !answered
        ? `${url.includes('#') ? 'The meeting' : url} could not be reached. Check the address; Plenary keeps trying meanwhile, and your edits are kept here.`
        : answered.linkEnded ?? (answered.problem ? `Cannot connect: ${answered.problem}.` : null);
      if (unreached) {
        // Shown again as it now is (Disconnect offered), with what was typed; closed
        // meanwhile or replaced by another dialog, the notice says it instead (run()).
        if (stillShown()) this.connect(url, true);
        throw new Error(unreached);
      }
      // An invitation's code is not for the status line; the report id is noise there.
      const where = new URL(url.split('#')[0] ?? url);
      if (answered?.sendingInParts) {
        return `The report is larger than ${url.includes('#') ? 'the meeting' : where.origin} takes at once: it is being sent in parts, counted in the status line. Work on meanwhile.`;
      }
      return url.includes('#') ? `Connecting to the meeting at ${where.host}.` : `Syncing with ${where.origin}${where.pathname === '/' ? '' : where.pathname}.`;
    }, fetching() ? 'Fetching the report…' : 'Connecting…'));
    const actions = [go];
    if (this.status?.server) {
      const inMeeting = this.status.inMeeting;
      const off = button(inMeeting ? 'Leave the meeting' : 'Disconnect');
      off.addEventListener('click', () => void this.run(async () => {
        const after = await this.api.request('disconnectServer');
        if (!inMeeting) return 'Disconnected from the server; the report stays complete here.';
        return after.server ? `Left the meeting; syncing with ${after.server} again.` : 'Left the meeting; the report stays complete here.';
      }));
      actions.unshift(off);
    }
    this.open('Connect to a server', content, actions, again);
  }

  private meeting(): void {
    const info = document.createElement('div');
    info.className = 'sync-meeting';
    const render = (m: MeetingInfo | null): void => renderMeetingInfo(info, m);
    render(this.status?.meeting ?? null);
    const start = button('Start the meeting', true);
    start.addEventListener('click', () => void this.run(async () => {
      const m = await this.api.request('hostMeeting');
      render(m);
      // A running meeting can only be stopped.
      start.replaceWith(stop);
      stop.focus();
      return null;
    }));
    const stop = button('Stop the meeting');
    stop.addEventListener('click', () => void this.run(async () => {
      await this.api.request('stopMeeting');
      return 'The meeting has stopped; every copy keeps what it has.';
    }));
    this.open('Host a meeting', [info], [this.status?.meeting ? stop : start]);
  }
}
