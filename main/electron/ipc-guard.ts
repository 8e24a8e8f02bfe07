/**
 * Who may talk to main over IPC, as pure functions (unit-tested in Node).
 *
 * A message is accepted only from the top frame of a window we created, showing our
 * renderer page. Anything else — a frame we did not create, a subframe, a page that
 * somehow navigated elsewhere, a webContents that is not one of our report windows — is
 * refused before its payload is looked at.
 */
import { isRendererPageUrl } from './content-policy.ts';

/** What Electron tells us about the sender of an IPC message. */
export interface IpcSenderFacts {
  /** `event.sender.id`: the webContents that sent the message. */
  webContentsId: number;
  /** `event.senderFrame?.url`; undefined when the frame is gone. */
  frameUrl: string | undefined;
  /** Whether `event.senderFrame` is the webContents' main frame. */
  isMainFrame: boolean;
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

export function checkSender(sender: IpcSenderFacts, isOurWindow: (webContentsId: number) => boolean): SenderVerdict {
  if (!isOurWindow(sender.webContentsId)) return { ok: false, reason: 'not one of our report windows' };
  if (!sender.isMainFrame) return { ok: false, reason: 'not the top frame' };
  if (sender.frameUrl === undefined) return { ok: false, reason: 'the sending frame is gone' };
  if (!isRendererPageUrl(sender.frameUrl)) return { ok: false, reason: 'not our renderer page' };
  return { ok: true };
}

/** A binary y-protocols message from the renderer, or null when it is not one. */
export function asBinaryMessage(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  return null;
}
