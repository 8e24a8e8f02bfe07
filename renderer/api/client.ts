/**
 * The renderer's one way to reach main: `window.plenary` where the Electron preload put
 * it, else the browser host's WebSocket serving the same PlenaryApi.
 */
import type { PlenaryApi } from '../../shared/api.ts';
import { WebSocketApi, socketUrlFor, type ConnectionStatus } from './web-client.ts';

declare global {
  interface Window {
    plenary?: PlenaryApi;
  }
}

export interface RendererApi {
  api: PlenaryApi;
  /** Where the link can drop (the web host), how it stands; absent in Electron. */
  onStatus?: (listener: (status: ConnectionStatus) => void) => () => void;
}

export function connectApi(): RendererApi {
  if (window.plenary) return { api: window.plenary };
  const web = new WebSocketApi(socketUrlFor(window.location));
  return { api: web, onStatus: (listener) => web.onStatus(listener) };
}
