/**
 * Main's side of sync: an open report (its file, its Y.Doc) linked to a standing server
 * with status events, silent reconnection and the backlog sent on reconnect, the
 * remembered server; and a meeting hosted from the app for one open report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { connectClient, sendRawUpdates, startServerProcess, tempDir, waitFor, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';
import { craftedUpdate } from '../unit/helpers/crafted-updates.ts';
import { createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, Origin, readMeta } from '../../shared/ydoc.ts';
import { ServerLink, reconnectRemembered, type SyncState } from '../../main/services/sync/client.ts';
import { ServerLinks, SERVER_LINKS_FILE } from '../../main/services/sync/server-links.ts';
import { NAMED_PER_GUEST, startMeeting, parseInvite, type Meeting } from '../../main/services/sync/meeting-host.ts';
import { describeSync } from '../../renderer/sync-ui/sync-status.ts';
import { addParagraph, paragraphTexts } from '../unit/helpers/add-paragraph.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function openNewReport(dir = tempDir()): OpenReport {
  const report = createReportFile(join(dir, 'report.plenary'), BLANK_REPORT_TEMPLATE);
  cleanups.push(() => report.close());
  return report;
}

async function serve(dataDir = tempDir(), port?: number): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, port });
  cleanups.push(() => server.stop('SIGKILL'));
  return server;
}

function client(url: string, reportId: string, token?: string): TestClient {
  const c = connectClient(url, reportId, { token });
  cleanups.push(() => c.destroy());
  return c;
}

describe("main's link to a sync server", () => {
  it('keeps the one connection it opened (a second one would drop the presence sent on the first)', async () => {
    const server = await serve();
    const report = openNewReport();
    const link = new ServerLink({ url: server.url, reportId: readMeta(report.doc).id, doc: report.doc });
    cleanups.push(() => link.close());
    await waitFor(() => link.status.state === 'in-sync', 20_000, 'in sync');
    // The provider retries a failed first attempt after its 1 s delay: wait past it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const events = server.logLines.map((line) => (JSON.parse(line) as { event?: string }).event);
    expect(events.filter((event) => event === 'connection.opened')).toHaveLength(1);
    expect(events).not.toContain('connection.closed');
    expect(link.status.state).toBe('in-sync');
  });

  it('counts the edits the server has not acknowledged: held while offline, "syncing N" on reconnect, none once in sync', async () => {
    const dataDir = tempDir();
    let server = await serve(dataDir);
    const report = openNewReport();
    const link = new ServerLink({ url: server.url, reportId: readMeta(report.doc).id, doc: report.doc, backoff: { delayMs: 50, maxDelayMs: 200 } });
    cleanups.push(() => link.close());
    const seen: string[] = [];
    link.onStatus((status) => seen.push(`${status.state} ${status.pending}`));
    await waitFor(() => link.status.state === 'in-sync', 20_000, 'in sync');
    await server.stop('SIGKILL');
    await waitFor(() => link.status.state === 'offline' || link.status.state === 'connecting', 20_000, 'offline');
    for (let i = 1; i <= 3; i++) addParagraph(report.doc, `Offline edit ${i}.`);
    await waitFor(() => link.status.pending === 3, 5_000, 'three edits pending');
    server = await serve(dataDir, server.port);
    await waitFor(() => link.status.state === 'in-sync', 30_000, 'in sync again');
    expect(link.status.pending).toBe(0);
    expect(seen).toContain('syncing 3');
    expect(describeSync({ state: 'syncing', pending: 3, lastSyncAt: null, server: server.url, inMeeting: false, linkEnded: null, linkEndedAt: null, problem: null, meeting: null, sendingInParts: null, transfer: null, readOnly: false })).toBe('Syncing 3 updates…');
  });

  describe('when the window hears that the network is back', () => {
    /** A link whose backoff has grown to 15 s (as after a while off the network), its server just back. */
    async function waitingOutABackoff(): Promise<{ link: ServerLink; report: OpenReport }> {
      const dataDir = tempDir();
      let server = await serve(dataDir);
      const report = openNewReport();
      const link = new ServerLink({ url: server.url, reportId: readMeta(report.doc).id, doc: report.doc, backoff: { delayMs: 15_000, maxDelayMs: 15_000 } });
      cleanups.push(() => link.close());
      await waitFor(() => link.status.state === 'in-sync', 20_000, 'in sync');
      await server.stop('SIGKILL');
      await waitFor(() => link.status.state === 'offline' || link.status.state === 'connecting', 20_000, 'offline');
      addParagraph(report.doc, 'Written off the network.');
      server = await serve(dataDir, server.port);
      return { link, report };
    }

    it('a link waiting out its backoff tries at once, and sends what was written meanwhile', async () => {
      const { link } = await waitingOutABackoff();
      link.retryNow();
      await waitFor(() => link.status.state === 'in-sync' && link.status.pending === 0, 3_000, 'in sync within 3 s');
    });

    it('(otherwise it waits out the backoff: the reason for retryNow)', async () => {
      const { link } = await waitingOutABackoff();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(link.status.state).not.toBe('in-sync');
    });
  });

  it('reports status, reconnects silently after the server dies and sends the backlog', async () => {
    const dataDir = tempDir();
    const userData = tempDir();
    let server = await serve(dataDir);
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    const links = new ServerLinks(userData);
    const link = new ServerLink({ url: server.url, reportId, doc: report.doc, links, backoff: { delayMs: 50, maxDelayMs: 200 } });
    cleanups.push(() => link.close());
    const seen: SyncState[] = [];
    link.onStatus((status) => seen.push(status.state));

    await waitFor(() => link.status.state === 'in-sync', 20_000, 'in sync');
    const firstSync = link.status.lastSyncAt;
    expect(firstSync).toBeInstanceOf(Date);
    expect(seen).toContain('in-sync');
    // Remembered, with the time of the last sync.
    const remembered = JSON.parse(readFileSync(join(userData, SERVER_LINKS_FILE), 'utf8'));
    expect(remembered[reportId].url).toBe(server.url);

    // The server dies; editing goes on; the status says so, nothing throws.
    await server.stop('SIGKILL');
    await waitFor(() => link.status.state === 'offline' || link.status.state === 'connecting', 20_000, 'offline');
    addParagraph(report.doc, 'Written while the server was down.');
    addParagraph(report.doc, 'And a second paragraph.');
    expect(link.status.state).not.toBe('in-sync');

    // Back on the same address: the link reconnects by itself and the backlog goes out.
    server = await serve(dataDir, server.port);
    await waitFor(() => link.status.state === 'in-sync', 30_000, 'in sync again');
    expect(link.status.lastSyncAt!.getTime()).toBeGreaterThanOrEqual(firstSync!.getTime());
    const other = client(server.url, reportId);
    await other.settled();
    await waitFor(() => paragraphTexts(other.doc).includes('And a second paragraph.'), 20_000, 'backlog on the server');
    expect(paragraphTexts(other.doc)).toContain('Written while the server was down.');

    // What another member writes arrives in the open report and in its file.
    addParagraph(other.doc, 'From another member.');
    await waitFor(() => paragraphTexts(report.doc).includes('From another member.'), 20_000, 'remote paragraph');
    const path = report.path;
    link.close();
    report.close();
    const reopened = openReportFile(path);
    cleanups.push(() => reopened.close());
    expect(paragraphTexts(reopened.doc)).toContain('From another member.');

    // Next run: the remembered server is used again.
    const again = reconnectRemembered(links, reportId, reopened.doc, { backoff: { delayMs: 50 } });
    expect(again?.url).toBe(server.url);
    cleanups.push(() => again?.close());
    await waitFor(() => again!.status.state === 'in-sync', 20_000, 'remembered link in sync');
  });

  it('refuses an address that is not ws:// or wss://', () => {
    const report = openNewReport();
    expect(() => new ServerLink({ url: 'http://example.org', reportId: readMeta(report.doc).id, doc: report.doc })).toThrow(/ws:\/\//);
  });
});

