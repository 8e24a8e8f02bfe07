/**
 * wss://: Connect to server… takes a wss:// address, as a working group's server behind a
 * TLS-terminating proxy has. A real TLS front (node:tls, a certificate made for the test
 * with openssl) before a real sync server; the app's link runs in a process of its own
 * (wss-link.ts) that trusts that certificate — and in one that does not, which must
 * never sync: the link checks the server's certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { ROOT, connectClient, tempDir, waitFor } from './fixtures/sync/harness.ts';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl) console.warn('sync-wss: skipped, no openssl on the PATH to make the test\'s certificate (.ci/run installs it).');
const LINK = join(ROOT, 'test/integration/fixtures/sync/wss-link.ts');

let server: SyncServer;
let front: NetServer;
let certFile: string;
let wssUrl: string;

beforeAll(async () => {
  if (!hasOpenssl) return;
  const dir = tempDir('plenary-wss-');
  certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  server = await startSyncServer({ dataDir: tempDir(), host: '127.0.0.1', port: 0, log: silentLogger });
  // TLS ends here and the bytes go on to the sync server, as a reverse proxy would do.
  front = createTlsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (socket) => {
    const upstream = connect(server.port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  wssUrl = `wss://127.0.0.1:${(front.address() as { port: number }).port}`;
});

afterAll(async () => {
  front?.close();
  await server?.close();
});

/** Runs the link in its own process (asynchronously: the TLS front lives in this one). */
async function runLink(reportId: string, text: string, trust: 'computer' | 'node' | 'none', waitMs: number): Promise<{ state: string; problem: string | null; line: string }> {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.SSL_CERT_FILE;
  delete env.SSL_CERT_DIR;
  // The computer's store, as OpenSSL finds it: SSL_CERT_FILE stands in for the
  // authorities an IT department installs (the test must not touch the real store).
  if (trust === 'computer') env.SSL_CERT_FILE = certFile;
  if (trust === 'node') env.NODE_EXTRA_CA_CERTS = certFile;
  const { stdout } = await promisify(execFile)(process.execPath, [LINK, wssUrl, reportId, text, String(waitMs)], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { state: string; problem: string | null; line: string };
}

describe.skipIf(!hasOpenssl)('a sync server behind TLS (wss://)', () => {
  it('the app links to it and syncs, trusting the authorities the computer trusts', async () => {
    const link = await runLink('wss-report', 'over TLS', 'computer', 10_000);
    expect(link).toMatchObject({ state: 'in-sync', problem: null });
    // What the link sent is on the server: a plain client on the server's own port reads it.
    const reader = connectClient(server.url, 'wss-report');
    try {
      await waitFor(() => reader.doc.getMap('meta').get('wss') === 'over TLS', 10_000, 'the text on the server');
    } finally {
      reader.destroy();
    }
  });

  it('or the ones NODE_EXTRA_CA_CERTS names (a development set-up)', async () => {
    expect((await runLink('wss-node-ca', 'over TLS', 'node', 10_000)).state).toBe('in-sync');
  });

  it('a server whose certificate the computer does not trust is never synced with', async () => {
    const link = await runLink('wss-untrusted', 'must not arrive', 'none', 3_000);
    expect(link.state).not.toBe('in-sync');
    // Retrying alone will not help, and the status line says why rather than "offline".
    expect(link.line).toMatch(/^Cannot connect: the server's certificate is not trusted on this computer; ask whoever runs the server · edits are kept here/);
    const reader = connectClient(server.url, 'wss-untrusted');
    try {
      await reader.settled();
      expect(reader.doc.getMap('meta').get('wss')).toBeUndefined();
    } finally {
      reader.destroy();
    }
  });
});
