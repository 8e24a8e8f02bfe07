/**
 * The sync requests as the UI makes them (main/services/sync-handlers.ts over
 * report-links.ts): connecting two copies of a report to a real sync server with the
 * status events the status line shows, the remembered server reconnected when the
 * report opens again, a meeting hosted from one copy and joined by invitation from the
 * other, and addresses refused before anything connects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import * as Y from 'yjs';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { syncHandlers, type SyncHandlers } from '../../main/services/sync-handlers.ts';
import { identityKeptIn } from '../../main/services/sync/member-proof.ts';
import { ReportLinks } from '../../main/services/report-links.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { startMeeting } from '../../main/services/sync/meeting-host.ts';
import { fetchReport } from '../../main/services/sync/fetch-report.ts';
import { guardedWebSocket } from '../../main/services/sync/guarded-socket.ts';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, readMeta } from '../../shared/ydoc.ts';
import { ApiError, validateRequest } from '../../shared/api.ts';
import { cuttableLink } from './fixtures/sync/harness.ts';
import { namesIn, windowOf } from './session-peer.ts';
import type { SyncStatusView } from '../../shared/sync-requests.ts';
import { describeSync } from '../../renderer/sync-ui/sync-status.ts';
import * as awarenessProtocol from 'y-protocols/awareness';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';
import { DEPARTURE_GRACE_MS } from '../../main/services/awareness-relay.ts';

/** Someone who leaves is gone for the others once the grace for a link that drops for a moment is over. */
const GONE_WITHIN_MS = DEPARTURE_GRACE_MS + 2_000;

/** A window's renderer attached to a report's session: its own doc and awareness. */
function rendererOf(report: OpenReport, name?: string): awarenessProtocol.Awareness {
  const window = windowOf(report.session, name);
  cleanups.push(() => window.close());
  return window.awareness;
}

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

