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
import { readRoster } from '../../shared/roster.ts';
import { attachPresence, colourFor, type PresenceUser } from '../editor/presence.ts';
import { PresenceList } from './presence-list.ts';
import { SyncStatusLine } from './sync-status.ts';
import { SyncDialogs, syncMenuButton } from './sync-dialogs.ts';
import { showOpenedReport } from '../api/web-client.ts';

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

async function whoAmI(api: PlenaryApi, doc: Y.Doc): Promise<PresenceUser> {
  try {
    const identity = await api.request('identity');
    const member = identity.memberId ? readRoster(doc).get(identity.memberId) : undefined;
    const colour = colourFor(identity.publicKey);
    if (member) return { name: member.name, group: groupLabel(member.group), colour };
    return { name: `Guest ${identity.publicKey.slice(0, 4)}`, group: '', colour };
  } catch {
    const random = Math.random().toString(16).slice(2, 6);
    return { name: `Guest ${random}`, group: '', colour: colourFor(random) };
  }
}

export function mountSyncUi(options: SyncUiOptions): SyncDialogs {
  const { api, statusLine } = options;
  const syncStatus = new SyncStatusLine();
  const presence = new PresenceList(options.awareness);
  const notice = document.createElement('span');
  notice.id = 'sync-notice';
  notice.className = 'sync-notice';
  notice.setAttribute('role', 'status');
  const dialogs = new SyncDialogs(api, (text) => {
    notice.textContent = text;
  }, (path) => showOpenedReport(api, path));
  statusLine.append(presence.element, notice, syncStatus.element, syncMenuButton(dialogs));

  api.onEvent((event) => {
    if (event.type === 'syncStatus') {
      syncStatus.show(event.status);
      dialogs.setStatus(event.status);
    } else if (event.type === 'syncDialog') {
      dialogs.show(event.dialog);
    }
  });
  api.request('syncStatus').then((status) => {
    syncStatus.show(status);
    dialogs.setStatus(status);
  }, (error: unknown) => options.alert((error as Error).message));

  void whoAmI(api, options.doc).then((user) => attachPresence(options.view, options.awareness, user));
  return dialogs;
}