describe('hosting a meeting', () => {
  it("a guest's text left waiting for the host's next character is dropped when the host types it: host and guests keep one report", async () => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    addParagraph(report.doc, 'The WGIG report.');
    const paragraph = (bodyOf(report.doc).toArray().find((node) => node instanceof Y.XmlElement && node.toString().includes('WGIG')) as Y.XmlElement).get(0) as Y.XmlText;
    const start = paragraph._start!.id;
    const meeting = await startMeeting({ reportId, doc: report.doc, host: '127.0.0.1' });
    cleanups.push(() => meeting.stop());
    const guest = client(meeting.url, reportId, meeting.code);
    await guest.settled();
    // "Z": after the host's next character and before the "W", which will stand before it.
    const hostNext = { client: report.doc.clientID, clock: Y.getState(report.doc.store, report.doc.clientID) };
    const z = craftedUpdate([{ client: 2, text: 'Z', origin: hostNext, rightOrigin: { client: start.client, clock: start.clock + 4 } }]);
    expect((await sendRawUpdates(meeting.url, reportId, [z], meeting.code)).acknowledged).toBe(1);
    report.doc.transact(() => paragraph.insert(6, 'X'), Origin.local);
    await waitFor(() => paragraphTexts(guest.doc).includes('The WGXIG report.'), 10_000, 'the guest to see the host\'s edit');
    expect(paragraphTexts(report.doc)).toContain('The WGXIG report.');
    const late = client(meeting.url, reportId, meeting.code);
    await late.settled();
    expect(paragraphTexts(late.doc)).toEqual(paragraphTexts(report.doc));
    expect(paragraphTexts(guest.doc)).toEqual(paragraphTexts(report.doc));
  });

  it('serves the open report to guests with the code, refuses others, and leaves every copy complete when stopped', async () => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    addParagraph(report.doc, 'Draft before the meeting.');
    const before = paragraphTexts(report.doc);
    const meeting: Meeting = await startMeeting({ reportId, doc: report.doc, host: '127.0.0.1' });
    cleanups.push(() => meeting.stop());
    expect(meeting.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(parseInvite(meeting.invite)).toEqual({ url: meeting.url, reportId, code: meeting.code });
    // The short one, for members who have the report open: its report is theirs.
    expect(meeting.shortInvite).toBe(`${meeting.url}#${meeting.code}`);
    expect(parseInvite(meeting.shortInvite)).toEqual({ url: meeting.url, reportId: null, code: meeting.code });
    expect(parseInvite(`${meeting.url}#${meeting.code.slice(1)}`)).toBeNull();

    const guestA = client(meeting.url, reportId, meeting.code);
    const guestB = client(meeting.url, reportId, meeting.code.toLowerCase());
    await Promise.all([guestA.settled(), guestB.settled()]);
    expect(paragraphTexts(guestA.doc)).toEqual(before);

    addParagraph(guestA.doc, 'Guest A proposes.');
    addParagraph(report.doc, 'The host adds.');
    await guestA.settled();
    await waitFor(() => paragraphTexts(guestB.doc).length === before.length + 2, 20_000, 'guest B to see all');
    await waitFor(() => paragraphTexts(report.doc).includes('Guest A proposes.'), 20_000, 'host to see guest A');

    const intruder = client(meeting.url, reportId, 'WRONG1');
    const denied = await new Promise<string>((resolve) => intruder.provider.on('authenticationFailed', ({ reason }: { reason: string }) => resolve(reason)));
    expect(denied).toBe('permission-denied');
    const otherReport = client(meeting.url, 'some-other-report', meeting.code);
    await new Promise<void>((resolve) => otherReport.provider.on('authenticationFailed', () => resolve()));

    await meeting.stop();
    // Every copy keeps everything; the host's is in its file.
    const expected = [...before, 'Guest A proposes.', 'The host adds.'].sort();
    expect(paragraphTexts(report.doc).sort()).toEqual(expected);
    expect(paragraphTexts(guestA.doc).sort()).toEqual(expected);
    expect(paragraphTexts(guestB.doc).sort()).toEqual(expected);
    const path = report.path;
    report.close();
    const reopened = openReportFile(path);
    cleanups.push(() => reopened.close());
    expect(paragraphTexts(reopened.doc).sort()).toEqual(expected);
  });

  it('counts its guests as they come and go, telling the host each time; someone refused is no guest', async () => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    let told = 0;
    const meeting = await startMeeting({ reportId, doc: report.doc, host: '127.0.0.1', onChange: () => told++ });
    cleanups.push(() => meeting.stop());
    expect(meeting.guests().count).toBe(0);
    const guestA = client(meeting.url, reportId, meeting.code);
    const guestB = client(meeting.url, reportId, meeting.code);
    await Promise.all([guestA.settled(), guestB.settled()]);
    await waitFor(() => meeting.guests().count === 2, 10_000, 'two guests counted');
    expect(told).toBeGreaterThanOrEqual(2);

    const intruder = client(meeting.url, reportId, 'WRONG1');
    await new Promise<void>((resolve) => intruder.provider.on('authenticationFailed', () => resolve()));
    expect(meeting.guests().count).toBe(2);

    const toldBefore = told;
    guestA.destroy();
    await waitFor(() => meeting.guests().count === 1, 10_000, 'guest A gone');
    await waitFor(() => told > toldBefore, 10_000, 'the host told that guest A left');
  });

  it('names its guests as their presence says, the host\'s own people not among them; told when a name comes, changes or goes, not when a caret moves', async () => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    // As the app's session: no presence of its own, its windows' relayed in; the chair's window is one.
    const hostPresence = new Awareness(report.doc);
    hostPresence.setLocalState(null);
    const chairWindow = new Awareness(new Y.Doc());
    chairWindow.setLocalStateField('user', { name: 'Chair', group: 'government', colour: 1 });
    applyAwarenessUpdate(hostPresence, encodeAwarenessUpdate(chairWindow, [chairWindow.clientID]), 'window');
    cleanups.push(() => chairWindow.destroy());
    let told = 0;
    const meeting = await startMeeting({ reportId, doc: report.doc, host: '127.0.0.1', awareness: hostPresence, onChange: () => told++ });
    cleanups.push(() => meeting.stop());
    cleanups.push(() => hostPresence.destroy());
    const ana = client(meeting.url, reportId, meeting.code);
    const bo = client(meeting.url, reportId, meeting.code);
    await Promise.all([ana.settled(), bo.settled()]);
    ana.provider.awareness!.setLocalStateField('user', { name: 'Ana Diaz', group: 'civil society', colour: 2 });
    bo.provider.awareness!.setLocalStateField('user', { name: 'Bo Lin', group: '', colour: 3 });
    await waitFor(() => meeting.guests().names.length === 2, 10_000, 'both guests named');
    await waitFor(() => [...ana.provider.awareness!.getStates().values()].some((state) => (state.user as { name?: string } | undefined)?.name === 'Chair'), 10_000, 'the chair in the meeting too');
    expect(meeting.guests().names).toEqual(['Ana Diaz (civil society)', 'Bo Lin']);
    expect(meeting.guests().count).toBe(2);

    // A caret moved (a change of presence, many a second in a session) tells the host nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const toldBefore = told;
    for (let i = 0; i < 5; i++) ana.provider.awareness!.setLocalStateField('cursor', { anchor: i, head: i });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(told).toBe(toldBefore);

    // A new name ("I am …" chosen from the roster) is told.
    bo.provider.awareness!.setLocalStateField('user', { name: 'Bo Lin', group: 'private sector', colour: 3 });
    await waitFor(() => meeting.guests().names.includes('Bo Lin (private sector)'), 10_000, 'Bo renamed');
    await waitFor(() => told > toldBefore, 10_000, 'the host told of the new name');

    ana.destroy();
    await waitFor(() => meeting.guests().names.length === 1, 10_000, 'Ana gone');
    expect(meeting.guests().names).toEqual(['Bo Lin (private sector)']);

    // A connection that announces a crowd (its app carries one person's few windows) names a few of them only.
    const crowd = client(meeting.url, reportId, meeting.code);
    await crowd.settled();
    const invented = new Awareness(new Y.Doc());
    cleanups.push(() => invented.destroy());
    const ids: number[] = [];
    for (let i = 0; i < 500; i++) {
      invented.clientID = 1_000_000 + i;
      // Twice: a state at clock 0 is taken for one already seen.
      invented.setLocalState({});
      invented.setLocalState({ user: { name: `Invented ${i}`, group: '', colour: 0 } });
      ids.push(invented.clientID);
    }
    applyAwarenessUpdate(crowd.provider.awareness!, encodeAwarenessUpdate(invented, ids), 'crowd');
    await waitFor(() => meeting.guests().names.length > 1, 10_000, 'the crowd named');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(meeting.guests().count).toBe(2);
    // (The crowd's own presence, which names nobody, may take one of its places.)
    expect(meeting.guests().names.length).toBeLessThanOrEqual(1 + NAMED_PER_GUEST);
  });

  it('rations wrong codes: after a few from one computer even the right one is refused for a while, with a reason', async () => {
    const report = openNewReport();
    const reportId = readMeta(report.doc).id;
    const meeting = await startMeeting({ reportId, doc: report.doc, host: '127.0.0.1', wrongCodeLimits: { perAddress: 3, windowMs: 1_500, overall: 100, overallWindowMs: 60_000 } });
    cleanups.push(() => meeting.stop());
    const refusalOf = (c: TestClient) => new Promise<string>((resolve) => c.provider.on('authenticationFailed', ({ reason }: { reason: string }) => resolve(reason)));
    const started = Date.now();
    for (const guess of ['AAAAAA', 'BBBBBB', 'CCCCCC']) expect(await refusalOf(client(meeting.url, reportId, guess))).toBe('permission-denied');
    const rightButTooSoon = client(meeting.url, reportId, meeting.code);
    expect(await refusalOf(rightButTooSoon)).toMatch(/^Too many wrong meeting codes from this computer/);
    rightButTooSoon.destroy();
    await waitFor(() => Date.now() - started > 1_600, 5_000, 'the window to pass');
    const guest = client(meeting.url, reportId, meeting.code);
    await guest.settled();
    expect(guest.provider.isSynced).toBe(true);
  });
});
