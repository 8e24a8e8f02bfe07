/**
 * Serves the renderer bundle (dist/renderer) on `plenary://app/` (see content-policy.ts
 * for why a custom scheme rather than file://). Every response carries the security
 * headers; a request outside the bundle gets a 404 and never touches the disk.
 */
import { protocol, type Session } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME, SECURITY_HEADERS, resolveAppAsset } from './content-policy.ts';

/** Must run before `app` is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard + secure: a real origin for CSP 'self' and a secure context; no
      // bypassCSP, no service workers, no CORS, no streaming.
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS } });
}

export function serveRenderer(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound();
    const asset = resolveAppAsset(rendererDir, request.url);
    if (asset === null) return notFound();
    let body: Buffer;
    try {
      // fs in Electron reads inside app.asar, so this works packaged and unpacked.
      body = await readFile(asset.path);
    } catch {
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS },
    });
  });
}
