/**
 * The browser host's export downloads and import uploads (main/host/web-exports.ts):
 * only this host's pages may upload, only Markdown and DOCX names (and changes files,
 * which go to the Reports folder), never a path, never more than the import cap;
 * downloads serve plain names from the Exports folder only.
 */
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWebHost, type WebHost } from '../../main/host/web-server.ts';
import { ensureSampleReport } from '../../main/services/user-data.ts';
import * as Y from 'yjs';
import { WebExports } from '../../main/host/web-exports.ts';
import { exportHandlers, exportJobsFor } from '../../main/services/export-requests.ts';
import { launchChromiumPrinter, type ChromiumPrinter } from '../../main/services/export/chromium-printer.ts';

let host: WebHost;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plenary-web-exports-'));
  const rendererDir = join(dataDir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  const sample = await ensureSampleReport(dataDir);
  host = await startWebHost({ port: 0, dataDir, defaultReport: sample, rendererDir, recent: { add: () => {}, list: () => [] }, log: () => {} });
});

afterAll(async () => {
  await host?.close();
});

function post(path: string, body: Buffer | string, origin: string | undefined): Promise<{ status: number; json: { name?: string; error?: string } }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (origin) headers.Origin = origin;
    const req = request(new URL(path, host.url), { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? JSON.parse(text) : {} }));
    });
    // The host may cut an oversized upload off before the client reads its answer.
    req.on('error', (error) => (/EPIPE|ECONNRESET/.test(error.message) ? resolve({ status: -1, json: {} }) : reject(error)));
    req.end(body);
  });
}

describe('uploads for import', () => {
  test('a page of this host uploads a Markdown file; it is stored under a fresh name in Imports', async () => {
    const own = host.url.replace(/\/$/, '');
    const answer = await post('/imports?name=draft.md', '# Draft\n\nText.\n', own);
    expect(answer.status).toBe(200);
    expect(answer.json.name).toMatch(/^[0-9a-f]{12}-draft\.md$/);
    expect(readFileSync(join(dataDir, 'Imports', answer.json.name!), 'utf8')).toBe('# Draft\n\nText.\n');
  });

  test('another origin, a path for a name, or another kind of file is refused and nothing is stored', async () => {
    const own = host.url.replace(/\/$/, '');
    const before = readdirSync(join(dataDir, 'Imports'));
    expect((await post('/imports?name=draft.md', 'x', 'http://evil.example')).status).toBe(403);
    expect((await post('/imports?name=draft.md', 'x', undefined)).status).toBe(403);
    const path = await post(`/imports?name=${encodeURIComponent('../Reports/x.md')}`, 'x', own);
    expect(path.status).toBe(400);
    expect(path.json.error).toMatch(/plain file name/);
    const kind = await post('/imports?name=tool.exe', 'x', own);
    expect(kind.status).toBe(400);
    expect(kind.json.error).toMatch(/only Markdown \(\.md\) and Word \(\.docx\)/);
    expect(readdirSync(join(dataDir, 'Imports'))).toEqual(before);
  });

  test('a changes file (dropped on a page) goes to the Reports folder under its own name, numbered if taken by another', async () => {
    const own = host.url.replace(/\/$/, '');
    const imports = readdirSync(join(dataDir, 'Imports'));
    const first = await post(`/imports?name=${encodeURIComponent('From Bo Lin.plenary-changes')}`, 'PLENBNDL one', own);
    expect(first).toEqual({ status: 200, json: { name: 'From Bo Lin.plenary-changes' } });
    const again = await post(`/imports?name=${encodeURIComponent('From Bo Lin.plenary-changes')}`, 'PLENBNDL two', own);
    expect(again).toEqual({ status: 200, json: { name: 'From Bo Lin 2.plenary-changes' } });
    expect(readFileSync(join(dataDir, 'Reports', 'From Bo Lin.plenary-changes'), 'utf8')).toBe('PLENBNDL one');
    expect(readFileSync(join(dataDir, 'Reports', 'From Bo Lin 2.plenary-changes'), 'utf8')).toBe('PLENBNDL two');
    expect(readdirSync(join(dataDir, 'Imports'))).toEqual(imports);
    // The same file dropped again is the one already there.
    const same = await post(`/imports?name=${encodeURIComponent('From Bo Lin.plenary-changes')}`, 'PLENBNDL one', own);
    expect(same).toEqual({ status: 200, json: { name: 'From Bo Lin.plenary-changes' } });
    expect(readdirSync(join(dataDir, 'Reports')).filter((name) => name.startsWith('From Bo Lin'))).toHaveLength(2);
    // Only this host's pages, and only plain names, as for drafts.
    expect((await post('/imports?name=x.plenary-changes', 'x', 'http://evil.example')).status).toBe(403);
    expect((await post(`/imports?name=${encodeURIComponent('../x.plenary-changes')}`, 'x', own)).status).toBe(400);
  });

  test('a file over the cap is refused (413, or the connection cut) and not stored', async () => {
    const own = host.url.replace(/\/$/, '');
    const before = readdirSync(join(dataDir, 'Imports'));
    const answer = await post('/imports?name=huge.md', Buffer.alloc(50 * 1024 * 1024 + 1, 0x61), own);
    expect([413, -1]).toContain(answer.status);
    expect(readdirSync(join(dataDir, 'Imports'))).toEqual(before);
  });
});

