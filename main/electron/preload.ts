/**
 * The sandboxed preload: exposes exactly `PlenaryApi` (shared/api.ts) as
 * `window.plenary`, and nothing else. The page never sees ipcRenderer, the IPC event
 * object or any Node API; every member is a plain function or the `host` string, and
 * each listener wrapper strips the IPC event and returns its own unsubscribe function.
 *
 * Runs with `sandbox: true`, so only `electron`'s renderer modules are available; this
 * file is bundled to CommonJS (dist/main/preload.cjs) and imports types from shared/.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { HostEvent, PlenaryApi, RequestArgs, RequestName, RequestResult } from '../../shared/api.ts';
import { IpcChannel, type RequestReply } from './ipc-channels.ts';

function subscribe<T>(channel: string, accept: (value: unknown) => value is T, listener: (value: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('A listener must be a function.');
  const wrapper = (_event: IpcRendererEvent, value: unknown): void => {
    if (accept(value)) listener(value);
  };
  ipcRenderer.on(channel, wrapper);
  let subscribed = true;
  return () => {
    if (!subscribed) return;
    subscribed = false;
    ipcRenderer.removeListener(channel, wrapper);
  };
}

const isBinary = (value: unknown): value is Uint8Array => value instanceof Uint8Array;
const isHostEvent = (value: unknown): value is HostEvent =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

const api: PlenaryApi = {
  host: 'electron',
  async request<K extends RequestName>(name: K, ...args: RequestArgs<K>): Promise<RequestResult<K>> {
    const reply = (await ipcRenderer.invoke(IpcChannel.request, name, args)) as RequestReply;
    if (!reply.ok) {
      const error = new Error(reply.message);
      error.name = 'ApiError';
      throw error;
    }
    return reply.value as RequestResult<K>;
  },
  sendMessage(message: Uint8Array): void {
    if (!(message instanceof Uint8Array)) throw new TypeError('sendMessage takes a Uint8Array.');
    ipcRenderer.send(IpcChannel.message, message);
  },
  onMessage: (listener) => subscribe(IpcChannel.message, isBinary, listener),
  onEvent: (listener) => subscribe(IpcChannel.event, isHostEvent, listener),
  // Electron no longer gives a dropped File its path; only the preload may ask for it.
  pathForFile: (file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]),
};

contextBridge.exposeInMainWorld('plenary', api);