function handlersFor(report: OpenReport, dataDir: string, meetingHost = '127.0.0.1'): SyncHandlers {
  cleanups.push(() => ReportLinks.for(report, dataDir, { reconnect: false }).close());
  return syncHandlers({ report, dataDir, identity: identityKeptIn(dataDir), chooseExportPath: (path) => path, chooseExportFolder: (path) => path, chooseImportPaths: (paths) => paths, meetingHost, join: { folder: join(dataDir, 'Reports'), recentReports: () => [], opened: (joined) => joined.summary() } });
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

/** One report (the secretariat's), with its data folder. */
function oneReport(): { a: OpenReport; dataA: string } {
  const dir = tempDir();
  return { a: createReportFile(join(dir, 'a.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' }), dataA: join(dir, 'data-a') };
}

async function server(): Promise<SyncServer> {
  const s = await startSyncServer({ dataDir: tempDir(), host: '127.0.0.1', port: 0, log: silentLogger });
  cleanups.push(() => s.close());
  return s;
}

/** Ana's copy and Bo's, each with a window, both linked to one server and seeing each other. */
async function anaAndBoOnAServer() {
  const s = await server();
  const { a, b, dataA, dataB } = twoCopies();
  const anaWindow = rendererOf(a, 'Ana');
  const boWindow = rendererOf(b, 'Bo');
  const ana = handlersFor(a, dataA);
  const bo = handlersFor(b, dataB);
  await ana.connectServer(s.url);
  await bo.connectServer(s.url);
  await until(() => namesIn(boWindow).includes('Ana') && namesIn(anaWindow).includes('Bo'), 'both to see each other through the server');
  return { a, dataA, anaWindow, boWindow, ana, bo };
}

/** Bo's copy linked to a server (as a guest-to-be), and a meeting hosted from Ana's copy. */
async function guestOnAServerAndAMeeting() {
  const s = await server();
  const { a, b, dataA, dataB } = twoCopies();
  const guest = handlersFor(b, dataB);
  await guest.connectServer(s.url);
  const meeting = await handlersFor(a, dataA).hostMeeting();
  return { s, a, dataA, b, dataB, guest, meeting };
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

  it('stops and says what to do when the server refuses even small parts of the report\'s changes', async () => {
    let connections = 0;
    const countConnections = (_level: string, event: string): void => {
      if (event === 'connection.opened') connections++;
    };
    // (A limit below the smallest part the app tries: sync-in-parts.test.ts has the parts.)
    const s = await startSyncServer({ dataDir: tempDir(), host: '127.0.0.1', port: 0, log: countConnections, maxMessageBytes: 8 * 1024 });
    cleanups.push(() => s.close());
    const { a, dataA } = oneReport();
    for (let i = 0; i < 300; i++) addParagraph(a.doc, `Paragraph ${i}: ${'the stakeholders in their respective roles '.repeat(6)}`);
    expect(Y.encodeStateAsUpdate(a.doc).length).toBeGreaterThan(64 * 1024);
    const before = Y.encodeStateAsUpdate(a.doc);
    await handlersFor(a, dataA).connectServer(s.url);
    await until(() => ReportLinks.for(a, dataA).status().linkEnded !== null, 'the link to stop', 10_000);
    const status = ReportLinks.for(a, dataA).status();
    expect(describeSync(status)).toBe('The server refuses even small parts of the report\'s changes; have its limit raised (--max-message-bytes), or use Export changes… · your edits are kept here');
    expect(status.state).toBe('not-connected');
    // It does not call again (each call would send the same message), and the report is as it was.
    const calls = connections;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(connections).toBe(calls);
    expect(ReportLinks.for(a, dataA).status().state).toBe('not-connected');
    expect(Y.encodeStateAsUpdate(a.doc)).toEqual(before);
  });

  it('a server that cannot open its copy of the report says so, not that access was refused, and leaves the file as it is', async () => {
    const logged: Array<{ event: string; fields?: Record<string, unknown> }> = [];
    const dataDir = tempDir();
    const s = await startSyncServer({ dataDir, host: '127.0.0.1', port: 0, log: (_level, event, fields) => logged.push({ event, fields }) });
    cleanups.push(() => s.close());
    const { a, dataA } = oneReport();
    const serverFile = join(dataDir, `${readMeta(a.doc).id}.plenary`);
    const damaged = Buffer.from('Not a report: the disk lost this file. '.repeat(100));
    writeFileSync(serverFile, damaged);
    const before = Y.encodeStateAsUpdate(a.doc);
    await handlersFor(a, dataA).connectServer(s.url);
    await until(() => ReportLinks.for(a, dataA).status().linkEnded !== null, 'the refusal', 10_000);
    expect(describeSync(ReportLinks.for(a, dataA).status())).toBe('The server cannot open its copy of this report; tell whoever runs it · your edits are kept here');
    expect(logged.find(({ event }) => event === 'report.load_failed')?.fields).toMatchObject({ report: readMeta(a.doc).id, file: serverFile, reason: expect.stringContaining('not a Plenary report') });
    expect(readFileSync(serverFile)).toEqual(damaged);
    expect(Y.encodeStateAsUpdate(a.doc)).toEqual(before);
    // A newcomer fetching the report is told the same.
    await expect(fetchReport({ url: s.url, reportId: readMeta(a.doc).id })).rejects.toThrow(`${s.url} cannot open its own copy of this report (its file there is damaged). Tell whoever runs it; nothing here was changed.`);
    // Once whoever runs the server has moved the file away, the member's copy fills it again.
    rmSync(serverFile);
    expect((await handlersFor(a, dataA).connectServer(s.url)).linkEnded).toBeNull();
    await until(() => ReportLinks.for(a, dataA).status().state === 'in-sync', 'the sync', 10_000);
    expect(Y.encodeStateAsUpdate(s.hocuspocus.documents.get(readMeta(a.doc).id)!)).toEqual(Y.encodeStateAsUpdate(a.doc));
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
  it('on an address that is not this computer\'s: says so and what to do, and no meeting runs', async () => {
    const { a, dataA } = twoCopies();
    // 192.0.2.0/24 is reserved for documentation: no computer has it.
    const host = handlersFor(a, dataA, '192.0.2.7');
    await expect(host.hostMeeting()).rejects.toThrow(new ApiError(
      'The meeting could not start. 192.0.2.7 is not an address of this computer: it is the meeting address Plenary was started with (--meeting-host, or PLENARY_MEETING_HOST). Start it again with one of this computer’s own, or without one.',
    ));
    expect((await host.syncStatus()).meeting).toBeNull();
  });

  it('on 0.0.0.0 (every interface), which no guest can be sent to: refused, saying what to give instead', async () => {
    const { a, dataA } = twoCopies();
    for (const everyAddress of ['0.0.0.0', '::']) {
      const host = handlersFor(a, dataA, everyAddress);
      await expect(host.hostMeeting()).rejects.toThrow(new ApiError(
        `The meeting could not start. The meeting address Plenary was started with (PLENARY_MEETING_HOST, or --meeting-host) is ${everyAddress}, every interface, and guests are given it: it must be one of this computer’s own. Start Plenary again with one of them, or without one.`,
      ));
      expect((await host.syncStatus()).meeting).toBeNull();
      await ReportLinks.for(a, dataA).close();
    }
  });

  it('two pages starting it at once get one meeting; a report closed while its meeting starts leaves nothing listening', async () => {
    const { a, b, dataA, dataB } = twoCopies();
    const [one, other] = await Promise.all([handlersFor(a, dataA).hostMeeting(), handlersFor(a, dataA).hostMeeting()]);
    expect(other).toEqual(one);

    const starting = handlersFor(b, dataB).hostMeeting();
    await ReportLinks.for(b, dataB).close();
    const started = await starting;
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(new URL(started.url).port), '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    expect(answered).toBe(false);
  });

  it('a guest who has the report joins by the short invitation; stopping leaves both copies complete', async () => {
    const { a, b, dataA, dataB } = twoCopies();
    const host = handlersFor(a, dataA);
    const guest = handlersFor(b, dataB);
    const meeting = await host.hostMeeting();
    expect(meeting.code).toMatch(/^[A-Z2-9]{6}$/);
    expect((await host.syncStatus()).meeting?.code).toBe(meeting.code);

    await expect(Promise.resolve().then(() => guest.connectServer(`${meeting.url}/someone-else#${meeting.code}`))).rejects.toThrow(/another report/);
    const hostWindow = rendererOf(a, 'Ana');
    const guestWindow = rendererOf(b, 'Bo');
    expect(meeting.shortInvite).toBe(`${meeting.url}#${meeting.code}`);
    expect((await guest.connectServer(meeting.shortInvite)).inMeeting).toBe(true);
    await until(() => namesIn(guestWindow).includes('Ana') && namesIn(hostWindow).includes('Bo'), 'host and guest to see each other');
    addParagraph(a.doc, 'From the host.');
    addParagraph(b.doc, 'From the guest.');
    await until(() => bodyOf(b.doc).toString().includes('From the host.') && bodyOf(a.doc).toString().includes('From the guest.'), 'both ways');

    const stopped = await host.stopMeeting();
    expect(stopped.meeting).toBeNull();
    // The guest is told it ended and stops calling it (its copy had no server of its own).
    await until(() => ReportLinks.for(b, dataB).status().linkEnded === 'The meeting ended', 'the guest to be told the meeting ended', 5_000);
    expect(ReportLinks.for(b, dataB).status()).toMatchObject({ state: 'not-connected', server: null, inMeeting: false });
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
  });

  it('when the host ends it, a guest goes back to the server their report is linked to, and says why', async () => {
    const { s, a, dataA, b, dataB, guest, meeting } = await guestOnAServerAndAMeeting();
    await guest.connectServer(meeting.invite);
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest in the meeting');
    const stoppedAfter = Date.now();
    await handlersFor(a, dataA).stopMeeting();
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync' && ReportLinks.for(b, dataB).status().server === s.url, 'the guest back on its server', 5_000);
    const status = ReportLinks.for(b, dataB).status();
    expect(status).toMatchObject({ inMeeting: false, linkEnded: 'The meeting ended' });
    // It says when, for a guest who reads it an hour later.
    const endedAt = Date.parse(status.linkEndedAt ?? '');
    expect(endedAt).toBeGreaterThanOrEqual(stoppedAfter);
    expect(endedAt).toBeLessThanOrEqual(Date.now());
    const shownTime = new Date(endedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    expect(describeSync(status)).toMatch(new RegExp(`^The meeting ended at ${shownTime} · In sync`));
    // Linking anew clears it.
    expect((await guest.connectServer(s.url)).linkEnded).toBeNull();
  });

  it('a copy that already has the report, given a wrong code, is told so in the status line and goes back to its server', async () => {
    const { s, b, dataB, guest, meeting } = await guestOnAServerAndAMeeting();
    const wrong = meeting.invite.replace(/#.*/, '#ZZZZZZ');
    await guest.connectServer(wrong);
    await until(() => ReportLinks.for(b, dataB).status().linkEnded !== null, 'the refusal', 5_000);
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest back on its server', 5_000);
    const status = ReportLinks.for(b, dataB).status();
    expect(status).toMatchObject({ server: s.url, inMeeting: false });
    expect(describeSync(status)).toMatch(/^The meeting did not accept the code; ask the host for the invitation · In sync/);
    // After five wrong codes from this computer even the right one waits, and it says so.
    for (let i = 0; i < 4; i++) {
      await guest.connectServer(wrong);
      await until(() => ReportLinks.for(b, dataB).status().linkEnded !== null, 'the refusal', 5_000);
    }
    await guest.connectServer(meeting.invite);
    await until(() => ReportLinks.for(b, dataB).status().linkEnded !== null, 'the refusal', 5_000);
    expect(ReportLinks.for(b, dataB).status().linkEnded).toBe('Too many wrong meeting codes were tried; wait a minute');
  });

  it('the short invitation from a copy of another report is refused as such, and is not counted as a wrong code', async () => {
    const { a, b, dataA, dataB } = twoCopies();
    const meeting = await handlersFor(a, dataA).hostMeeting();
    const other = createReportFile(join(tempDir(), 'other.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Another report' });
    const otherData = tempDir();
    cleanups.push(() => ReportLinks.for(other, otherData, { reconnect: false }).close());
    const stranger = handlersFor(other, otherData);
    for (let i = 0; i < 6; i++) {
      await stranger.connectServer(meeting.shortInvite);
      await until(() => ReportLinks.for(other, otherData).status().linkEnded !== null, 'the refusal', 5_000);
    }
    expect(ReportLinks.for(other, otherData).status()).toMatchObject({ state: 'not-connected', linkEnded: 'The meeting is for another report; open that one, or enter the whole invitation', linkEndedAt: null });
    // Six refusals from this computer, and a copy of the meeting's report still gets in.
    await handlersFor(b, dataB).connectServer(meeting.shortInvite);
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest in the meeting');
  });

  it('a meeting that is not reachable (the host’s laptop asleep) is not taken for ended: the guest keeps trying', async () => {
    const { a, b, dataB } = twoCopies();
    const meeting = await startMeeting({ reportId: a.summary().id, doc: a.doc, host: '127.0.0.1' });
    cleanups.push(() => meeting.stop());
    const network = await cuttableLink(Number(new URL(meeting.url).port));
    cleanups.push(() => network.close());
    const guest = handlersFor(b, dataB);
    await guest.connectServer(`ws://127.0.0.1:${network.port}/${meeting.reportId}#${meeting.code}`);
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest in the meeting');
    network.cut();
    await until(() => ReportLinks.for(b, dataB).status().state !== 'in-sync', 'the guest to notice');
    expect(ReportLinks.for(b, dataB).status()).toMatchObject({ inMeeting: true, linkEnded: null });
    expect(describeSync(ReportLinks.for(b, dataB).status())).toMatch(/^(Meeting not reachable|Connecting to the meeting)/);
    network.restore();
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest back in the meeting once it is reachable');
  });
});

describe('leaving a meeting', () => {
  it('takes a guest back to the server their report is linked to, which stays remembered', async () => {
    const s = await server();
    const { a, b, dataA, dataB } = twoCopies();
    const guest = handlersFor(b, dataB);
    await guest.connectServer(s.url);
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest in sync with the server');
    const meeting = await handlersFor(a, dataA).hostMeeting();
    expect((await guest.connectServer(meeting.invite)).inMeeting).toBe(true);
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest in the meeting');
    const after = await guest.disconnectServer();
    expect(after.server).toBe(s.url);
    expect(after.inMeeting).toBe(false);
    await until(() => ReportLinks.for(b, dataB).status().state === 'in-sync', 'the guest back in sync with the server');
    // Leaving a server, by contrast, forgets it.
    expect((await guest.disconnectServer()).server).toBeNull();
    await ReportLinks.for(b, dataB).close();
    const path = b.path;
    b.close();
    const reopened = openReportFile(path);
    const links = ReportLinks.for(reopened, dataB);
    cleanups.push(() => links.close());
    expect(links.status().server).toBeNull();
  });
});

describe('presence moving from one link to another', () => {
  it('a member who leaves the server for a meeting is seen again at once by a host who stays on the server', async () => {
    const { anaWindow, boWindow, ana, bo } = await anaAndBoOnAServer();
    await ana.disconnectServer();
    await until(() => !namesIn(boWindow).includes('Ana'), "Ana's presence withdrawn from Bo's window");
    const meeting = await bo.hostMeeting();
    await ana.connectServer(meeting.invite);
    // Well before the 15 s in which a page renews its presence by itself.
    await until(() => namesIn(boWindow).includes('Ana'), "Ana's presence in Bo's window through the meeting", 5_000);
    await until(() => namesIn(anaWindow).includes('Bo'), "Bo's presence in Ana's window through the meeting", 5_000);
  });
});

describe('presence of someone who comes back', () => {
  // y-protocols reports a returning person as `updated`, and Hocuspocus bound to a
  // connection only the `added` ones: the server never withdrew them when they left.
  it('a member who reconnects to the server and then leaves is gone for the others within seconds', async () => {
    const s = await server();
    const { a, b, dataA, dataB } = twoCopies();
    rendererOf(a, 'Ana');
    const boWindow = rendererOf(b, 'Bo');
    const ana = handlersFor(a, dataA);
    await handlersFor(b, dataB).connectServer(s.url);
    await ana.connectServer(s.url);
    await until(() => namesIn(boWindow).includes('Ana'), "Ana's presence in Bo's window");
    await ana.disconnectServer();
    await until(() => !namesIn(boWindow).includes('Ana'), "Ana gone from Bo's window", GONE_WITHIN_MS);
    await ana.connectServer(s.url);
    await until(() => namesIn(boWindow).includes('Ana'), "Ana back in Bo's window", 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ana.disconnectServer();
    await until(() => !namesIn(boWindow).includes('Ana'), "Ana gone from Bo's window again", GONE_WITHIN_MS);
  });

  it('a guest who comes back from a meeting to the server and then leaves is gone for the host (on both) within seconds', async () => {
    const { a, dataA, anaWindow, boWindow, ana, bo } = await anaAndBoOnAServer();
    const meeting = await bo.hostMeeting();
    await ana.connectServer(meeting.invite);
    await until(() => ReportLinks.for(a, dataA).status().state === 'in-sync', 'Ana in the meeting');
    await until(() => namesIn(boWindow).includes('Ana') && namesIn(anaWindow).includes('Bo'), 'both present through the meeting', 5_000);
    await ana.disconnectServer();
    await until(() => ReportLinks.for(a, dataA).status().state === 'in-sync', 'Ana back on the server');
    await until(() => namesIn(boWindow).includes('Ana') && namesIn(anaWindow).includes('Bo'), 'both present through the server again', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ana.disconnectServer();
    await until(() => !namesIn(boWindow).includes('Ana'), "Ana gone from Bo's window", GONE_WITHIN_MS);
  });
});

describe('presence of a host linked to a server', () => {
  it("a window the host reloads replaces the old one at once for the meeting's guests", async () => {
    // Found by the presence fuzz: the guests kept showing the closed window, until it
    // timed out (the session's server link had announced it past the clock the meeting's
    // relay then sent its removal with), or for the departure grace (the reloaded window
    // came in the same update as the removal, and was taken in first).
    const s = await server();
    const { a, b, dataA, dataB } = twoCopies();
    const before = windowOf(a.session, 'Ana');
    cleanups.push(() => before.close());
    const host = handlersFor(a, dataA);
    await host.connectServer(s.url);
    await until(() => ReportLinks.for(a, dataA).status().state === 'in-sync', 'the host on the server');
    const guestWindow = rendererOf(b, 'Bo');
    const meeting = await host.hostMeeting();
    await handlersFor(b, dataB).connectServer(meeting.invite);
    await until(() => namesIn(guestWindow).includes('Ana'), "Ana in the guest's window");
    before.close();
    const reloaded = windowOf(a.session, 'Ana');
    cleanups.push(() => reloaded.close());
    const ids = (): number[] => [...guestWindow.getStates().keys()];
    await until(() => ids().includes(reloaded.awareness.clientID) && !ids().includes(before.awareness.clientID), 'the reloaded window in place of the old one', DEPARTURE_GRACE_MS / 2);
    await new Promise((resolve) => setTimeout(resolve, DEPARTURE_GRACE_MS));
    expect(namesIn(guestWindow).filter((name) => name === 'Ana')).toEqual(['Ana']);
  });
});

describe('presence the server drops while the person is still here', () => {
  it('is announced again at once (as when the server closes late the connection it was announced on)', async () => {
    const s = await server();
    const { a, b, dataA, dataB } = twoCopies();
    const anaWindow = rendererOf(a, 'Ana');
    const boWindow = rendererOf(b, 'Bo');
    // Ana's state reaches the server first on a connection that is not her link's: the
    // server binds it to that connection, as it does to an old connection of a link that
    // reconnected before the server noticed the old one was gone.
    const earlierDoc = new Y.Doc();
    const earlier = new HocuspocusProvider({ url: s.url, name: a.summary().id, document: earlierDoc, WebSocketPolyfill: guardedWebSocket({ url: s.url, reportId: a.summary().id, doc: earlierDoc }) } as ConstructorParameters<typeof HocuspocusProvider>[0]);
    cleanups.push(() => earlier.destroy());
    await until(() => earlier.isSynced, 'the earlier connection to sync');
    awarenessProtocol.applyAwarenessUpdate(earlier.awareness!, awarenessProtocol.encodeAwarenessUpdate(anaWindow, [anaWindow.clientID]), 'test');
    await handlersFor(a, dataA).connectServer(s.url);
    await handlersFor(b, dataB).connectServer(s.url);
    await until(() => namesIn(boWindow).includes('Ana'), "Ana's presence in Bo's window");
    // The server closes that connection and withdraws the states bound to it.
    earlier.destroy();
    const closed = Date.now();
    await until(() => Date.now() - closed > 500, 'half a second');
    // Well before the 15–30 s in which her page would bring it back by renewing it.
    await until(() => namesIn(boWindow).includes('Ana'), "Ana's presence in Bo's window after the server dropped it", 3_000);
  });
});

describe('presence of a window that closes while its report stays linked', () => {
  it('is gone for the others within seconds (the server passes on its removal)', async () => {
    const s = await server();
    const { a, b, dataA, dataB } = twoCopies();
    const anaWindow = windowOf(a.session, 'Ana');
    cleanups.push(() => anaWindow.close());
    const boWindow = rendererOf(b, 'Bo');
    await handlersFor(a, dataA).connectServer(s.url);
    await handlersFor(b, dataB).connectServer(s.url);
    await until(() => namesIn(boWindow).includes('Ana'), "Ana's presence in Bo's window");
    anaWindow.close();
    // Not at the 30 s awareness timeout: before this, the server dropped the removal.
    await until(() => !namesIn(boWindow).includes('Ana'), "Ana gone from Bo's window", GONE_WITHIN_MS);
    expect(ReportLinks.for(a, dataA).status().state).toBe('in-sync');
  });
});

describe('presence through a line that drops for a moment', () => {
  it('neither member sees the other blink out of the presence list while the link reconnects', async () => {
    const s = await server();
    const line = await cuttableLink(Number(new URL(s.url).port));
    cleanups.push(() => line.close());
    const { a, b, dataA, dataB } = twoCopies();
    const anaWindow = rendererOf(a, 'Ana');
    const boWindow = rendererOf(b, 'Bo');
    await handlersFor(a, dataA).connectServer(s.url);
    await handlersFor(b, dataB).connectServer(`ws://127.0.0.1:${line.port}`);
    const boLinks = ReportLinks.for(b, dataB);
    await until(() => namesIn(boWindow).includes('Ana') && namesIn(anaWindow).includes('Bo') && boLinks.status().state === 'in-sync', 'both to see each other');
    const blinks: string[] = [];
    for (const [window, other] of [[anaWindow, 'Bo'], [boWindow, 'Ana']] as const) {
      const watch = (): void => {
        if (!namesIn(window).includes(other)) blinks.push(`${other} gone at ${Date.now()}`);
      };
      window.on('change', watch);
      cleanups.push(() => window.off('change', watch));
    }
    line.cut();
    await until(() => boLinks.status().state === 'offline', "Bo's link offline");
    await new Promise((resolve) => setTimeout(resolve, 300));
    line.restore();
    await until(() => boLinks.status().state === 'in-sync', "Bo's link back", 10_000);
    await new Promise((resolve) => setTimeout(resolve, DEPARTURE_GRACE_MS + 500));
    expect(blinks).toEqual([]);
    expect(namesIn(boWindow)).toContain('Ana');
    expect(namesIn(anaWindow)).toContain('Bo');
  });
});

describe('presence across a server restart', () => {
  it('everyone is back at once after the restart, and someone who then leaves is gone for the others within seconds', async () => {
    const dataDir = tempDir();
    let s = await startSyncServer({ dataDir, host: '127.0.0.1', port: 0, log: silentLogger });
    const port = Number(new URL(s.url).port);
    cleanups.push(() => s.close());
    const { a, b, dataA, dataB } = twoCopies();
    const anaWindow = rendererOf(a, 'Ana');
    const boWindow = rendererOf(b, 'Bo');
    const ana = handlersFor(a, dataA);
    await ana.connectServer(s.url);
    await handlersFor(b, dataB).connectServer(s.url);
    await until(() => namesIn(boWindow).includes('Ana') && namesIn(anaWindow).includes('Bo'), 'both present');
    await s.close();
    s = await startSyncServer({ dataDir, host: '127.0.0.1', port, log: silentLogger });
    // Before this fix each link's provider took the others' states for stale after its
    // reconnect, until they had changed twice (up to 30 s).
    await until(() => namesIn(boWindow).includes('Ana') && namesIn(anaWindow).includes('Bo'), 'both present again', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ana.disconnectServer();
    await until(() => !namesIn(boWindow).includes('Ana'), "Ana gone from Bo's window", GONE_WITHIN_MS);
  });
});

describe('Joining a report one does not have yet (Connect to server… with the report\'s address)', () => {
  const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.plenary')) : []);

  it('fetches it from a standing server into a new report file, linked and remembered; asked again, opens that file', async () => {
    const s = await server();
    const { a, dataA } = oneReport();
    const id = a.summary().id;
    addParagraph(a.doc, 'Written before anyone joined.');
    await handlersFor(a, dataA).connectServer(s.url);
    await until(() => ReportLinks.for(a, dataA).status().state === 'in-sync', 'A in sync');
    const secretariatState = Y.encodeStateAsUpdate(a.doc);
    // The newcomer's machine has no copy: here, this process has none open either.
    const pathA = a.path;
    await ReportLinks.for(a, dataA).close();
    a.close();

    const home = tempDir();
    const reports = join(home, 'Reports');
    const other = createReportFile(join(tempDir(), 'other.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Another report' });
    const newcomer = handlersFor(other, home);
    const joined = await newcomer.joinReport(`${s.url}/${id}`);
    expect(joined.id).toBe(id);
    expect(joined.title).toBe('Tunis draft');
    expect(joined.path).toBe(join(reports, 'Tunis draft.plenary'));
    const copy = openReportFile(joined.path);
    cleanups.push(() => ReportLinks.for(copy, home, { reconnect: false }).close());
    expect(Y.encodeStateAsUpdate(copy.doc)).toEqual(secretariatState);
    const links = ReportLinks.for(copy, home);
    await until(() => links.status().state === 'in-sync', 'the joined copy to be in sync');
    expect(links.status().server).toBe(s.url);
    addParagraph(copy.doc, 'From the newcomer.');

    // The secretariat reopens its report: it reconnects and gets the newcomer's paragraph.
    const reopened = openReportFile(pathA);
    const secretariat = ReportLinks.for(reopened, dataA);
    await until(() => bodyOf(reopened.doc).toString().includes('From the newcomer.'), "the newcomer's paragraph to reach the secretariat");
    await secretariat.close();
    reopened.close();

    // The file is what the newcomer has from now on: asked again, no second copy, also
    // once it is closed (found through the recent list).
    expect((await newcomer.joinReport(`${s.url}/${id}`)).path).toBe(joined.path);
    await links.close();
    copy.close();
    const fromRecent = syncHandlers({ report: other, dataDir: home, identity: identityKeptIn(home), chooseExportPath: () => null, chooseExportFolder: () => null, chooseImportPaths: () => null, join: { folder: reports, recentReports: () => [joined], opened: (r) => r.summary() } });
    const again = await fromRecent.joinReport(`${s.url}/${id}`);
    cleanups.push(() => ReportLinks.for(openReportFile(again.path), home, { reconnect: false }).close());
    expect(again.path).toBe(joined.path);
    expect(filesIn(reports)).toEqual(['Tunis draft.plenary']);
  });

  it('a meeting guest without the report joins by invitation; a wrong code is refused and nothing is written', async () => {
    // The host is another machine: a plain copy of the report, not one open here.
    const { a } = oneReport();
    const id = a.summary().id;
    addParagraph(a.doc, 'Agreed in the room.');
    const hostDoc = new Y.Doc({ gc: false });
    Y.applyUpdate(hostDoc, Y.encodeStateAsUpdate(a.doc));
    a.close();
    const meeting = await startMeeting({ reportId: id, doc: hostDoc, host: '127.0.0.1' });
    cleanups.push(() => meeting.stop());

    const home = tempDir();
    const guest = handlersFor(createReportFile(join(tempDir(), 'other.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Another report' }), home);
    const wrong = meeting.code === 'ABCDEF' ? 'ABCDEG' : 'ABCDEF';
    await expect(guest.joinReport(`${meeting.url}/${id}#${wrong}`)).rejects.toThrow(/did not accept this invitation's code/);
    // The short invitation names no report: fine for a copy that has it, not to fetch one.
    await expect(guest.joinReport(`${meeting.url}#${meeting.code}`)).rejects.toThrow(/whole invitation, with the report id/);
    expect(filesIn(join(home, 'Reports'))).toEqual([]);

    const joined = await guest.joinReport(meeting.invite);
    const copy = openReportFile(joined.path);
    cleanups.push(() => ReportLinks.for(copy, home, { reconnect: false }).close());
    expect(bodyOf(copy.doc).toString()).toContain('Agreed in the room.');
    addParagraph(copy.doc, 'From the guest.');
    await until(() => bodyOf(hostDoc).toString().includes('From the guest.'), "the guest's paragraph to reach the host");
  });

  it('an id the server has no report for, or a server that is not there, is refused with what to check; nothing is written', async () => {
    const s = await server();
    const { a } = oneReport();
    const home = tempDir();
    const newcomer = handlersFor(a, home);
    await expect(newcomer.joinReport(`${s.url}/no-such-report`)).rejects.toThrow(/has no report no-such-report\. Check the report's address/);
    await expect(newcomer.joinReport(s.url)).rejects.toThrow(/give its full address: ws:\/\/HOST:N\/<report id>/);
    const closed = await server();
    const gone = closed.url;
    await closed.close();
    await expect(newcomer.joinReport(`${gone}/some-report`)).rejects.toThrow(/Could not reach ws:\/\/127\.0\.0\.1:\d+\. Check the address/);
    expect(filesIn(join(home, 'Reports'))).toEqual([]);
  });
});
