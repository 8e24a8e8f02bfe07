/**
 * The browser host's server, in process, against real report files: what it serves, to
 * whom, and that a page's bad frames close its link and leave the report as it was.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { encodeRequest, parseHostFrame, CloseCode } from '../../shared/web-protocol.ts';
import { createReportDoc, bodyOf } from '../../shared/ydoc.ts';
import { encodeSyncStep1, handleMessage, messageKind } from '../../shared/sync-messages.ts';
import * as awarenessProtocol from 'y-protocols/awareness';
import { startWebHost, type WebHost } from '../../main/host/web-server.ts';
import { ensureSampleReport } from '../../main/services/user-data.ts';
import { CONTENT_SECURITY_POLICY } from '../../main/host/static-files.ts';
import { parseWebArgs, UsageError } from '../../main/host/web-args.ts';
import { startHost } from '../e2e/harness.ts';

let host: WebHost;
let dataDir: string;
let sample: string;
const outside = mkdtempSync(join(tmpdir(), 'plenary-web-static-'));
const rendererDir = join(outside, 'renderer');

function socket(query = '', origin?: string): WebSocket {
  const url = host.url.replace('http:', 'ws:') + `api${query}`;
  return new WebSocket(url, { origin: origin ?? host.url.replace(/\/$/, '') });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

function request(ws: WebSocket, id: number, name: string, args: unknown[]): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData, binary: boolean): void => {
      if (binary) return;
      const frame = parseHostFrame(data.toString());
      if (frame.kind === 'response' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeRequest(id, name as 'currentReport', args));
  });
}

/** Syncs a fresh Y.Doc with the host over `ws` and returns it once main's step 2 arrived. */
function syncedDoc(ws: WebSocket): Promise<Y.Doc> {
  const doc = createReportDoc();
  const awareness = new awarenessProtocol.Awareness(doc);
  return new Promise((resolve) => {
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) return;
      const message = new Uint8Array(data);
      const reply = handleMessage(message, doc, awareness, 'host');
      if (reply) ws.send(reply);
      if (messageKind(message) === 'step1') ws.send(encodeSyncStep1(doc));
      if (messageKind(message) === 'step2') resolve(doc);
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plenary-web-'));
  sample = await ensureSampleReport(dataDir);
  mkdirSync(rendererDir);
  writeFileSync(join(outside, 'secret.js'), 'the host must never serve this');
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(rendererDir, 'app.js'), 'void 0;');
  mkdirSync(join(rendererDir, 'assets'));
  const recent: { path: string; id: string; title: string }[] = [];
  host = await startWebHost({
    port: 0,
    dataDir,
    defaultReport: sample,
    rendererDir,
    recent: { add: (s) => void recent.unshift(s), list: () => recent },
    log: () => {},
  });
});

afterAll(async () => {
  await host?.close();
});

