/**
 * Hostile input on the app's side of a server link: the app connects a report to a
 * "server" (a WebSocket server on loopback) that answers with malformed frames — the
 * same kinds the sync server refuses from clients, and the known malformed-update
 * reproductions, and an update Yjs would apply only in part. Each closes the connection with a log line, the report stays exactly as
 * it was, and nothing escapes as an uncaught error (vitest fails the run on one); so
 * does text placed between two characters that do not stand in that order
 * (shared/neighbour-order.ts). Then a
 * real server's large update (checked off-thread) still arrives, in order. A server
 * cannot make the app keep more than a bound of updates waiting for ones it never sends.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { join } from 'node:path';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { YJS_479, YJS_687, awarenessNotJsonFrame, chainOfUpdates, frame, hugeLengthFrame, updateFrame } from './fixtures/sync/hostile-frames.ts';
import { createReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { ServerLink } from '../../main/services/sync/client.ts';
import { fetchReport } from '../../main/services/sync/fetch-report.ts';
import { MAX_SERVER_FRAME_BYTES } from '../../main/services/sync/guarded-socket.ts';
import { INLINE_DECODE_LIMIT } from '../../main/services/sync/update-guard.ts';
import { DEFAULT_MAX_WAITING_BYTES, waitingBytes } from '../../main/services/sync/waiting-updates.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, Origin, readMeta } from '../../shared/ydoc.ts';
import { connectClient, startServerProcess, tempDir, waitFor, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';
import { craftedUpdate, FIRST_INTEGRATED_CLIENT, halfApplyingUpdate } from '../unit/helpers/crafted-updates.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

function openNewReport(): OpenReport {
  const report = createReportFile(join(tempDir(), 'report.plenary'), BLANK_REPORT_TEMPLATE);
  cleanups.push(() => report.close());
  return report;
}

/** A loopback "server" that sends `data` (one message or several) to each connection; resolves the close codes it sees. */
async function hostileServer(data: Uint8Array | string | Uint8Array[]): Promise<{ url: string; closes: number[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const closes: number[] = [];
  wss.on('connection', (ws: WebSocket) => {
    ws.on('close', (code) => closes.push(code));
    for (const message of Array.isArray(data) ? data : [data]) ws.send(message, { binary: typeof message !== 'string' });
  });
  cleanups.push(() => new Promise((resolve) => {
    for (const client of wss.clients) client.terminate();
    wss.close(resolve);
  }));
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, closes };
}

/** A new report whose first paragraph reads "Shared start."; `char(i)`: the id of its i-th character. */
function reportWithAParagraph(): { report: OpenReport; reportId: string; char: (offset: number) => { client: number; clock: number } } {
  const report = openNewReport();
  report.doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('Shared start.')]);
    bodyOf(report.doc).insert(0, [paragraph]);
  }, Origin.local);
  const start = ((bodyOf(report.doc).get(0) as Y.XmlElement).get(0) as Y.XmlText)._start!.id;
  return { report, reportId: readMeta(report.doc).id, char: (offset) => ({ client: start.client, clock: start.clock + offset }) };
}

function forgedParagraph(): Uint8Array {
  const doc = new Y.Doc();
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText('FORGED')]);
  doc.getXmlFragment('body').insert(0, [p]);
  return Y.encodeStateAsUpdate(doc);
}

const cases: Array<[string, (reportId: string) => Uint8Array | string, number]> = [
  ['random bytes', () => Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) & 255), 1008],
  ['an empty message', () => new Uint8Array(0), 1007],
  ['a text frame (y-websocket#82: "..`")', () => '..`', 1003],
  ['yjs#479: garbage as an update', (id) => updateFrame(id, YJS_479), 1007],
  ['yjs#498: an empty update', (id) => updateFrame(id, new Uint8Array(0)), 1007],
  ['yjs#687: the run-length payload as an update', (id) => updateFrame(id, YJS_687), 1007],
  ['a truncated update', (id) => updateFrame(id, forgedParagraph().slice(0, -5)), 1007],
  ['an update followed by garbage', (id) => updateFrame(id, new Uint8Array([...forgedParagraph(), 1, 2, 3])), 1007],
  ['a length far beyond the message', (id) => hugeLengthFrame(id), 1007],
  ['awareness that is not JSON', (id) => awarenessNotJsonFrame(id), 1007],
  ['a message type only clients send', (id) => frame(id, (e) => encoding.writeVarUint(e, 10)), 1008],
  ['an update Yjs would apply only in part', (id) => updateFrame(id, halfApplyingUpdate()), 1007],
];

