/**
 * The only IPC main listens to: `plenary:request` (invoke) and `plenary:message`
 * (y-protocols, binary). Every message is checked for its sender first (ipc-guard.ts):
 * the top frame of one of our report windows, showing our renderer page; then its
 * payload (shared/api.ts validateRequest, or "is it bytes"). Anything else is dropped
 * with a note in the log, and never reaches a handler or a document.
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { ApiError, validateRequest, type RequestArgs, type RequestHandlers, type RequestName } from '../../shared/api.ts';
import { ReportFileError } from '../services/report-errors.ts';
import { IpcChannel, type RequestReply } from './ipc-channels.ts';
import { asBinaryMessage, checkSender } from './ipc-guard.ts';
import type { ReportWindow, ReportWindows } from './report-windows.ts';

function trustedWindow(event: IpcMainEvent | IpcMainInvokeEvent, windows: ReportWindows): ReportWindow | null {
  const frame = event.senderFrame;
  const main = event.sender.mainFrame;
  const verdict = checkSender(
    {
      webContentsId: event.sender.id,
      frameUrl: frame?.url,
      isMainFrame: frame !== null && frame !== undefined && frame.processId === main.processId && frame.routingId === main.routingId,
    },
    (id) => windows.forContentsId(id) !== undefined,
  );
  if (!verdict.ok) {
    console.warn(`Refused IPC from webContents ${event.sender.id}: ${verdict.reason}.`);
    return null;
  }
  return windows.forContentsId(event.sender.id) ?? null;
}

function dispatch<K extends RequestName>(handlers: RequestHandlers, name: K, args: RequestArgs<K>): unknown {
  const handler = handlers[name] as (...a: RequestArgs<K>) => unknown;
  return handler(...args);
}

export function registerIpc(windows: ReportWindows, handlersFor: (entry: ReportWindow) => RequestHandlers): void {
  ipcMain.handle(IpcChannel.request, async (event, name: unknown, args: unknown): Promise<RequestReply> => {
    const entry = trustedWindow(event, windows);
    if (!entry) return { ok: false, message: 'This page may not make requests.' };
    try {
      const request = validateRequest(name, args);
      const value = await dispatch(handlersFor(entry), request.name, request.args as RequestArgs<typeof request.name>);
      return { ok: true, value };
    } catch (error) {
      // Refusals (ApiError, ReportFileError and the services' own checks) are written for
      // the user; anything else is logged too, as it means a bug.
      if (!(error instanceof ApiError || error instanceof ReportFileError)) console.error(`Request ${String(name)} failed:`, error);
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  });

  ipcMain.on(IpcChannel.message, (event, payload: unknown) => {
    const entry = trustedWindow(event, windows);
    if (!entry) return;
    const message = asBinaryMessage(payload);
    if (!message) {
      console.warn('Dropped a non-binary sync message from a report window.');
      return;
    }
    windows.receive(entry, message);
  });
}