describe('downloads of exports', () => {
  test('a file in Exports is served as an attachment; names outside it are not found', async () => {
    mkdirSync(join(dataDir, 'Exports'), { recursive: true });
    writeFileSync(join(dataDir, 'Exports', 'Report.html'), '<p>report</p>');
    const ok = await fetch(new URL('/exports/Report.html', host.url));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(await ok.text()).toBe('<p>report</p>');
    for (const bad of ['/exports/..%2FImports', '/exports/missing.pdf', '/exports/.hidden', '/exports/']) {
      expect((await fetch(new URL(bad, host.url))).status, bad).toBe(404);
    }
  });
});

describe('the browser host\'s PDF printer', () => {
  test('starts when the Export dialog opens, and the export then prints on it without a second launch', async () => {
    const launched: string[] = [];
    const exports = new WebExports(mkdtempSync(join(tmpdir(), 'plenary-web-printer-')), '/usr/bin/chromium', (path) => {
      launched.push(String(path));
      return launchChromiumPrinter(path);
    });
    try {
      const doc = new Y.Doc();
      const handlers = exportHandlers({
        doc, jobs: exportJobsFor({ doc, emit: () => undefined, printer: exports.printer }),
        exportPath: () => null, importPath: () => null, prepare: () => exports.prepare(),
      });
      await handlers.prepareExport();
      // Launching, before any export asked for it.
      expect(launched).toEqual(['/usr/bin/chromium']);
      const print = await exports.printer();
      expect((await print('<!DOCTYPE html><title>t</title><p>Ready</p>')).subarray(0, 5)).toEqual(new TextEncoder().encode('%PDF-'));
      expect(launched).toHaveLength(1);
    } finally {
      await exports.close();
    }
  });

  test('a printer that cannot start when the dialog opens is reported by the export, not before', async () => {
    const exports = new WebExports(mkdtempSync(join(tmpdir(), 'plenary-web-printer-')), '/nonexistent/chromium');
    exports.prepare();
    await expect(exports.printer()).rejects.toThrow(/not installed at \/nonexistent\/chromium/);
  });

  test('is kept warm between exports, and started again when Chromium has gone', async () => {
    const launched: ChromiumPrinter[] = [];
    const exports = new WebExports(mkdtempSync(join(tmpdir(), 'plenary-web-printer-')), '/usr/bin/chromium', async (path) => {
      const printer = await launchChromiumPrinter(path);
      launched.push(printer);
      return printer;
    });
    try {
      const html = '<!DOCTYPE html><html><head><title>t</title></head><body><p>Warm printer</p></body></html>';
      const first = await exports.printer();
      expect((await first(html)).subarray(0, 5)).toEqual(new TextEncoder().encode('%PDF-'));
      expect(await exports.printer()).toBe(first);
      expect(launched).toHaveLength(1);
      // Chromium goes away (crash, kill): the next export starts a new one instead of failing for good.
      await launched[0]!.close();
      const second = await exports.printer();
      expect(launched).toHaveLength(2);
      expect((await second(html)).subarray(0, 5)).toEqual(new TextEncoder().encode('%PDF-'));
    } finally {
      await exports.close();
    }
  });
});