describe('static files', () => {
  test('serves the renderer with its content type and the CSP', async () => {
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const script = await fetch(`${host.url}app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  test.each(['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/assets', '/missing.js', '/.hidden.js', '/app.js%00.html'])(
    '%s is a 404', async (path) => {
      const response = await fetch(host.url.replace(/\/$/, '') + path);
      expect(response.status).toBe(404);
    },
  );

  test.each(['/../secret.js', '/%2e%2e/secret.js', '/..%2fsecret.js', '/..%5csecret.js', '//../secret.js', '/assets/../../secret.js'])(
    'a raw request for %s outside the renderer folder is a 404', async (path) => {
      const status = await new Promise<number>((resolve, reject) => {
        // node:http sends the path as written; fetch would normalise the dots away.
        const request = httpRequest({ host: '127.0.0.1', port: host.port, path, method: 'GET' }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(404);
    },
  );

  test('listens on 127.0.0.1 only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});

describe('the API socket', () => {
  test('a page from another origin cannot connect', async () => {
    const ws = socket('', 'https://evil.example');
    const failure = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(failure.message).toMatch(/403/);
  });

  test('answers requests and refuses malformed ones with a message', async () => {
    const ws = socket();
    await opened(ws);
    expect(await request(ws, 1, 'currentReport', [])).toMatchObject({ ok: true, result: { path: sample } });
    expect(await request(ws, 2, 'deleteEverything', [])).toMatchObject({ ok: false, error: expect.stringMatching(/Unknown request/) });
    expect(await request(ws, 3, 'openReport', ['/etc/passwd'])).toMatchObject({ ok: false, error: expect.stringMatching(/\.plenary/) });
    expect(await request(ws, 4, 'openReport', [null])).toMatchObject({ ok: false, error: expect.stringMatching(/no file dialog/) });
    const created = (await request(ws, 5, 'newReport', [])) as { ok: boolean; result: { path: string } };
    expect(created.ok).toBe(true);
    expect(created.result.path.startsWith(join(dataDir, 'Reports'))).toBe(true);
    ws.close();
  });

  test('syncs the report as a Yjs peer', async () => {
    const ws = socket();
    const doc = syncedDoc(ws);
    await opened(ws);
    const synced = await doc;
    expect(bodyOf(synced).length).toBeGreaterThan(5);
    ws.close();
  });

  test('a malformed binary frame closes the link with a reason and leaves the report unchanged', async () => {
    const first = socket();
    const before = await syncedDoc(first).then((doc) => Y.encodeStateAsUpdate(doc));
    first.close();
    const ws = socket();
    await opened(ws);
    const done = closed(ws);
    ws.send(new Uint8Array([0, 2, 200, 1, 2, 3]));
    const { code, reason } = await done;
    expect(code).toBe(CloseCode.protocolError);
    expect(reason).toMatch(/Malformed/);
    const again = socket();
    const after = await syncedDoc(again).then((doc) => Y.encodeStateAsUpdate(doc));
    again.close();
    expect(after).toEqual(before);
  });

  test('a socket naming a file that is not a report is closed with the reason', async () => {
    const bogus = join(dataDir, 'bogus.plenary');
    writeFileSync(bogus, 'not a database');
    const ws = socket(`?report=${encodeURIComponent(bogus)}`);
    const { code, reason } = await closed(ws);
    expect(code).toBe(CloseCode.reportUnavailable);
    expect(reason.length).toBeGreaterThan(10);
  });
});

describe('npm run web arguments', () => {
  test('defaults: a free port, the user data folder, the sample report', () => {
    expect(parseWebArgs([])).toEqual({ port: 0, dataDir: null, report: null, meetingHost: null, changes: [], help: false });
  });

  test('flags, with or without =', () => {
    expect(parseWebArgs(['--port', '8123', '--data=/srv/plenary', '--report', 'a.plenary', '--meeting-host', '127.0.0.1'])).toEqual({ port: 8123, dataDir: '/srv/plenary', report: 'a.plenary', meetingHost: '127.0.0.1', changes: [], help: false });
    // Any number of changes files, in order.
    expect(parseWebArgs(['--changes', 'From Ana.plenary-changes', '--changes=From Bo.plenary-changes']).changes).toEqual(['From Ana.plenary-changes', 'From Bo.plenary-changes']);
  });

  test('a meeting address guests cannot be sent to (every interface) is refused, saying what to give instead', () => {
    for (const every of ['0.0.0.0', '::']) {
      expect(() => parseWebArgs(['--meeting-host', every])).toThrow(new UsageError(
        `--meeting-host is the address guests are given, so one of this computer's own, not ${every} (every interface); leave it out to take the one people in the room can most likely reach.`,
      ));
    }
  });

  test.each([[['--port', '70000']], [['--port', '-1']], [['--port']], [['--colour', 'blue']], [['--data', '']]])('%j is a usage error', (argv) => {
    expect(() => parseWebArgs(argv)).toThrow(UsageError);
  });
});

describe('npm run web as a process', () => {
  test('stops cleanly on a SIGTERM sent the moment it says it is ready (as a service manager or a script may)', async () => {
    for (let i = 0; i < 10; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'plenary-web-stop-'));
      const host = await startHost({ dataDir });
      expect(await host.stop(), `start ${i}:\n${host.output()}`).toBe(0);
      expect(host.output()).toContain('SIGTERM: closing reports…');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  test('says what to do when its port is taken, and ends', async () => {
    const first = await startHost({ dataDir: mkdtempSync(join(tmpdir(), 'plenary-web-port-')) });
    try {
      await expect(startHost({ dataDir: mkdtempSync(join(tmpdir(), 'plenary-web-port-')), port: first.port })).rejects.toThrow(
        `The host exited (1) before it was ready:\nPlenary web could not start: Port ${first.port} on 127.0.0.1 is already in use (another Plenary web host, or another program): stop that one, or give another --port (0 takes a free one).`,
      );
    } finally {
      await first.stop();
    }
  });
});
