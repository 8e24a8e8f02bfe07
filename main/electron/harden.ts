/**
 * Applies the security baseline (DESIGN.md) to the session and to every webContents the
 * app ever creates: no permissions, no remote requests, CSP as a response header, no
 * navigation but the page reloading itself, no new windows, no <webview>. Links the user
 * follows go to the system's browser or mail client when content-policy.ts allows them.
 */
import { app, shell, type Session, type WebContents } from 'electron';
import { decideExternalLink, isAllowedRequestUrl, isPageReload, isPermissionAllowed, withSecurityHeaders } from './content-policy.ts';

export function hardenSession(session: Session, options: { allowDevTools: boolean }): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  // No remote content: anything that is not our bundle (or DevTools in development) is
  // cancelled before it leaves the machine.
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequestUrl(details.url, options) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) });
  });
}

function openExternally(url: string): void {
  const decision = decideExternalLink(url);
  if (decision.action === 'open-external') {
    shell.openExternal(decision.url).catch((error: unknown) => console.warn(`Could not open ${decision.url}: ${String(error)}`));
  } else {
    console.warn(`Refused to open ${JSON.stringify(url.slice(0, 200))}: ${decision.reason}`);
  }
}

function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (event.isMainFrame && isPageReload(event.url, contents.getURL())) return;
    event.preventDefault();
    if (event.isMainFrame) openExternally(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
}

/** Call once, before any window exists. */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
}
