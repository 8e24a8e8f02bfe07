/**
 * A report whose history has outgrown what a server takes in one message (its first
 * sync is one update larger than the limit) reaches the server in parts, through the
 * real links: Connect to server… (report-links.ts), a real sync server on loopback with a
 * small limit, the stock provider. What the server then holds is checked by fetching the
 * report from it as a member who does not have it would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as Y from 'yjs';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { ReportLinks } from '../../main/services/report-links.ts';
import { startSyncServer, type SyncServer, type SyncServerOptions } from '../../main/services/sync/server.ts';
import { startMeeting } from '../../main/services/sync/meeting-host.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { fetchReport } from '../../main/services/sync/fetch-report.ts';
import { COPY_GONE, MAX_COPIES_PER_REPORT, MAX_KEPT_COPIES, MERGE_REQUEST } from '../../main/services/sync/incoming-copies.ts';
import { incomingCopyName } from '../../shared/report-id.ts';
import { ServerLink } from '../../main/services/sync/client.ts';
import { sendInParts, type SendInPartsError, type UnfinishedSend } from '../../main/services/sync/send-in-parts.ts';
import { ReportStore } from '../../main/services/report-store.ts';
import { CloseCode } from '../../main/services/sync/frame-guard.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { bodyOf, createReportDoc, Origin, readMeta } from '../../shared/ydoc.ts';
import { blockIdPlugin } from '../../shared/block-ids.ts';
import { HeadlessPeer, settle } from '../unit/helpers/headless-peer.ts';
import { connectToSession, namesIn, windowOf } from './session-peer.ts';
import { DEPARTURE_GRACE_MS } from '../../main/services/awareness-relay.ts';
import type { SyncStatusView } from '../../shared/sync-requests.ts';
import { describeSync } from '../../renderer/sync-ui/sync-status.ts';
import { addParagraph, addParagraphs } from '../unit/helpers/add-paragraph.ts';
import { connectClient, cuttableLink, lineCarrying, sendsIn, tempDir, waitFor } from './fixtures/sync/harness.ts';
import { craftedUpdate } from '../unit/helpers/crafted-updates.ts';
import { membersOnly } from '../../main/services/sync/member-access.ts';
import { Identity } from '../../main/services/identity.ts';
import { addMember } from '../../shared/roster.ts';

const LIMIT = 64 * 1024;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  closeAllReports();
});

/** A sync server on loopback, stopped after the test. */
async function aServer(options: Partial<SyncServerOptions> = {}): Promise<SyncServer> {
  const server = await startSyncServer({ dataDir: tempDir(), host: '127.0.0.1', port: 0, log: silentLogger, ...options });
  cleanups.push(() => server.close());
  return server;
}

const smallServer = (maxMessageBytes = LIMIT): Promise<SyncServer> => aServer({ maxMessageBytes });

/** A report's links, with every status they announce. */
function linked(report: OpenReport, dataDir: string): { report: OpenReport; links: ReportLinks; statuses: SyncStatusView[] } {
  const links = ReportLinks.for(report, dataDir, { reconnect: false });
  cleanups.push(() => links.close());
  const statuses: SyncStatusView[] = [];
  links.onStatus((status) => statuses.push(status));
  return { report, links, statuses };
}

/** The secretariat's report after months of drafting: more than LIMIT of history, deletions too. */
function longReport(paragraphs: number): { report: OpenReport; links: ReportLinks; statuses: SyncStatusView[] } {
  const dir = tempDir();
  const report = createReportFile(join(dir, 'report.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Report of the Working Group on Internet Governance' });
  addParagraphs(report.doc, paragraphs, (i) => `${i + 1}. The Working Group recognizes the respective roles of governments, the private sector and civil society in the governance of the Internet. (${i})`);
  report.doc.transact(() => bodyOf(report.doc).delete(3, 5));
  expect(Y.encodeStateAsUpdate(report.doc).length).toBeGreaterThan(2 * LIMIT);
  return linked(report, join(dir, 'data'));
}

/** The report as a member who does not have it gets it from `url` now. */
async function onServer(url: string, reportId: string): Promise<Y.Doc> {
  const doc = await fetchReport({ url, reportId });
  cleanups.push(() => doc.destroy());
  return doc;
}

const sentBy = (i: number): string => `Part sent by member ${i} before the line dropped.`;

/** A sender that sent `text` into the incoming copy `name` and left before the merge; resolves once the server has put the copy away. */
async function cutShort(server: SyncServer, name: string, text: string): Promise<void> {
  const sender = connectClient(server.url, name);
  sender.doc.getText('t').insert(0, text);
  await sender.settled();
  sender.destroy();
  await waitFor(() => !server.hocuspocus.documents.has(name), 5_000, 'the copy to be put away');
}

/** Comes back to the copy `name` as a sender going on does: the reason it was refused, or what the copy holds. */
async function comeBack(server: SyncServer, name: string): Promise<{ refused: string | null; text: string }> {
  const back = connectClient(`${server.url}/?resume=1`, name);
  cleanups.push(() => back.destroy());
  let refused: string | null = null;
  back.provider.on('close', ({ event }: { event: { reason: string } }) => (refused ??= event.reason));
  back.provider.on('authenticationFailed', ({ reason }: { reason: string }) => (refused ??= reason));
  await waitFor(() => refused !== null || back.provider.isSynced, 5_000, 'an answer');
  return { refused, text: back.doc.getText('t').toString() };
}

const inSync = (links: ReportLinks): boolean => links.status().state === 'in-sync' && links.status().sendingInParts === null;

