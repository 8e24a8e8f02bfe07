/**
 * The sync requests as the UI makes them (main/services/sync-handlers.ts over
 * report-links.ts): connecting two copies of a report to a real sync server with the
 * status events the status line shows, the remembered server reconnected when the
 * report opens again, a meeting hosted from one copy and joined by invitation from the
 * other, and addresses refused before anything connects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { syncHandlers, type SyncHandlers } from '../../main/services/sync-handlers.ts';
import { ReportLinks } from '../../main/services/report-links.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, Origin } from '../../shared/ydoc.ts';
import { ApiError, validateRequest } from '../../shared/api.ts';
import type { SyncStatusView } from '../../shared/sync-requests.ts';
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwareness, handleMessage } from '../../shared/sync-messages.ts';

/** A window's renderer attached to a report's session: its own doc and awareness. */
function rendererOf(report: OpenReport, name?: string): awarenessProtocol.Awareness {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  if (name) awareness.setLocalStateField('user', { name, group: 'civil society', colour: 2 });
  else awareness.setLocalState(null);
  const peer = report.session.connect((message) => {
    handleMessage(message, doc, awareness, 'main');
  });
  if (name) peer.receive(encodeAwareness(awareness, [doc.clientID]));
  cleanups.push(() => {
    peer.close();
    awareness.destroy();
  });
  return awareness;
}

const namesIn = (awareness: awarenessProtocol.Awareness): string[] =>
  [...awareness.getStates().values()].map((state) => (state.user as { name?: string } | undefined)?.name ?? '').filter(Boolean);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  closeAllReports();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-sync-ui-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function handlersFor(report: OpenReport, dataDir: string): SyncHandlers {
  cleanups.push(() => ReportLinks.for(report, dataDir, { reconnect: false }).close());
  return syncHandlers({ report, dataDir, publicKey: () => '00'.repeat(32), choosePath: (_kind, path) => path, meetingHost: '127.0.0.1' });
}

function addParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    bodyOf(doc).push([p]);
  }, Origin.local);
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Report A and a copy B (same report id), each with its own data folder. */
function twoCopies(): { a: OpenReport; b: OpenReport; dataA: string; dataB: string } {
  const dir = tempDir();
  const a = createReportFile(join(dir, 'a.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
  const b = openReportFile(a.saveCopyAs(join(dir, 'b.plenary')));
  return { a, b, dataA: join(dir, 'data-a'), dataB: join(dir, 'data-b') };
}

async function server(): Promise<SyncServer> {
  const s = await startSyncServer({ dataDir: tempDir(), host: '127.0.0.1', port: 0, log: silentLogger });
  cleanups.push(() => s.close());
  return s;
}

describe('Connect to server…', () => {
  it('syncs two copies through a server, with the status the status line shows, and remembers the server', async () => {
    const s = await server();
    const { a, b, dataA, dataB } = twoCopies();
    const ha = handlersFor(a, dataA);
    const hb = handlersFor(b, dataB);
    const seen: SyncStatusView[] = [];
    ReportLinks.for(a, dataA).onStatus((status) => seen.push(status));

    expect((await ha.syncStatus()).state).toBe('not-connected');
    const first = await ha.connectServer(s.url);
    expect(first.server).toBe(s.url);
    await hb.connectServer(s.url);
    addParagraph(a.doc, 'Sent through the server.');
    await until(() => bodyOf(b.doc).toString().includes('Sent through the server.'), 'the paragraph to reach B');
    await until(() => seen.at(-1)?.state === 'in-sync', 'A in sync');
    const inSync = seen.at(-1)!;
    expect(inSync.lastSyncAt).not.toBeNull();
    expect(seen.map((x) => x.state)).toContain('connecting');

    // Reopening the report reconnects to the remembered server by itself.
    const path = b.path;
    await ReportLinks.for(b, dataB).close();
    b.close();
    const reopened = openReportFile(path);
    const links = ReportLinks.for(reopened, dataB);
    cleanups.push(() => links.close());
    await until(() => links.status().state === 'in-sync', 'the reopened copy to reconnect');
    expect(links.status().server).toBe(s.url);

    // Disconnecting forgets the server; the report keeps everything.
    const off = await ha.disconnectServer();
    expect(off.state).toBe('not-connected');
    expect(bodyOf(a.doc).toString()).toContain('Sent through the server.');
  });

  it('relays presence: a window on one copy sees who is in the other copy through the server', async () => {
    const s = await server();
    const { a, b, dataA, dataB } = twoCopies();
    const ana = rendererOf(a, 'Ana');
    const boWindow = rendererOf(b);
    await handlersFor(a, dataA).connectServer(s.url);
    await handlersFor(b, dataB).connectServer(s.url);
    await until(() => namesIn(boWindow).includes('Ana'), "Ana's presence in Bo's window");
    rendererOf(b, 'Bo');
    await until(() => namesIn(ana).includes('Bo'), "Bo's presence in Ana's window");
    await handlersFor(b, dataB).disconnectServer();
    await until(() => !namesIn(boWindow).includes('Ana'), "Ana's presence withdrawn when B disconnects");
  });

  it('refuses addresses that are not ws:// or wss:// before anything connects', () => {
    for (const bad of ['http://example.org', 'ws://', 'example.org:4455', 'ws://host name', 'javascript:alert(1)']) {
      expect(() => validateRequest('connectServer', [bad]), bad).toThrow(ApiError);
    }
    expect(validateRequest('connectServer', [' wss://sync.example.org/plenary ']).args).toEqual(['wss://sync.example.org/plenary']);
    expect(validateRequest('connectServer', ['ws://192.168.1.20:4455/rep-1#ABC234']).args).toEqual(['ws://192.168.1.20:4455/rep-1#ABC234']);
  });
});

describe('Host a meeting…', () => {
  it('a guest joins by invitation; stopping leaves both copies complete', async () => {
    const { a, b, dataA, dataB } = twoCopies();
    const host = handlersFor(a, dataA);
    const guest = handlersFor(b, dataB);
    const meeting = await host.hostMeeting();
    expect(meeting.code).toMatch(/^[A-Z2-9]{6}$/);
    expect((await host.syncStatus()).meeting?.code).toBe(meeting.code);

    await expect(Promise.resolve().then(() => guest.connectServer(`${meeting.url}/someone-else#${meeting.code}`))).rejects.toThrow(/another report/);
    const hostWindow = rendererOf(a, 'Ana');
    const guestWindow = rendererOf(b, 'Bo');
    await guest.connectServer(meeting.invite);
    await until(() => namesIn(guestWindow).includes('Ana') && namesIn(hostWindow).includes('Bo'), 'host and guest to see each other');
    addParagraph(a.doc, 'From the host.');
    addParagraph(b.doc, 'From the guest.');
    await until(() => bodyOf(b.doc).toString().includes('From the host.') && bodyOf(a.doc).toString().includes('From the guest.'), 'both ways');

    const stopped = await host.stopMeeting();
    expect(stopped.meeting).toBeNull();
    await until(() => ReportLinks.for(b, dataB).status().state !== 'in-sync', 'the guest to notice');
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
  });
});
