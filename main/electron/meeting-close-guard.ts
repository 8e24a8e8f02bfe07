/**
 * Asks before a report window closes (its close button, File → Close, quitting) while its
 * meeting has guests (main/services/meeting-close-question.ts). Electron lets a window's
 * "close" be stopped but not awaited, so the close is stopped, the host asked, and the
 * window closed again once they say so. Stopping the close also calls off a quit under
 * way: when the host agrees, that quit is asked for again, or on macOS, where an app
 * stays open without windows, it would not quit at all.
 */
import { app, dialog, type BrowserWindow } from 'electron';
import { meetingCloseQuestion } from '../services/meeting-close-question.ts';
import type { MeetingGuests } from '../services/sync/meeting-host.ts';

/** Each open window's note of a quit under way; one app listener for all (Node warns past ten on one event). */
const quitWatchers = new Set<() => void>();
let watchingQuit = false;

function watchQuit(started: () => void): () => void {
  if (!watchingQuit) {
    watchingQuit = true;
    app.on('before-quit', () => {
      for (const watcher of quitWatchers) watcher();
    });
  }
  quitWatchers.add(started);
  return () => quitWatchers.delete(started);
}

export function askBeforeClosingMeeting(window: BrowserWindow, guests: () => MeetingGuests): void {
  let asking = false;
  let endAgreed = false;
  // Electron emits "before-quit" before it closes the windows, and nothing when a window calls the quit off.
  let quitting = false;
  const unwatch = watchQuit(() => {
    quitting = true;
  });
  window.on('closed', unwatch);
  window.on('close', (event) => {
    if (endAgreed) return;
    const question = meetingCloseQuestion(guests());
    if (!question) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    const quitAsked = quitting;
    quitting = false;
    void dialog.showMessageBox(window, { type: 'question', message: question.message, detail: question.detail, buttons: question.buttons, defaultId: 1, cancelId: 1, noLink: true })
      .then(({ response }) => {
        if (response !== 0 || window.isDestroyed()) return;
        endAgreed = true;
        if (quitAsked) app.quit();
        else window.close();
      })
      .finally(() => {
        asking = false;
      });
  });
}