describe('a report too large for one message to its server', () => {
  it('reaches the server in parts, with what is typed meanwhile, and then syncs as usual', async () => {
    const server = await smallServer();
    const { report, links, statuses } = longReport(800);
    const reportId = readMeta(report.doc).id;
    let typedMeanwhile = false;
    links.onStatus((status) => {
      if (!typedMeanwhile && (status.sendingInParts?.sent ?? 0) >= 1) {
        typedMeanwhile = true;
        addParagraph(report.doc, 'Typed while the report was on its way.');
      }
    });
    links.connect(server.url);
    await waitFor(() => inSync(links), 30_000, 'the report to be in sync with the server');

    // Never said to be offline or unlinked on the way (a screen reader would announce it).
    expect(statuses.map((s) => s.state).filter((state) => state === 'offline' || state === 'not-connected')).toEqual([]);
    const progress = statuses.map((s) => s.sendingInParts).filter((p) => p !== null);
    const total = progress.at(-1)?.total ?? 0;
    expect(total).toBeGreaterThanOrEqual(3);
    // (Larger parts were tried first and refused: this server's limit is not known to the app.)
    expect(progress.map((p) => p.sent).slice(-(total + 1))).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
    const midway = statuses.find((s) => s.sendingInParts?.sent === 1) as SyncStatusView;
    expect(describeSync(midway)).toBe(`Sending the report to the server in parts · 1 of ${total} sent… · its history is larger than the server takes at once`);
    expect(typedMeanwhile).toBe(true);

    const fetched = await onServer(server.url, reportId);
    expect(bodyOf(fetched).toJSON()).toBe(bodyOf(report.doc).toJSON());
    expect(bodyOf(fetched).toJSON()).toContain('Typed while the report was on its way.');
    // From now on an edit goes out as any other.
    addParagraph(report.doc, 'Agreed in the last session.');
    await waitFor(() => inSync(links) && links.status().pending === 0, 10_000, 'the edit to be stored');
    expect(bodyOf(await onServer(server.url, reportId)).toJSON()).toContain('Agreed in the last session.');
  });

  it('a send cut short leaves the report on the server as it was, and goes on in parts from where it broke off once the line is back', async () => {
    // What the server refused as larger than it takes (the report whole, and the larger parts tried first).
    const tooLarge: unknown[] = [];
    const server = await aServer({ maxMessageBytes: LIMIT, log: (_level, event, fields) => {
      if (event === 'connection.error' && fields?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') tooLarge.push(fields);
    } });
    const relay = await cuttableLink(server.port);
    cleanups.push(() => relay.close());
    const { report, links, statuses } = longReport(1000);
    const reportId = readMeta(report.doc).id;
    // A member on the server meanwhile (the report is new there: it has nothing of it).
    const member = connectClient(server.url, reportId);
    cleanups.push(() => member.destroy());
    await member.settled();
    const seen = new Set<string>();
    member.doc.on('update', () => seen.add(bodyOf(member.doc).toString()));
    let cut = false;
    let refusedBeforeCut = 0;
    links.onStatus((status) => {
      if (!cut && (status.sendingInParts?.sent ?? 0) >= 2) {
        cut = true;
        refusedBeforeCut = tooLarge.length;
        relay.cut();
        setTimeout(() => relay.restore(), 1_500);
      }
    });
    links.connect(`ws://127.0.0.1:${relay.port}`);
    await waitFor(() => cut && inSync(links), 60_000, 'the report to be in sync after the cut');
    // (Tries while the line was still down each show the count they would go on from.)
    const [first, ...tries] = sendsIn(statuses);
    expect(tries.length).toBeGreaterThanOrEqual(1);
    expect(first?.at(-1)?.sent).toBeLessThan(first?.at(-1)?.total as number);
    const storedFirst = first?.at(-1)?.sent as number;
    // While the line was down the status line kept the count, and said the rest waits; the
    // report's own link did not call meanwhile, to send the report whole and be refused again.
    const firstInParts = statuses.findIndex((s) => s.sendingInParts !== null);
    const lastInParts = statuses.findLastIndex((s) => s.sendingInParts !== null);
    expect(statuses.slice(firstInParts, lastInParts).filter((s) => s.sendingInParts === null)).toEqual([]);
    const waiting = statuses.find((s) => s.state === 'offline') as SyncStatusView;
    expect(describeSync(waiting)).toBe(`Offline · ${storedFirst} of ${first?.at(-1)?.total} parts sent, the rest goes when the server is back · edits are kept here`);
    expect(tooLarge.length).toBe(refusedBeforeCut);
    // The server kept the parts it had: each try goes on from there, never below, and the last to the end.
    for (const again of tries) expect(again[0]?.sent).toBe(storedFirst);
    expect(Math.min(...tries.flat().map((p) => p.sent))).toBe(storedFirst);
    expect(tries.at(-1)?.at(-1)?.sent).toBe(tries.at(-1)?.at(-1)?.total);
    await waitFor(() => bodyOf(member.doc).toString() === bodyOf(report.doc).toString(), 10_000, 'the member to have the report');
    // The member never saw the report half-arrived: it came in one change.
    expect([...seen]).toEqual([bodyOf(report.doc).toString()]);
    expect(bodyOf(await onServer(server.url, reportId)).toJSON()).toBe(bodyOf(report.doc).toJSON());
  });

  it('a backlog too large for the server is sent in parts without the server first sending the member the report it already has', async () => {
    const server = await smallServer();
    const { report, links } = longReport(800);
    const reportId = readMeta(report.doc).id;
    links.connect(server.url);
    await waitFor(() => inSync(links), 30_000, 'the report on the server');
    const onServerBytes = Y.encodeStateAsUpdate(report.doc).length;

    // A member with the whole report writes a great deal offline, in one change larger than the server takes.
    const member = openReportFile(report.saveCopyAs(join(tempDir(), 'member.plenary')));
    member.doc.transact(() => addParagraphs(member.doc, 1200, (i) => `${i + 1}. Written offline, in one sitting. (${i})`));
    expect(Y.encodeStateAsUpdate(member.doc, Y.encodeStateVector(report.doc)).length).toBeGreaterThan(LIMIT);
    const relay = await cuttableLink(server.port);
    cleanups.push(() => relay.close());
    const memberLinks = linked(member, join(tempDir(), 'data'));
    memberLinks.links.connect(`ws://127.0.0.1:${relay.port}`);
    await waitFor(() => inSync(memberLinks.links) && memberLinks.statuses.some((s) => s.sendingInParts !== null), 30_000, 'the backlog on the server');
    expect(bodyOf(await onServer(server.url, reportId)).toJSON()).toBe(bodyOf(member.doc).toJSON());
    // What the server sent the member the whole time: answers and acknowledgements, not the report.
    expect(relay.bytesFromTarget()).toBeLessThan(onServerBytes / 4);
  });

  it('a member whose backlog goes in parts stays in the others\' presence lists while it goes, and they in hers', async () => {
    const server = await smallServer();
    const dir = tempDir();
    const secretariat = createReportFile(join(dir, 'report.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Report of the Working Group on Internet Governance' });
    addParagraphs(secretariat.doc, 100, (i) => `${i + 1}. Agreed before the member went away. (${i})`);
    const { links } = linked(secretariat, join(dir, 'data'));
    const reportId = readMeta(secretariat.doc).id;
    links.connect(server.url);
    await waitFor(() => inSync(links), 30_000, 'the report on the server');
    // The secretariat, with a name, on the server; a member who writes a great deal offline, in her window.
    const onTheServer = connectClient(server.url, reportId);
    cleanups.push(() => onTheServer.destroy());
    onTheServer.provider.awareness?.setLocalStateField('user', { name: 'Secretariat', group: 'International organizations', colour: 1 });
    await onTheServer.settled();
    const member = openReportFile(secretariat.saveCopyAs(join(tempDir(), 'member.plenary')));
    member.doc.transact(() => addParagraphs(member.doc, 2_000, (i) => `${i + 1}. Written offline, in one sitting. (${i})`));
    const { awareness: window, close } = windowOf(member.session, 'Ana');
    cleanups.push(close);

    // A slow line: the parts take seconds.
    const relay = await cuttableLink(server.port, 32 * 1024);
    cleanups.push(() => relay.close());
    const memberLinks = linked(member, join(tempDir(), 'data'));
    memberLinks.links.connect(`ws://127.0.0.1:${relay.port}`);
    // Once she has seen the secretariat: as her link hands over to the parts and they back to it, never a blink.
    await waitFor(() => namesIn(window).includes('Secretariat'), 20_000, 'the secretariat in her window');
    const blinks: number[] = [];
    const watch = (): void => {
      if (!namesIn(window).includes('Secretariat')) blinks.push(Date.now());
    };
    window.on('change', watch);
    cleanups.push(() => window.off('change', watch));
    // (Once a part is through: before, the parts' connection may be refused a size too large, and made again.)
    await waitFor(() => (memberLinks.links.status().sendingInParts?.sent ?? 0) >= 1, 20_000, 'the first part to be through');
    const seen: boolean[] = [];
    while (memberLinks.links.status().sendingInParts !== null) {
      seen.push(namesIn(onTheServer.provider.awareness).includes('Ana') && namesIn(window).includes('Secretariat'));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // To the parts' end, each saw the other.
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen, JSON.stringify(seen)).not.toContain(false);
    await waitFor(() => inSync(memberLinks.links), 30_000, 'the member in sync');
    expect(bodyOf(onTheServer.doc).toJSON()).toBe(bodyOf(member.doc).toJSON());
    await waitFor(() => namesIn(onTheServer.provider.awareness).includes('Ana') && namesIn(window).includes('Secretariat'), 5_000, 'each to see the other on the link again');
    await new Promise((resolve) => setTimeout(resolve, DEPARTURE_GRACE_MS + 500));
    expect(blinks).toEqual([]);
    // The parts' connection gone, the server took the member's people out with it: listed once, by her own link.
    expect(namesIn(onTheServer.provider.awareness).filter((name) => name === 'Ana')).toEqual(['Ana']);
  }, 60_000);

  it('a send waiting for a line that is down: Retry now goes on at once, Disconnect calls it off and calls no more', async () => {
    let opened = 0;
    const server = await aServer({ maxMessageBytes: LIMIT, log: (_level, event) => {
      if (event === 'connection.opened') opened += 1;
    } });
    const relay = await cuttableLink(server.port);
    cleanups.push(() => relay.close());
    const { report, links } = longReport(1000);
    /** The line goes down once a send in parts has this many parts stored (once). */
    let cutAt: number | null = 2;
    links.onStatus((status) => {
      if (cutAt !== null && (status.sendingInParts?.sent ?? 0) >= cutAt) {
        cutAt = null;
        relay.cut();
      }
    });
    links.connect(`ws://127.0.0.1:${relay.port}`);
    // Tries that find the line down: the waits between them grow (1, 2, 4 s…).
    let offline = 0;
    links.onStatus((status) => {
      if (status.state === 'offline') offline += 1;
    });
    await waitFor(() => offline >= 3, 20_000, 'three tries to find the line down');
    expect(links.status().sendingInParts?.sent).toBeGreaterThanOrEqual(2);
    relay.restore();
    // The network is back (a window heard so): the parts go on now, not after the wait.
    expect(links.retryNow().state).toBe('syncing');
    await waitFor(() => inSync(links), 20_000, 'the report to be in sync');
    expect(bodyOf(await onServer(server.url, readMeta(report.doc).id)).toJSON()).toBe(bodyOf(report.doc).toJSON());

    // Waiting again (the report grew past the limit once more, and the line went down midway), then Disconnect.
    cutAt = 1;
    offline = 0;
    // (In one change: one update larger than the server takes.)
    report.doc.transact(() => addParagraphs(report.doc, 1000, (i) => `${i + 1}. Added after the last session. (${i})`));
    await waitFor(() => offline >= 1, 20_000, 'the send to wait for the line');
    expect(links.disconnect().state).toBe('not-connected');
    const calls = opened;
    relay.restore();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(opened).toBe(calls);
    expect(links.status()).toMatchObject({ state: 'not-connected', sendingInParts: null, server: null });
  });

  it('a send cut short goes on from the start when the server no longer has what it took (restarted meanwhile)', async () => {
    const dataDir = tempDir();
    let server = await aServer({ maxMessageBytes: LIMIT, dataDir });
    const port = server.port;
    const relay = await cuttableLink(port);
    cleanups.push(() => relay.close());
    const { report, links, statuses } = longReport(1000);
    const reportId = readMeta(report.doc).id;
    let restarted: Promise<void> | null = null;
    links.onStatus((status) => {
      if (!restarted && (status.sendingInParts?.sent ?? 0) >= 2) {
        relay.cut();
        restarted = (async () => {
          await server.close();
          server = await aServer({ maxMessageBytes: LIMIT, dataDir, port });
          relay.restore();
        })();
      }
    });
    links.connect(`ws://127.0.0.1:${relay.port}`);
    await waitFor(() => restarted !== null && inSync(links), 60_000, 'the report to be in sync after the restart');
    const sends = sendsIn(statuses);
    const storedFirst = sends[0]?.at(-1)?.sent as number;
    expect(storedFirst).toBeGreaterThanOrEqual(2);
    // Asked to go on, the restarted server had nothing of it: the parts went again from 0.
    const counts = sends.slice(1).flat().map((p) => p.sent);
    expect(counts).toContain(0);
    expect(counts.at(-1)).toBe(sends.at(-1)?.at(-1)?.total);
    expect(bodyOf(await onServer(server.url, reportId)).toJSON()).toBe(bodyOf(report.doc).toJSON());
  });

  it('reaches members connected meanwhile whole: an editor showing it keeps its lists and block ids', async () => {
    const server = await smallServer();
    const { report, links } = longReport(800);
    const reportId = readMeta(report.doc).id;
    // A list, and a paragraph turned into a heading (y-prosemirror deletes the paragraph
    // and inserts a heading with its id): half-arrived, the list would be empty and the id
    // twice in the text, which an editor repairs.
    report.doc.transact(() => {
      const list = new Y.XmlElement('bullet_list');
      list.insert(0, ['Governments', 'The private sector', 'Civil society'].map((text, i) => {
        const item = new Y.XmlElement('list_item');
        item.setAttribute('id', `li-${i}`);
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.setAttribute('id', `li-p-${i}`);
        paragraph.insert(0, [new Y.XmlText(text)]);
        item.insert(0, [paragraph]);
        return item;
      }));
      bodyOf(report.doc).insert(2, [list]);
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.setAttribute('id', 'p-turned');
      paragraph.insert(0, [new Y.XmlText('Internet governance')]);
      bodyOf(report.doc).push([paragraph]);
    }, Origin.local);
    const body = bodyOf(report.doc);
    const id = 'p-turned';
    report.doc.transact(() => {
      const heading = new Y.XmlElement('heading');
      heading.setAttribute('id', id);
      heading.setAttribute('level', 2 as unknown as string);
      heading.insert(0, [new Y.XmlText('Internet governance')]);
      body.delete(body.length - 1, 1);
      body.push([heading]);
    }, Origin.local);
    const memberDoc = createReportDoc();
    const editor = new HeadlessPeer(memberDoc, [blockIdPlugin()]);
    cleanups.push(() => editor.destroy());
    const member = connectClient(server.url, reportId, { doc: memberDoc });
    cleanups.push(() => member.destroy());
    await member.settled();
    const seen = new Set<string>();
    memberDoc.on('update', () => seen.add(bodyOf(memberDoc).toString()));
    const sent = body.toString();

    links.connect(server.url);
    await waitFor(() => inSync(links), 30_000, 'the report to be in sync with the server');
    await waitFor(() => bodyOf(memberDoc).length === body.length, 10_000, 'the member to have the report');
    await settle();
    // Never half-arrived: the report came to the member in one change. (Its editor then
    // gave the test's paragraphs without ids their ids, which the report took in.)
    expect([...seen][0]).toBe(sent);
    expect(bodyOf(memberDoc).toString()).toBe(body.toString());
    expect(body.toString()).toContain(`<heading id="${id}" level="2">`);
    expect(body.toString()).toContain('<bullet_list><list_item id="li-0">');
    expect(editor.state.doc.toString()).toContain('bullet_list(list_item(paragraph("Governments"))');
  });

  /** A host's meeting with a small limit, and a guest who drafted much on their own copy since they last met. */
  async function meetingAndGuest(paragraphs: number, options: { hostPresence?: boolean } = {}) {
    const dir = tempDir();
    const hostReport = createReportFile(join(dir, 'host.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
    const host = linked(hostReport, join(dir, 'data-host'));
    const awareness = options.hostPresence ? hostReport.session.awareness : undefined;
    const meeting = await startMeeting({ reportId: readMeta(hostReport.doc).id, doc: hostReport.doc, host: '127.0.0.1', log: silentLogger, maxMessageBytes: LIMIT, awareness });
    cleanups.push(() => meeting.stop());
    const guest = linked(openReportFile(hostReport.saveCopyAs(join(dir, 'guest.plenary'))), join(dir, 'data-guest'));
    addParagraphs(guest.report.doc, paragraphs, (i) => `Guest's paragraph ${i}: the forum should be multilateral, transparent and democratic.`);
    expect(Y.encodeStateAsUpdate(guest.report.doc, Y.encodeStateVector(hostReport.doc)).length).toBeGreaterThan(LIMIT);
    return { host, meeting, guest };
  }

  it('reaches a meeting in parts too', async () => {
    const { host, meeting, guest } = await meetingAndGuest(700);
    const seen: string[] = [];
    host.report.doc.on('update', () => seen.push(bodyOf(host.report.doc).toString()));
    guest.links.connect(meeting.invite);
    await waitFor(() => inSync(guest.links), 30_000, 'the guest to be in sync with the meeting');
    expect(guest.statuses.some((s) => s.inMeeting && (s.sendingInParts?.total ?? 0) >= 2)).toBe(true);
    await waitFor(() => bodyOf(host.report.doc).toJSON() === bodyOf(guest.report.doc).toJSON(), 10_000, "the host's copy to hold the guest's paragraphs");
    // The host's copy (and its editor) got the guest's paragraphs in one change.
    expect(seen).toEqual([bodyOf(guest.report.doc).toString()]);
  });

  it("a guest whose backlog goes to a meeting in parts is in the host's presence list meanwhile, and the host in hers, also as the only guest; the host counts one guest", async () => {
    const { host, meeting, guest } = await meetingAndGuest(1_500, { hostPresence: true });
    const { awareness: chairWindow, close: closeChair } = windowOf(host.report.session, 'Chair');
    cleanups.push(closeChair);
    const { awareness: guestWindow, close: closeGuest } = windowOf(guest.report.session, 'Ana');
    cleanups.push(closeGuest);
    // A slow line to the meeting: the parts take seconds.
    const port = Number(new URL(meeting.url).port);
    const relay = await cuttableLink(port, 32 * 1024);
    cleanups.push(() => relay.close());
    guest.links.connect(`ws://127.0.0.1:${relay.port}/${meeting.reportId}#${meeting.code}`);
    await waitFor(() => (guest.links.status().sendingInParts?.sent ?? 0) >= 1, 20_000, 'the first part to be through');
    const seen: boolean[] = [];
    while (guest.links.status().sendingInParts !== null) {
      // (Host a meeting… and the question before closing the host's window count them.)
      seen.push(namesIn(chairWindow).includes('Ana') && namesIn(guestWindow).includes('Chair') && meeting.guests().count === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen, JSON.stringify(seen)).not.toContain(false);
    await waitFor(() => inSync(guest.links), 30_000, 'the guest in sync with the meeting');
    expect(bodyOf(host.report.doc).toJSON()).toBe(bodyOf(guest.report.doc).toJSON());
  }, 60_000);

  it('takes a report in parts as sent: neither the server\'s copy nor a member\'s first sync deletes a formatting mark of its own', async () => {
    const dataDir = tempDir();
    const server = await aServer({ dataDir });
    // Two members put italics on the same words while apart: two 'italic on' marks in a
    // row, which Yjs's clean-up of a remote change cuts to one. This report kept both (its
    // clean-up held off as the server's copy holds it off), so the server's copy would
    // delete one of them if it cleaned up what it takes in.
    const report = createReportDoc();
    const paragraph = new Y.XmlElement('paragraph');
    bodyOf(report).insert(0, [paragraph]);
    const text = new Y.XmlText('Multilateral, transparent and democratic. '.repeat(200));
    paragraph.insert(0, [text]);
    const base = Y.encodeStateAsUpdate(report);
    const other = createReportDoc();
    Y.applyUpdate(other, base);
    const textIn = (doc: Y.Doc): Y.XmlText => (bodyOf(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.format(0, 12, { em: true });
    textIn(other).format(0, 12, { em: true });
    const keep = (transaction: Y.Transaction): void => {
      transaction.local = true;
    };
    report.on('beforeObserverCalls', keep);
    Y.applyUpdate(report, Y.encodeStateAsUpdate(other, Y.encodeStateVector(report)));
    report.off('beforeObserverCalls', keep);
    const marks = (doc: Y.Doc): number => {
      let alive = 0;
      for (let item = (textIn(doc) as unknown as { _start: Y.Item | null })._start; item; item = item.right) {
        if (!item.deleted && item.content instanceof Y.ContentFormat) alive++;
      }
      return alive;
    };
    const sentMarks = marks(report);
    // (A copy that has the paragraph and takes the marks in as a remote change cleans one away.)
    const cleaned = createReportDoc();
    Y.applyUpdate(cleaned, base);
    Y.applyUpdate(cleaned, Y.encodeStateAsUpdate(report, Y.encodeStateVector(cleaned)));
    expect(marks(cleaned)).toBeLessThan(sentMarks);

    await sendInParts({ url: server.url, reportId: 'marks', doc: report, partBytes: 1024 }).done;
    await server.close();
    const store = ReportStore.open(join(dataDir, 'marks.plenary'), { compactAboveRows: Infinity });
    const stored = createReportDoc();
    stored.on('beforeObserverCalls', keep); // (no clean-up here either)
    Y.applyUpdate(stored, store.loadState());
    store.close();
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(report));
    expect(marks(stored)).toBe(sentMarks);

    // A member whose first sync comes in parts takes them in as sent too.
    const again = await aServer({ dataDir, maxReplyBytes: 1024 });
    const memberDoc = createReportDoc();
    const member = new ServerLink({ url: again.url, reportId: 'marks', doc: memberDoc });
    cleanups.push(() => member.close());
    await waitFor(() => member.status.state === 'in-sync', 10_000, 'the member to be in sync');
    expect(Y.encodeStateVector(memberDoc)).toEqual(Y.encodeStateVector(report));
    expect(marks(memberDoc)).toBe(sentMarks);
  });

  it('a send cut short while a part was on its way goes on through a line that carries less than two parts at a time', async () => {
    const server = await smallServer();
    const relay = await cuttableLink(server.port);
    cleanups.push(() => relay.close());
    const { report } = longReport(1000);
    const reportId = readMeta(report.doc).id;
    const partBytes = 15 * 1024;
    const send = (url: string, resume: UnfinishedSend | undefined, onProgress: (sent: number, total: number) => void): Promise<SendInPartsError | null> =>
      sendInParts({ url, reportId, doc: report.doc, partBytes, resume, onProgress }).done.then(() => null, (error: SendInPartsError) => error);
    // The line drops as the third part leaves; and again as the next connection's exchange
    // begins, taking that part again.
    const relayed = `ws://127.0.0.1:${relay.port}`;
    let total = 0;
    let cutShort = await send(relayed, undefined, (sent, of) => {
      total = of;
      if (sent === 2) relay.cut();
    });
    expect(cutShort?.unfinished).toMatchObject({ stored: 2, underWay: true });
    relay.restore();
    cutShort = await send(relayed, cutShort?.unfinished ?? undefined, () => relay.cut());
    expect(cutShort?.unfinished).toMatchObject({ stored: 2, underWay: true });

    // From now on each connection carries about one and a half parts, and the send goes on
    // from each break: the part under way goes again, alone (more would pile up in the
    // mirror at each break), and the count never goes back.
    const line = await lineCarrying(server.port, Math.round(partBytes * 1.5));
    cleanups.push(() => line.close());
    const counts: number[] = [2];
    let tries = 0;
    while (cutShort) {
      expect(cutShort.unfinished, cutShort.message).not.toBeNull();
      tries += 1;
      expect(tries, `counts so far: ${counts.join(' ')}`).toBeLessThan(60);
      cutShort = await send(`ws://127.0.0.1:${line.port}`, cutShort.unfinished ?? undefined, (sent) => counts.push(sent));
    }
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1] as number);
    // Every part counted, the ones sent again too: the count ends near the number the send
    // began with (what is left is cut anew at each try), not short of it by a part a break.
    expect(tries).toBeGreaterThan(5);
    expect(counts.at(-1)).toBeGreaterThanOrEqual(0.8 * total);
    expect(bodyOf(await onServer(server.url, reportId)).toJSON()).toBe(bodyOf(report.doc).toJSON());
  });

  it('a line that gets worse midway: the part it keeps cutting short is cut anew, smaller, and the parts the server stored are kept', async () => {
    const server = await smallServer();
    let carries = Infinity;
    const line = await lineCarrying(server.port, () => carries);
    cleanups.push(() => line.close());
    const front = await cuttableLink(line.port);
    cleanups.push(() => front.close());
    const { report, links, statuses } = longReport(2000);
    links.onStatus((status) => {
      if (carries === Infinity && (status.sendingInParts?.sent ?? 0) >= 2) {
        // From now on a connection carries less than one of the parts under way, and more than two of the next size.
        carries = 20 * 1024;
        front.cut();
        front.restore();
      }
    });
    links.connect(`ws://127.0.0.1:${front.port}`);
    await waitFor(() => inSync(links), 100_000, 'the report on the server');
    expect(carries).toBe(20 * 1024);
    // The count never went back: what the server had stored stayed, only the rest went again.
    const counts = statuses.flatMap((status) => (status.sendingInParts ? [status.sendingInParts.sent] : []));
    for (let i = 1; i < counts.length; i++) expect(counts[i], counts.join(' ')).toBeGreaterThanOrEqual(counts[i - 1] as number);
    expect(bodyOf(await onServer(server.url, readMeta(report.doc).id)).toJSON()).toBe(bodyOf(report.doc).toJSON());
  }, 120_000);

  it('keeps what a send cut short had sent for its sender to come back to, a few sends at a time', async () => {
    const server = await smallServer();
    const copy = (i: number): string => incomingCopyName(`report-${i}`, `upload${String(i).padStart(4, '0')}`);
    // More senders cut short than the server keeps (each to a report of its own).
    for (let i = 0; i <= MAX_KEPT_COPIES; i++) await cutShort(server, copy(i), sentBy(i));
    // The latest are there, whole; the oldest made way for them.
    expect(await comeBack(server, copy(MAX_KEPT_COPIES))).toEqual({ refused: null, text: sentBy(MAX_KEPT_COPIES) });
    expect(await comeBack(server, copy(1))).toEqual({ refused: null, text: sentBy(1) });
    expect((await comeBack(server, copy(0))).refused).toBe(COPY_GONE);
    // Never there at all: the same answer, and the sender starts over.
    expect((await comeBack(server, copy(99))).refused).toBe(COPY_GONE);
  });

  it('makes room for a send under way from the sends to the same report that broke off, oldest first', async () => {
    const server = await smallServer();
    const copy = (i: number): string => incomingCopyName('wgig-report', `upload${String(i).padStart(4, '0')}`);
    for (let i = 0; i < MAX_COPIES_PER_REPORT; i++) await cutShort(server, copy(i), sentBy(i));
    // A new send to the report is taken, not told to try again later.
    const sender = connectClient(server.url, copy(MAX_COPIES_PER_REPORT));
    cleanups.push(() => sender.destroy());
    await sender.settled(5_000);
    expect((await comeBack(server, copy(0))).refused).toBe(COPY_GONE);
    expect(await comeBack(server, copy(1))).toEqual({ refused: null, text: sentBy(1) });
  });

  it('takes a few sends in parts to one report at a time, and merges only for a member who may write', async () => {
    const server = await aServer({ maxMessageBytes: LIMIT, authorize: ({ token }) => (token === 'reader' ? 'read' : 'write') });
    const reportId = 'wgig-report';
    const copies = Array.from({ length: MAX_COPIES_PER_REPORT }, (_, i) => connectClient(server.url, incomingCopyName(reportId, `upload000${i}`)));
    cleanups.push(() => copies.forEach((copy) => copy.destroy()));
    await Promise.all(copies.map((copy) => copy.settled()));
    const refused = connectClient(server.url, incomingCopyName(reportId, 'upload9999'));
    cleanups.push(() => refused.destroy());
    const closes: string[] = [];
    refused.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => closes.push(`${event.code} ${event.reason}`));
    await waitFor(() => closes.length > 0, 5_000, 'the fifth copy to be refused');
    expect(closes[0]).toMatch(/^1013 Too many members are sending this report in parts at once/);
    expect(refused.provider.isSynced).toBe(false);
    // Another report's sends are not held up.
    const other = connectClient(server.url, incomingCopyName('another-report', 'upload0000'));
    cleanups.push(() => other.destroy());
    await other.settled();

    const reader = connectClient(server.url, incomingCopyName('read-report', 'upload0000'), { token: 'reader' });
    cleanups.push(() => reader.destroy());
    await waitFor(() => reader.provider.isSynced, 5_000, 'the reader to open a copy');
    const answers: string[] = [];
    reader.provider.on('stateless', ({ payload }: { payload: string }) => answers.push(payload));
    reader.provider.sendStateless(MERGE_REQUEST);
    await waitFor(() => answers.length > 0, 5_000, 'an answer to the merge');
    expect(answers[0]).toMatch(/^plenary:merge-failed:.*read the report/);
  });

  it('a meeting that ends while the parts go says so, and the guest goes back to its own server', async () => {
    const { meeting, guest } = await meetingAndGuest(4000);
    const server = await smallServer(16 * 1024 * 1024);
    guest.links.connect(server.url);
    await waitFor(() => inSync(guest.links), 30_000, "the guest's copy on its own server");
    guest.links.onStatus((status) => {
      if ((status.sendingInParts?.sent ?? 0) === 1) void meeting.stop();
    });
    guest.links.connect(meeting.invite);
    await waitFor(() => guest.links.status().linkEnded !== null, 30_000, 'the guest to hear the meeting ended');
    const status = guest.links.status();
    expect(describeSync(status)).toMatch(/^The meeting ended at .+ · (Connecting to the server…|Syncing|In sync)/);
    expect(status.server).toBe(server.url);
    expect(status.inMeeting).toBe(false);
  });

  it('leaving a meeting while the parts go takes the guest back to its own server, still remembered', async () => {
    const { meeting, guest } = await meetingAndGuest(4000);
    const server = await smallServer(16 * 1024 * 1024);
    guest.links.connect(server.url);
    await waitFor(() => inSync(guest.links), 30_000, "the guest's copy on its own server");
    let left = false;
    guest.links.onStatus((status) => {
      if (!left && (status.sendingInParts?.sent ?? 0) === 1) {
        left = true;
        queueMicrotask(() => guest.links.disconnect());
      }
    });
    guest.links.connect(meeting.invite);
    await waitFor(() => left && guest.links.status().server === server.url && guest.links.status().sendingInParts === null, 30_000, 'the guest back on its server');
    await waitFor(() => inSync(guest.links), 30_000, 'the guest in sync with its server again');
    expect(guest.links.status().inMeeting).toBe(false);
  });

  it('is told apart from a message too large for this app, which is not sent in parts', async () => {
    const server = await smallServer();
    const { report } = longReport(800);
    const reportId = readMeta(report.doc).id;
    const closes: Array<[number, boolean]> = [];
    const received: Array<[number, boolean]> = [];
    const sending = new ServerLink({ url: server.url, reportId, doc: report.doc });
    cleanups.push(() => sending.close());
    sending.onClosed((code, refusedHere) => closes.push([code, refusedHere]));
    await waitFor(() => closes.length > 0, 10_000, 'the server to refuse the first sync');
    sending.close();
    expect(closes[0]).toEqual([CloseCode.tooLarge, false]);

    // The server has the report (sent in parts); a copy that takes less than it sends refuses it.
    const { links } = linked(report, join(tempDir(), 'data'));
    links.connect(server.url);
    await waitFor(() => inSync(links), 30_000, 'the report on the server');
    const empty = new Y.Doc();
    const receiving = new ServerLink({ url: server.url, reportId, doc: empty, maxServerFrameBytes: 16 * 1024 });
    cleanups.push(() => receiving.close());
    receiving.onClosed((code, refusedHere) => received.push([code, refusedHere]));
    await waitFor(() => received.length > 0, 10_000, 'the copy to refuse what the server sent');
    expect(received[0]).toEqual([CloseCode.tooLarge, true]);
    expect(Y.encodeStateVector(empty)).toEqual(Y.encodeStateVector(new Y.Doc()));
  });

  it('a member whose app takes less than the server would answer gets the report in parts, and is synced only with all of it', async () => {
    const server = await aServer({ maxReplyBytes: LIMIT });
    const { report, links } = longReport(800);
    const reportId = readMeta(report.doc).id;
    links.connect(server.url);
    await waitFor(() => inSync(links), 30_000, 'the report on the server');

    // An app that takes at most 1.5 × the answer limit in one message; the whole report is more.
    const copy = new Y.Doc();
    const closes: number[] = [];
    const member = new ServerLink({ url: server.url, reportId, doc: copy, maxServerFrameBytes: LIMIT * 1.5 });
    cleanups.push(() => member.close());
    member.onClosed((code) => closes.push(code));
    let partial = false;
    copy.on('update', () => {
      if (member.status.state !== 'in-sync' && bodyOf(copy).toJSON() !== bodyOf(report.doc).toJSON()) partial = true;
    });
    await waitFor(() => member.status.state === 'in-sync', 20_000, 'the member to be in sync');
    expect(Y.encodeStateAsUpdate(report.doc).length).toBeGreaterThan(LIMIT * 1.5);
    expect(closes).toEqual([]);
    expect(partial).toBe(true); // it came in more than one message
    expect(bodyOf(copy).toJSON()).toBe(bodyOf(report.doc).toJSON());
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(report.doc));

    // A stock provider written by someone else gets it the same way.
    const stock = connectClient(server.url, reportId);
    cleanups.push(() => stock.destroy());
    await stock.settled();
    expect(bodyOf(stock.doc).toJSON()).toBe(bodyOf(report.doc).toJSON());
  });

  /**
   * A report on a server whose answers come in parts of LIMIT, a member's copy from before
   * 800 paragraphs were added to it (`sent`: the report's body now), and the member's
   * window (its own doc and editor, synced with main as the renderer is) with every body
   * it is shown from now on.
   */
  /** With `membersOnly`, the server admits the report's members only, and the secretariat and the member are on its roster. */
  async function aWindowBehind(options: { membersOnly?: boolean } = {}): Promise<{ server: SyncServer; report: OpenReport; older: OpenReport; dir: string; seen: string[]; sent: string }> {
    const server = await aServer({ maxReplyBytes: LIMIT, authorize: options.membersOnly ? membersOnly({ log: silentLogger }) : undefined });
    const dir = tempDir();
    const report = createReportFile(join(dir, 'secretariat.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
    if (options.membersOnly) {
      const person = { group: 'government', region: 'african', development: 'developing', gender: 'woman' } as const;
      addMember(report.doc, { name: 'Secretariat', role: 'secretariat', publicKey: Identity.open(join(dir, 'data-secretariat')).publicKey(), ...person });
      addMember(report.doc, { name: 'Member', role: 'member', publicKey: Identity.open(join(dir, 'data-member')).publicKey(), ...person });
    }
    const older = openReportFile(report.saveCopyAs(join(dir, 'member.plenary')));
    addParagraphs(report.doc, 800, (i) => `${i + 1}. Internet governance is the development and application by governments, the private sector and civil society of shared principles. (${i})`);
    const secretariat = linked(report, join(dir, 'data-secretariat'));
    secretariat.links.connect(server.url);
    await waitFor(() => inSync(secretariat.links), 30_000, 'the report on the server');
    const windowDoc = createReportDoc();
    const editor = new HeadlessPeer(windowDoc, [blockIdPlugin()]);
    cleanups.push(() => editor.destroy());
    cleanups.push(connectToSession(older.session, windowDoc));
    await waitFor(() => bodyOf(windowDoc).toString() === bodyOf(older.doc).toString(), 5_000, 'the window to show the report');
    const seen: string[] = [];
    windowDoc.on('update', () => seen.push(bodyOf(windowDoc).toString()));
    return { server, report, older, dir, seen, sent: bodyOf(report.doc).toString() };
  }

  it("a member's window is shown a first sync that came in parts only once all of it is there", async () => {
    const { server, report, older, dir, seen, sent } = await aWindowBehind();
    // (The server answers in parts: the member lacks more than it sends at once.)
    expect(Y.encodeStateAsUpdate(report.doc, Y.encodeStateVector(older.doc)).length).toBeGreaterThan(LIMIT);

    // A second window opens (or the first reloads) while the parts come in.
    const lateDoc = createReportDoc();
    const lateEditor = new HeadlessPeer(lateDoc, [blockIdPlugin()]);
    cleanups.push(() => lateEditor.destroy());
    const lateSeen: string[] = [];
    lateDoc.on('update', () => lateSeen.push(bodyOf(lateDoc).toString()));
    let opened = false;
    older.doc.on('update', () => {
      if (opened || bodyOf(older.doc).length === 0 || bodyOf(older.doc).toString() === sent) return;
      opened = true;
      cleanups.push(connectToSession(older.session, lateDoc));
    });

    const member = linked(older, join(dir, 'data-member'));
    member.links.connect(server.url);
    await waitFor(() => inSync(member.links), 30_000, 'the member to be in sync');
    await waitFor(() => seen.length > 0 && lateSeen.length > 0, 5_000, 'the windows to be shown the report');
    expect(seen[0]).toBe(sent);
    expect(opened).toBe(true);
    expect(lateSeen.find((body) => body !== '')).toBe(sent);
  });

  /**
   * Links the member's report to the server through a line that breaks once the first
   * part of its first sync is in, and comes back; resolves once the rest has come by a
   * catch-up (the status line counted it).
   */
  async function linkThroughABreak(server: SyncServer, report: OpenReport, older: OpenReport, dataDir: string): Promise<ReturnType<typeof linked>> {
    // About a part a second: the line can break between two.
    const relay = await cuttableLink(server.port, 60 * 1024);
    cleanups.push(() => relay.close());
    const before = bodyOf(older.doc).toString();
    let cut = false;
    older.doc.on('update', () => {
      if (cut || bodyOf(older.doc).toString() === before) return;
      cut = true;
      relay.cut();
      setTimeout(() => relay.restore(), 300);
    });
    const member = linked(older, dataDir);
    member.links.connect(`ws://127.0.0.1:${relay.port}`);
    await waitFor(() => cut && inSync(member.links) && bodyOf(older.doc).length === bodyOf(report.doc).length, 60_000, 'the member to be in sync');
    expect(member.statuses.some((status) => status.transfer !== null && status.server !== null && status.state === 'syncing')).toBe(true);
    return member;
  }

  it('text waiting in the member\'s report that the caught-up rest would let in misplaced is dropped, not let in', async () => {
    const { server, report, older, dir } = await aWindowBehind();
    // "Z" (from a meeting's host, say) waits for the last character of the report's last
    // paragraph, and goes before that paragraph's first one: misplaced once it comes.
    const last = (bodyOf(report.doc).get(bodyOf(report.doc).length - 1) as Y.XmlElement).get(0) as Y.XmlText;
    const first = last._start!.id;
    const end = { client: first.client, clock: first.clock + last.length - 1 };
    Y.applyUpdate(older.doc, craftedUpdate([{ client: 2, text: 'Z', origin: end, rightOrigin: first }]), Origin.remote);
    expect(older.doc.store.pendingStructs).not.toBeNull();
    await linkThroughABreak(server, report, older, join(dir, 'data-member'));
    expect(older.doc.store.pendingStructs).toBeNull();
    expect(bodyOf(older.doc).toString()).toBe(bodyOf(report.doc).toString());
  }, 90_000);

  it("a member's window is not shown the parts of a first sync that broke off midway: it is shown the report once the rest is caught up", async () => {
    const { server, report, older, dir, seen, sent } = await aWindowBehind();
    await linkThroughABreak(server, report, older, join(dir, 'data-member'));
    // The window saw only the whole.
    await waitFor(() => seen.length > 0, 5_000, 'the window to be shown the report');
    // (Then the window's editor gives the new paragraphs ids, as for any report.)
    expect(seen[0]).toBe(sent);
  }, 90_000);

  it('a members-only server lets the member catch up: each connection of the catch-up proves who they are', async () => {
    const { server, report, older, dir } = await aWindowBehind({ membersOnly: true });
    const member = await linkThroughABreak(server, report, older, join(dir, 'data-member'));
    expect(bodyOf(older.doc).toString()).toBe(bodyOf(report.doc).toString());
    expect(member.statuses.some((status) => status.linkEnded !== null)).toBe(false);
  }, 90_000);
});