describe('a server the app links to sends hostile frames', () => {
  it.each(cases)('%s: the link closes the connection with a log line; the report is unchanged', async (_name, make, code) => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    const before = Y.encodeStateAsUpdate(report.doc);
    const log = appLog();
    const server = await hostileServer(make(reportId));
    const link = new ServerLink({ url: server.url, reportId, doc: report.doc, backoff: { delayMs: 5_000, maxDelayMs: 5_000 } });
    cleanups.push(() => link.close());
    await waitFor(() => server.closes.length > 0, 10_000, 'the link to close the connection');
    expect(server.closes[0]).toBe(code);
    expect(log.some((line) => line.event === 'link.refused')).toBe(true);
    expect(Y.encodeStateAsUpdate(report.doc)).toEqual(before);
  });

  it.each([
    ['alone', undefined],
    ['after a large valid part (checked off-thread)', 'FORGED '.repeat(12 * 1024)],
  ])('text placed after a character and before an earlier one, %s: the link closes the connection; the report is unchanged', async (_name, before) => {
    const { report, reportId, char } = reportWithAParagraph();
    // After its "a" (clock 2) and before its "h" (clock 1), which stands earlier.
    const misplaced = craftedUpdate([
      ...(before ? [{ client: FIRST_INTEGRATED_CLIENT, text: before, rootType: 'appendix' }] : []),
      { client: 2, text: 'FORGED', origin: char(2), rightOrigin: char(1) },
    ]);
    const state = Y.encodeStateAsUpdate(report.doc);
    const log = appLog();
    const server = await hostileServer(updateFrame(reportId, misplaced));
    const link = new ServerLink({ url: server.url, reportId, doc: report.doc, backoff: { delayMs: 5_000, maxDelayMs: 5_000 } });
    cleanups.push(() => link.close());
    await waitFor(() => server.closes.length > 0, 10_000, 'the link to close the connection');
    expect(server.closes[0]).toBe(1007);
    expect(log.some((line) => line.event === 'link.refused' && /puts text after the character/.test(String(line.reason)))).toBe(true);
    expect(Y.encodeStateAsUpdate(report.doc)).toEqual(state);
  });

  it.each([
    ['small', undefined],
    ['large (checked off-thread)', 'VALID '.repeat(12 * 1024)],
  ])('text that waits for a character the next update would misplace is dropped, and the update taken, %s', async (_name, alongside) => {
    const { report, reportId, char } = reportWithAParagraph();
    // "Z" after a character of client 77 not sent yet, before the "h"; that character comes after the "a".
    const waits = craftedUpdate([{ client: 2, text: 'Z', origin: { client: 77, clock: 0 }, rightOrigin: char(1) }]);
    const bringsIt = craftedUpdate([
      { client: 77, text: 'X', origin: char(2), rightOrigin: char(3) },
      ...(alongside ? [{ client: 78, text: alongside, rootType: 'appendix' }] : []),
    ]);
    if (alongside) expect(bringsIt.length).toBeGreaterThan(INLINE_DECODE_LIMIT);
    const text = bodyOf(report.doc).toString();
    expect(text).toContain('>Shared start.<');
    const log = appLog();
    const server = await hostileServer([updateFrame(reportId, waits), updateFrame(reportId, bringsIt)]);
    const link = new ServerLink({ url: server.url, reportId, doc: report.doc, backoff: { delayMs: 5_000, maxDelayMs: 5_000 } });
    cleanups.push(() => link.close());
    await waitFor(() => bodyOf(report.doc).toString() === text.replace('Shared', 'ShaXred'), 10_000, 'the update to arrive');
    expect(log.some((line) => line.event === 'link.waiting_misplaced_dropped')).toBe(true);
    expect(report.doc.store.pendingStructs).toBeNull();
    expect(server.closes).toEqual([]);
    expect(log.some((line) => line.event === 'link.refused')).toBe(false);
  });

  it('joining a report larger than the app takes in one message says so, and what to do instead', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const server = await hostileServer(updateFrame('some-report', new Uint8Array(MAX_SERVER_FRAME_BYTES + 1024)));
    await expect(fetchReport({ url: server.url, reportId: 'some-report', timeoutMs: 20_000 })).rejects.toThrow(
      /^The report on ws:\/\/127\.0\.0\.1:\d+ is larger than this app takes in one message \(64 MiB\); nothing was kept\. Ask a member who has it for a copy of the report file/,
    );
  });

  it('joining from such a server fails with a message and keeps nothing', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const server = await hostileServer(updateFrame('some-report', new Uint8Array([...forgedParagraph(), 1, 2, 3])));
    await expect(fetchReport({ url: server.url, reportId: 'some-report', timeoutMs: 10_000 })).rejects.toThrow(/sent something that is not part of a report/);
  });
});

