/**
 * The sync requests for a desktop window (main/services/sync-handlers.ts) with native
 * file dialogs: File → Export changes… asks where to save the changes file (or, for
 * everyone, the folder to put theirs in), Import changes… which files to read (one or
 * several). Paths the renderer names itself must be absolute (files: `.plenary-changes`).
 */
import { app, dialog } from 'electron';
import { isAbsolute, join } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { BUNDLE_EXTENSION } from '../../shared/sync-requests.ts';
import { syncHandlers, type SyncHandlers } from '../services/sync-handlers.ts';
import { ReportLinks } from '../services/report-links.ts';
import { IpcChannel } from './ipc-channels.ts';
import type { ReportWindow } from './report-windows.ts';
import type { ReportServices } from './report-services.ts';
import { askBeforeClosingMeeting } from './meeting-close-guard.ts';

const FILTERS = [{ name: 'Plenary changes', extensions: [BUNDLE_EXTENSION] }];

/**
 * PLENARY_MEETING_HOST: the address a meeting hosted from this app listens on, as the
 * browser host's --meeting-host (tests keep meetings on loopback); by default the one
 * people in the same room can most likely reach (meeting-address.ts).
 */
const meetingHost = process.env.PLENARY_MEETING_HOST || undefined;

function withExtension(path: string): string {
  return path.toLowerCase().endsWith(`.${BUNDLE_EXTENSION}`) ? path : `${path}.${BUNDLE_EXTENSION}`;
}

/** A path the renderer names itself (not from a dialog). */
function checkedPath(requested: string): string {
  if (!isAbsolute(requested) || !requested.toLowerCase().endsWith(`.${BUNDLE_EXTENSION}`)) {
    throw new ApiError(`A changes file is named by an absolute path ending in .${BUNDLE_EXTENSION}.`);
  }
  return requested;
}

const watched = new WeakSet<ReportWindow>();

/** Sends the report's sync status to its window whenever it changes, until the window closes. */
function watchStatus(entry: ReportWindow, dataDir: string): void {
  if (watched.has(entry)) return;
  watched.add(entry);
  const links = ReportLinks.for(entry.report, dataDir, { meetingHost });
  const stop = links.onStatus((status) => {
    if (!entry.window.isDestroyed()) entry.window.webContents.send(IpcChannel.event, { type: 'syncStatus', status });
  });
  // One window per report: closing it closes the report, so its server link and meeting
  // stop too (the server stays remembered for next time); the host is asked first when
  // guests are in the meeting.
  askBeforeClosingMeeting(entry.window, () => links.meetingGuests());
  entry.window.once('closed', () => {
    stop();
    void links.close();
  });
}

/**
 * `openPath` opens a report's window (or focuses it), as File → Open does;
 * `changesFilesToImport` hands over the changes files opened with the app for this report.
 */
export function desktopSyncHandlers(entry: ReportWindow, services: ReportServices, openPath: (path: string) => void, changesFilesToImport: () => string[]): SyncHandlers {
  watchStatus(entry, app.getPath('userData'));
  return syncHandlers({
    report: entry.report,
    dataDir: app.getPath('userData'),
    identity: () => services.identity(),
    meetingHost,
    changesFilesToImport,
    progress: (event) => {
      if (!entry.window.isDestroyed()) entry.window.webContents.send(IpcChannel.event, event);
    },
    join: {
      folder: app.getPath('documents'),
      recentReports: () => services.recentReports(),
      opened: (report) => {
        openPath(report.path);
        return report.summary();
      },
    },
    chooseExportPath: async (requested, suggestedName) => {
      if (requested !== null) return checkedPath(requested);
      const picked = await dialog.showSaveDialog(entry.window, { title: 'Export changes', defaultPath: suggestedName, filters: FILTERS });
      return picked.canceled || !picked.filePath ? null : withExtension(picked.filePath);
    },
    chooseExportFolder: async (requested, suggestedName) => {
      if (requested !== null) {
        if (!isAbsolute(requested)) throw new ApiError('The folder for the changes files is named by an absolute path.');
        return requested;
      }
      const picked = await dialog.showOpenDialog(entry.window, { title: 'Where to put the changes files', buttonLabel: 'Put them here', properties: ['openDirectory', 'createDirectory'] });
      return picked.canceled || picked.filePaths.length === 0 ? null : join(picked.filePaths[0]!, suggestedName);
    },
    chooseImportPaths: async (requested) => {
      if (requested !== null) return requested.map(checkedPath);
      // Several at once: the secretariat imports together the files members sent after a week offline.
      const picked = await dialog.showOpenDialog(entry.window, { title: 'Import changes', filters: FILTERS, properties: ['openFile', 'multiSelections'] });
      return picked.canceled || picked.filePaths.length === 0 ? null : picked.filePaths;
    },
  });
}
