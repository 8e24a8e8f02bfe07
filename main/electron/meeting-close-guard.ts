/**
 * Asks before a report window closes (its close button, File → Close, quitting) while its
 * meeting has guests (main/services/meeting-close-question.ts). Electron lets a window's
 * "close" be stopped but not awaited, so the close is stopped, the host asked, and the
 * window closed again once they say so; quitting is then up to them to ask again.
 */
import { dialog, type BrowserWindow } from 'electron';
import { meetingCloseQuestion } from '../services/meeting-close-question.ts';

export function askBeforeClosingMeeting(window: BrowserWindow, guests: () => number): void {
  let asking = false;
  let endAgreed = false;
  window.on('close', (event) => {
    if (endAgreed) return;
    const question = meetingCloseQuestion(guests());
    if (!question) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void dialog.showMessageBox(window, { type: 'question', message: question.message, detail: question.detail, buttons: question.buttons, defaultId: 1, cancelId: 1, noLink: true })
      .then(({ response }) => {
        if (response !== 0 || window.isDestroyed()) return;
        endAgreed = true;
        window.close();
      })
      .finally(() => {
        asking = false;
      });
  });
}