/** The log lines the app writes (on stderr) from now on, as parsed JSON. */
function appLog(): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
    return true;
  });
  return lines;
}

describe('a server that sends updates building on one it never sends', () => {
  it('as changes: the link closes the connection at the bound ("try again"), with a log line', async () => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    const before = Y.encodeStateVector(report.doc);
    const log = appLog();
    // Each would cost as much as all the others kept so far: 3,000 of them, ~90 kB.
    const server = await hostileServer(chainOfUpdates(3_000, 't').slice(1).map((update) => updateFrame(reportId, update)));
    const link = new ServerLink({ url: server.url, reportId, doc: report.doc, backoff: { delayMs: 60_000, maxDelayMs: 60_000 } });
    cleanups.push(() => link.close());
    await waitFor(() => server.closes.length > 0, 20_000, 'the link to close the connection');
    expect(server.closes[0]).toBe(1013);
    expect(log.filter((line) => line.event === 'link.waiting_refused')).toHaveLength(1);
    expect(waitingBytes(report.doc)).toBeLessThanOrEqual(DEFAULT_MAX_WAITING_BYTES);
    expect(Y.encodeStateVector(report.doc)).toEqual(before);
  });

  it('in its answer to the sync: the link leaves their waiting part out and stays connected', async () => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    const log = appLog();
    const waiting = Y.mergeUpdates(chainOfUpdates(3_000, 't').slice(1));
    const server = await hostileServer([updateFrame(reportId, waiting, 1), updateFrame(reportId, textUpdate('Still connected.'))]);
    const link = new ServerLink({ url: server.url, reportId, doc: report.doc, backoff: { delayMs: 60_000, maxDelayMs: 60_000 } });
    cleanups.push(() => link.close());
    await waitFor(() => report.doc.getText('u').toString() === 'Still connected.', 10_000, 'the change after the answer');
    expect(waitingBytes(report.doc)).toBeLessThanOrEqual(DEFAULT_MAX_WAITING_BYTES);
    expect(log.filter((line) => String(line.event).startsWith('link.waiting'))).toMatchObject([{ event: 'link.waiting_dropped', limit: DEFAULT_MAX_WAITING_BYTES }]);
    expect(server.closes).toEqual([]);
  });
});

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('u').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** A new report linked to a real server process, and a stock client of it on that server. */
async function linkedReportAndWriter(): Promise<{ server: ServerProcess; report: OpenReport; reportId: string; writer: TestClient }> {
  const server = await startServerProcess({ dataDir: tempDir() });
  cleanups.push(() => server.stop('SIGKILL'));
  const report = openNewReport();
  const reportId = readMeta(report.doc).id;
  const link = new ServerLink({ url: server.url, reportId, doc: report.doc });
  cleanups.push(() => link.close());
  await waitFor(() => link.status.state === 'in-sync', 20_000, 'in sync');
  const writer = connectClient(server.url, reportId);
  cleanups.push(() => writer.destroy());
  await writer.settled();
  return { server, report, reportId, writer };
}

describe('a real server\'s large update', () => {
  it('is checked off the main thread and applied, in order with the small one behind it', async () => {
    const { report, writer } = await linkedReportAndWriter();
    const large = 'The Group recommends an open forum. '.repeat(4_000); // ≈ 144 kB: above the inline limit
    writer.doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(large)]);
      bodyOf(writer.doc).push([p]);
    }, Origin.local);
    writer.doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText('Small, right after.')]);
      bodyOf(writer.doc).push([p]);
    }, Origin.local);
    await waitFor(() => bodyOf(report.doc).toString().includes('Small, right after.'), 20_000, 'both paragraphs');
    const texts = bodyOf(report.doc).toArray().map((node) => (node as Y.XmlElement).toString());
    expect(texts.at(-2)).toContain(large);
    expect(texts.at(-1)).toContain('Small, right after.');
  });
});

describe('a report whose body another client emptied', () => {
  it('can still be joined from its server (the editor opens it with a paragraph to type in)', async () => {
    const { server, reportId, writer: other } = await linkedReportAndWriter();
    const body = bodyOf(other.doc);
    body.delete(0, body.length);
    await other.settled();

    const joined = await fetchReport({ url: server.url, reportId, timeoutMs: 20_000 });
    expect(readMeta(joined).id).toBe(reportId);
    expect(bodyOf(joined).length).toBe(0);
  });
});
