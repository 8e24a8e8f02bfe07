/**
 * What the desktop shell lets its windows load, run and open: the pure rules behind
 * the security baseline of DESIGN.md, kept free of Electron so unit tests run them in
 * Node. `harden.ts` and `app-protocol.ts` apply them.
 *
 * The renderer is served from a privileged custom scheme, `plenary://app/`, rather than
 * `file://`: a standard, secure scheme gives the page a real origin (so CSP `'self'`
 * means "our bundle" and nothing else on disk), lets us send the CSP as a response
 * header on every file, confines reads to dist/renderer, and lets the packaged app turn
 * off the GrantFileProtocolExtraPrivileges fuse (Electron's security checklist, item 18).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { sanitizeHref } from '../../shared/links.ts';

export const APP_SCHEME = 'plenary';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const RENDERER_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The Content-Security-Policy of every page the app shows. Scripts, styles, fonts and
 * images come from our own bundle only; nothing is fetched from the network; no
 * plugins, frames, forms or <base> tricks; no inline script or style. It is no looser
 * than the renderer's own <meta> policy (renderer/index.html), so the two never disagree;
 * the header also covers `frame-ancestors`, which a <meta> policy cannot.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Response headers added to everything a window loads (defence in depth). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** Adds the security headers to a response's headers, replacing any CSP it carried. */
export function withSecurityHeaders(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const ours = new Set(Object.keys(SECURITY_HEADERS).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!ours.has(name.toLowerCase())) out[name] = value;
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) out[name] = [value];
  return out;
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True for a URL inside our renderer bundle (any file under plenary://app/). */
export function isAppUrl(raw: string): boolean {
  const url = parseUrl(raw);
  return url !== null && url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '' && url.port === '';
}

/** True for the renderer's page itself, the only page allowed to talk to main. */
export function isRendererPageUrl(raw: string): boolean {
  if (!isAppUrl(raw)) return false;
  const url = new URL(raw);
  return url.pathname === '/index.html' || url.pathname === '/';
}

/**
 * A navigation the window may make itself: only the renderer page reloading (the editor
 * offers a reload when it could not show a change; main keeps the report). Everything
 * else is a link to hand to the system, or to drop.
 */
export function isPageReload(target: string, current: string): boolean {
  return isRendererPageUrl(target) && isRendererPageUrl(current) && new URL(target).pathname === new URL(current).pathname;
}

/**
 * A link the user asked to follow (a click, window.open, a navigation). Our windows
 * never navigate away from the renderer; a web or e-mail link that passes the report's
 * own link rule (shared/links.ts) is handed to the system's browser or mail client,
 * anything else is dropped.
 */
export type LinkDecision = { action: 'open-external'; url: string } | { action: 'deny'; reason: string };

export function decideExternalLink(raw: string): LinkDecision {
  if (typeof raw !== 'string' || raw.length > 8192) return { action: 'deny', reason: 'not a link' };
  const href = sanitizeHref(raw);
  if (href === null) return { action: 'deny', reason: 'only http, https and mailto links leave the app' };
  const url = parseUrl(href);
  if (url === null) return { action: 'deny', reason: 'malformed link' };
  if (url.protocol === 'mailto:') return { action: 'open-external', url: url.href };
  // Credentials in a link are a phishing classic ("https://bank.example@evil.example").
  if (url.username !== '' || url.password !== '') return { action: 'deny', reason: 'links with credentials are not opened' };
  return { action: 'open-external', url: url.href };
}

/**
 * Requests a window may make: our bundle, inline data, and, in development only,
 * DevTools' own pages. Everything else (http, https, ws, file, ftp…) is cancelled.
 */
export function isAllowedRequestUrl(raw: string, options: { allowDevTools: boolean }): boolean {
  if (isAppUrl(raw)) return true;
  const url = parseUrl(raw);
  if (url === null) return false;
  if (url.protocol === 'data:' || url.protocol === 'blob:') return true;
  return options.allowDevTools && (url.protocol === 'devtools:' || url.protocol === 'chrome-extension:');
}

/**
 * Permissions our windows may use: writing copied text to the clipboard on a click (a
 * meeting's invitation's Copy button), nothing else — no reading the clipboard, camera,
 * geolocation, notifications, ….
 */
export function isPermissionAllowed(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ico': 'image/x-icon',
};

export function contentTypeFor(path: string): string | null {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? null : CONTENT_TYPES[path.slice(dot).toLowerCase()] ?? null;
}

/**
 * Maps a plenary://app/ URL to a file inside `root` (dist/renderer), or null when the
 * URL is not ours, escapes the root (`..`, encoded or not), names a hidden file or a
 * type we do not serve. `/` serves index.html.
 */
export function resolveAppAsset(root: string, rawUrl: string): { path: string; contentType: string } | null {
  if (!isAppUrl(rawUrl)) return null;
  const url = new URL(rawUrl);
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null;
  const base = resolve(root);
  const full = resolve(base, ...segments);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  const contentType = contentTypeFor(full);
  if (contentType === null) return null;
  return { path: full, contentType };
}
