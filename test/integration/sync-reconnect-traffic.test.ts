/**
 * What a member already holds is not sent to it again. A member whose copy is in step
 * with the server reconnects (its Wi-Fi dropped; it is the only one on the report, so
 * the server had put the report away) and is sent only what it lacks: a few bytes, not
 * the whole report a second time. The same for a guest joining a meeting with the
 * report. Real server and meeting on loopback; the member is the stock provider, with
 * a socket that counts what it is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { startSyncServer } from '../../main/services/sync/server.ts';
import { startMeeting } from '../../main/services/sync/meeting-host.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { createReportDoc, readMeta } from '../../shared/ydoc.ts';
import { addParagraphs } from '../unit/helpers/add-paragraph.ts';
import { tempDir, waitFor } from './fixtures/sync/harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A report of about 300 kB, and a copy of it. */
function reportAndCopy(): { report: Y.Doc; copy: Y.Doc; reportId: string } {
  const report = createReportDoc();
  report.getMap('meta').set('id', 'wgig-report');
  addParagraphs(report, 2_000, (i) => `${i + 1}. The Working Group recognizes the respective roles of governments, the private sector and civil society.`);
  const copy = createReportDoc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(report));
  expect(Y.encodeStateAsUpdate(report).length).toBeGreaterThan(250_000);
  return { report, copy, reportId: readMeta(report).id };
}

/** Links `doc` to `url`, counting the bytes of every message it is sent; resolves once synced. */
async function link(url: string, reportId: string, doc: Y.Doc, token?: string): Promise<{ received: () => number; close: () => void }> {
  let received = 0;
  class CountingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('error', () => {});
      // (The provider reads messages as ArrayBuffers.)
      this.on('message', (data: ArrayBuffer) => {
        received += data.byteLength;
      });
    }
  }
  const provider = new HocuspocusProvider({ url, name: reportId, document: doc, token: token ?? null, WebSocketPolyfill: CountingWebSocket } as ConstructorParameters<typeof HocuspocusProvider>[0]);
  cleanups.push(() => provider.destroy());
  await waitFor(() => provider.isSynced && provider.unsyncedChanges === 0, 20_000, 'the link to be synced');
  // Whatever the server sends right after the exchange (a broadcast) has its moment to come.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { received: () => received, close: () => provider.destroy() };
}

describe('a member who has the report', () => {
  it('reconnecting to a server that had put the report away is sent only what it lacks', async () => {
    const server = await startSyncServer({ dataDir: tempDir(), host: '127.0.0.1', port: 0, log: silentLogger });
    cleanups.push(() => server.close());
    const { report, copy, reportId } = reportAndCopy();
    const secretariat = await link(server.url, reportId, report);
    secretariat.close();
    // (No one is on the report now: the server stores it and puts it away.)
    await waitFor(() => !server.hocuspocus.documents.has(reportId), 10_000, 'the server to put the report away');
    const member = await link(server.url, reportId, copy);
    expect(member.received()).toBeLessThan(2_000);
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(report));
  });

  it('joining a meeting on it is sent only what it lacks', async () => {
    const { report, copy, reportId } = reportAndCopy();
    const meeting = await startMeeting({ reportId, doc: report, host: '127.0.0.1' });
    cleanups.push(() => meeting.stop());
    const guest = await link(meeting.url, reportId, copy, meeting.code);
    expect(guest.received()).toBeLessThan(2_000);
  });
});
