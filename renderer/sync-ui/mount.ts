/**
 * Mounts the sync UI on a running editor: the sync status and presence list in the
 * status line, the Sync button and dialogs, and the other people's cursors in the text.
 * Main pushes `syncStatus` events (the server link, the meeting) and, from the Electron
 * menu, `syncDialog` events.
 */
import './sync-ui.css';
import type * as Y from 'yjs';
import type { EditorView } from 'prosemirror-view';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { PlenaryApi } from '../../shared/api.ts';
import { colleagueNames, readRoster, type Member } from '../../shared/roster.ts';
import { ownMember } from '../../shared/roster-claim.ts';
import { rosterOf } from '../../shared/ydoc.ts';
import { attachPresence } from '../editor/presence.ts';
import { colourFor, type PresenceUser } from '../../shared/presence-user.ts';
import { PresenceList } from './presence-list.ts';
import { SyncStatusLine } from './sync-status.ts';
import { SyncDialogs } from './sync-dialogs.ts';
import { syncMenuButton } from './sync-menu.ts';
import { StatusNotice, type Notice } from './notice.ts';
import { acceptDroppedChangesFiles } from './drop-changes.ts';
import { showOpenedReport } from '../api/web-client.ts';
import { readPublicKey } from '../api/identity.ts';

export interface SyncUiOptions {
  api: PlenaryApi;
  doc: Y.Doc;
  view: EditorView;
  awareness: awarenessProtocol.Awareness;
  /** Where the status line's parts go. */
  statusLine: HTMLElement;
  alert: (message: string) => void;
}

function groupLabel(group: string): string {
  return group.replace(/-/g, ' ');
}

/** This user as others see them: the roster entry their key claims, else "Guest" and the key's start. */
function presenceUser(doc: Y.Doc, publicKey: string): PresenceUser {
  const colour = colourFor(publicKey);
  let member: Member | undefined;
  try {
    member = ownMember(readRoster(doc), publicKey);
  } catch {
    // A roster that cannot be read names nobody.
  }
  return member ? { name: member.name, group: groupLabel(member.group), colour } : { name: `Guest ${publicKey.slice(0, 4)}`, group: '', colour };
}

/** Whether this user is known not to be on the roster (their changes files then name them UNNAMED_SENDER). */
function offRoster(doc: Y.Doc, myKey: string | null): boolean {
  if (myKey === null) return false;
  try {
    return ownMember(readRoster(doc), myKey) === undefined;
  } catch {
    return false;
  }
}

/** The roster's active members but this user, by name. */
function colleaguesOf(doc: Y.Doc, myKey: string | null): string[] {
  try {
    return colleagueNames(readRoster(doc), myKey);
  } catch {
    return [];
  }
}

export function mountSyncUi(options: SyncUiOptions): SyncDialogs {
  const { api, statusLine } = options;
  let myKey: string | null = null;
  const syncStatus = new SyncStatusLine();
  const presence = new PresenceList(options.awareness);
  const notice = new StatusNotice();
  const notify = (shown: Notice): void => notice.show(shown);
  const dialogs = new SyncDialogs(api, notify, (path) => showOpenedReport(api, path), () => colleaguesOf(options.doc, myKey), () => offRoster(options.doc, myKey));
  acceptDroppedChangesFiles(api, (paths) => dialogs.importFiles(paths, 'dropped'), notify);
  statusLine.append(presence.element, presence.announcer, presence.panel, notice.element, syncStatus.element, syncMenuButton((which) => dialogs.show(which)));

  // Changes files opened with the app (a double-click) wait in main for this report; asked
  // for when main says so and once now, for a file opened before the page was ready.
  const importOpenedChangesFiles = (): void => {
    api.request('changesFilesToImport').then((paths) => {
      if (paths.length > 0) dialogs.importFiles(paths, 'opened');
    }, (error: unknown) => options.alert((error as Error).message));
  };
  api.onEvent((event) => {
    if (event.type === 'syncStatus') {
      syncStatus.show(event.status);
      dialogs.setStatus(event.status);
    } else if (event.type === 'syncDialog') {
      dialogs.show(event.dialog);
    } else if (event.type === 'changesProgress') {
      dialogs.showProgress(event);
    } else if (event.type === 'changesFilesWaiting') {
      importOpenedChangesFiles();
    }
  });
  importOpenedChangesFiles();
  // Back on a network (Wi-Fi found again, the laptop woken): main's link tries at once
  // instead of at the end of its backoff. The status line then says how it went.
  window.addEventListener('online', () => void api.request('retryNow').catch(() => undefined));
  api.request('syncStatus').then((status) => {
    syncStatus.show(status);
    dialogs.setStatus(status);
  }, (error: unknown) => options.alert((error as Error).message));

  // Who this user is changes with the roster: "I am …", a name or a group edited.
  void readPublicKey(api).then((publicKey) => {
    myKey = publicKey;
    const announce = (): void => {
      const user = presenceUser(options.doc, publicKey);
      const current = (options.awareness.getLocalState() as { user?: PresenceUser } | null)?.user;
      if (JSON.stringify(current) !== JSON.stringify(user)) attachPresence(options.view, options.awareness, user);
    };
    announce();
    rosterOf(options.doc).observeDeep(announce);
  }, () => {
    const random = Math.random().toString(16).slice(2, 6);
    attachPresence(options.view, options.awareness, { name: `Guest ${random}`, group: '', colour: colourFor(random) });
  });
  return dialogs;
}
