/**
 * A standing server that admits each report's members only (`--members-only`): the app
 * proves who its member is with their identity key on every link, and the server's copy
 * of the roster says who comes in — members to write, observers to read only, and
 * nobody else — with messages that say what to do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { syncHandlers, type SyncHandlers } from '../../main/services/sync-handlers.ts';
import { identityKeptIn } from '../../main/services/sync/member-proof.ts';
import { ReportLinks } from '../../main/services/report-links.ts';
import { ServerLinks } from '../../main/services/sync/server-links.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { membersOnly } from '../../main/services/sync/member-access.ts';
import { Identity } from '../../main/services/identity.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { readMeta } from '../../shared/ydoc.ts';
import { addMember, editMember, readRoster, retireMember, type Member } from '../../shared/roster.ts';
import { claimMember } from '../../shared/roster-claim.ts';
import { memberInvitation } from '../../shared/report-address.ts';
import { makeLinkToken } from '../../shared/link-token.ts';
import { generateKeyPair, signBytes } from '../../shared/signing.ts';
import { describeSync } from '../../renderer/sync-ui/sync-status.ts';
import { connectClient, hasRedis, startRedis, startServerProcess, waitFor } from './fixtures/sync/harness.ts';
import { addParagraph, paragraphTexts } from '../unit/helpers/add-paragraph.ts';
import type { LogFields } from '../../main/services/sync/log.ts';
import { MEMBERS_ONLY_RETIRED } from '../../main/services/sync/refusal-message.ts';
import type { RefusedRetryTimes } from '../../main/services/sync/refused-retry.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  closeAllReports();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-members-only-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function handlersFor(report: OpenReport, dataDir: string, identity = identityKeptIn(dataDir)): SyncHandlers {
  cleanups.push(() => ReportLinks.for(report, dataDir, { reconnect: false }).close());
  return syncHandlers({
    report, dataDir, identity, chooseExportPath: (path) => path, chooseExportFolder: (path) => path,
    chooseImportPaths: (paths) => paths, meetingHost: '127.0.0.1',
    join: { folder: join(dataDir, 'Reports'), recentReports: () => [], opened: (joined) => joined.summary() },
  });
}

const person = { group: 'government', region: 'african', development: 'developing', gender: 'woman' } as const;

function enter(doc: Y.Doc, name: string, role: Member['role'], publicKey = ''): Member {
  return addMember(doc, { name, role, publicKey, ...person });
}

async function membersOnlyServer(maxMessageBytes?: number): Promise<{ server: SyncServer; logged: Array<{ event: string; fields: LogFields }> }> {
  const logged: Array<{ event: string; fields: LogFields }> = [];
  const log = (_level: string, event: string, fields: LogFields = {}): void => {
    logged.push({ event, fields });
  };
  const server = await startSyncServer({ dataDir: tempDir(), host: '127.0.0.1', port: 0, log, authorize: membersOnly({ log }), maxMessageBytes });
  cleanups.push(() => server.close());
  return { server, logged };
}

/**
 * The chair's report on a members-only server, with the chair on its roster by their key
 * (and whoever `prepare` enters), sent from the chair's app; `copyFor` saved a copy of it
 * as sent (a member given the file by hand). The chair's app is then closed, so that a
 * member's app in this same process finds no copy here, and the chair goes on as a stock
 * client (`chairClient`) signing with their key.
 */
async function chairOnServer(prepare: (doc: Y.Doc) => void = () => {}, copyFor: string[] = []) {
  const { server, logged } = await membersOnlyServer();
  const dir = tempDir();
  const chairData = join(dir, 'chair');
  const chairKey = Identity.open(chairData);
  const report = createReportFile(join(dir, 'chair.plenary'), BLANK_REPORT_TEMPLATE, { title: 'WGIG report' });
  enter(report.doc, 'Chair', 'chair', chairKey.publicKey());
  prepare(report.doc);
  const reportId = readMeta(report.doc).id;
  const copies = new Map(copyFor.map((name) => [name, report.saveCopyAs(join(dir, `${name}.plenary`))]));
  await handlersFor(report, chairData).connectServer(server.url);
  await waitFor(() => ReportLinks.for(report, chairData).status().state === 'in-sync', 20_000, 'the chair in sync');
  await ReportLinks.for(report, chairData).close();
  closeAllReports();
  const chairClient = async (): Promise<Y.Doc> => {
    const token = makeLinkToken(reportId, { publicKey: chairKey.publicKey(), member: '', sign: (message) => chairKey.sign(message) });
    const client = connectClient(server.url, reportId, { token });
    cleanups.push(() => client.destroy());
    await client.settled();
    return client.doc;
  };
  const serverCopy = async (): Promise<Y.Doc> => {
    const direct = await server.hocuspocus.openDirectConnection(reportId);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(direct.document!));
    await direct.disconnect();
    return copy;
  };
  return { server, logged, dir, reportId, chairKey, chairClient, serverCopy, copies };
}

describe('a members-only server', () => {
  it('lets the report\'s members in by their keys, and refuses anyone else with a message saying what to do, the server\'s copy unchanged', async () => {
    const { server, logged, dir, reportId, chairClient, serverCopy } = await chairOnServer();
    addParagraph(await chairClient(), 'The chair\'s paragraph.');
    await waitFor(async () => paragraphTexts(await serverCopy()).includes('The chair\'s paragraph.'), 20_000, 'the chair\'s edit on the server');
    const before = Y.encodeStateAsUpdate(await serverCopy());

    // A stranger's app (its own key, on no roster) asks for the report by its address.
    const stranger = join(dir, 'stranger');
    const strangerReport = createReportFile(join(dir, 'stranger-start.plenary'), BLANK_REPORT_TEMPLATE);
    await expect(handlersFor(strangerReport, stranger).joinReport(`${server.url}/${reportId}`)).rejects.toThrow(
      `${server.url} admits this report's members only, and its copy of the roster does not hold your key. If you have the report, say which entry is you in Roster ("This is me") and connect again; if not, ask the secretariat for your invitation (Roster → Invite) or the report file.`,
    );
    expect(logged.find(({ event }) => event === 'access.refused')?.fields).toMatchObject({ report: reportId, key: Identity.open(stranger).publicKey(), why: 'not-listed' });
    // A stock client with no token at all, and one with a token that is not one.
    for (const token of [undefined, 'let me in']) {
      const outsider = connectClient(server.url, reportId, { token });
      cleanups.push(() => outsider.destroy());
      outsider.doc.getMap('meta').set('title', 'Defaced');
      await waitFor(() => logged.filter(({ event }) => event === 'access.token_refused').length >= (token ? 2 : 1), 20_000, 'the refusal logged');
    }
    expect(Y.encodeStateAsUpdate(await serverCopy())).toEqual(before);
  });

  it('does not keep a report in memory for connections it refused', async () => {
    const { server, logged, reportId } = await chairOnServer();
    await waitFor(() => !server.hocuspocus.documents.has(reportId), 20_000, 'the report unloaded once the chair left');
    const outsider = connectClient(server.url, reportId, { token: makeLinkToken(reportId, { publicKey: generateKeyPair().publicKey, member: '', sign: () => '00'.repeat(64) }) });
    cleanups.push(() => outsider.destroy());
    const stranger = generateKeyPair();
    const signed = connectClient(server.url, reportId, { token: makeLinkToken(reportId, { publicKey: stranger.publicKey, member: '', sign: (message) => signBytes(message, stranger.privateKey) }) });
    cleanups.push(() => signed.destroy());
    await waitFor(() => logged.some(({ event }) => event === 'access.refused'), 20_000, 'the stranger refused');
    // Loaded to read its roster, then let go of.
    expect(logged.some(({ event }) => event === 'access.token_refused')).toBe(true);
    await waitFor(() => !server.hocuspocus.documents.has(reportId), 15_000, 'the report unloaded again');
  });

  it('lets an observer read the report but takes none of their edits, and their status line says so', async () => {
    const dir = tempDir();
    const observerData = join(dir, 'observer');
    const { server, reportId, chairClient, serverCopy } = await chairOnServer((doc) => {
      enter(doc, 'Observer', 'observer', Identity.open(observerData).publicKey());
      addParagraph(doc, 'For the observers to read.');
    });
    const start = createReportFile(join(dir, 'observer-start.plenary'), BLANK_REPORT_TEMPLATE);
    const joined = await handlersFor(start, observerData).joinReport(`${server.url}/${reportId}`);
    const observerReport = openReportFile(joined.path);
    expect(paragraphTexts(observerReport.doc)).toContain('For the observers to read.');
    handlersFor(observerReport, observerData);
    const links = ReportLinks.for(observerReport, observerData);
    await waitFor(() => links.status().state === 'in-sync', 20_000, 'the observer linked');

    addParagraph(observerReport.doc, 'An observer\'s edit.');
    const chair = await chairClient();
    addParagraph(chair, 'The chair goes on.');
    await waitFor(() => paragraphTexts(observerReport.doc).includes('The chair goes on.'), 20_000, 'the chair\'s edit with the observer');
    await waitFor(() => links.status().state === 'in-sync' && links.status().pending > 0, 20_000, 'the observer in sync, their edit their own');
    expect(describeSync(links.status())).toMatch(/^In sync, read only: the server takes no edits from observers; yours stay here · \d{1,2}:\d\d\b/);
    expect(paragraphTexts(await serverCopy())).not.toContain('An observer\'s edit.');
    expect(paragraphTexts(chair)).not.toContain('An observer\'s edit.');
    expect(paragraphTexts(observerReport.doc)).toContain('An observer\'s edit.');
  });

  it('lets in a member who said which entry is them in their copy before the server heard of it, and their claim reaches the server', async () => {
    let ana: Member | undefined;
    const { server, dir, serverCopy, copies } = await chairOnServer((doc) => {
      ana = enter(doc, 'Ana', 'member');
    }, ['ana']);
    // Ana was given the report by hand, and says which entry is her.
    const anaData = join(dir, 'ana');
    const anaReport = openReportFile(copies.get('ana')!);
    claimMember(anaReport.doc, ana!.id, Identity.open(anaData).publicKey());
    await handlersFor(anaReport, anaData).connectServer(server.url);
    await waitFor(() => ReportLinks.for(anaReport, anaData).status().state === 'in-sync', 20_000, 'Ana in sync');
    addParagraph(anaReport.doc, 'Ana\'s paragraph.');
    await waitFor(async () => paragraphTexts(await serverCopy()).includes('Ana\'s paragraph.'), 20_000, 'Ana\'s edit on the server');
    expect(readRoster(await serverCopy()).get(ana!.id)?.publicKey).toBe(Identity.open(anaData).publicKey());
  });

  it('proves the member a report was linked as, not whoever else the data folder keeps (a browser profile on the browser host)', async () => {
    const dir = tempDir();
    const hostData = join(dir, 'host');
    // The browser host keeps each profile's key pair beside its own (web-identities.ts).
    const profile = Identity.open(join(hostData, 'web-identities', 'ab'.repeat(16)));
    const { server, serverCopy, copies } = await chairOnServer((doc) => {
      enter(doc, 'Ana', 'member', profile.publicKey());
    }, ['ana']);
    const anaReport = openReportFile(copies.get('ana')!);
    await handlersFor(anaReport, hostData, () => profile).connectServer(server.url);
    await waitFor(() => ReportLinks.for(anaReport, hostData).status().state === 'in-sync', 20_000, 'Ana in sync');
    addParagraph(anaReport.doc, 'Ana\'s paragraph.');
    await waitFor(async () => paragraphTexts(await serverCopy()).includes('Ana\'s paragraph.'), 20_000, 'Ana\'s edit on the server');

    // Opened again, the report calls its remembered server as the page that opens it.
    await ReportLinks.for(anaReport, hostData).close();
    const links = ReportLinks.for(anaReport, hostData, { identity: () => profile });
    await waitFor(() => links.status().state === 'in-sync', 20_000, 'Ana in sync again');
    addParagraph(anaReport.doc, 'Ana, the next day.');
    await waitFor(async () => paragraphTexts(await serverCopy()).includes('Ana, the next day.'), 20_000, 'Ana\'s next edit on the server');
    expect(links.status().linkEnded).toBeNull();
  });

  it('tells a member whose identity file is damaged so, and what to do, rather than to ask for access', async () => {
    const { server, dir, reportId, copies } = await chairOnServer(() => {}, ['ana']);
    const anaData = join(dir, 'ana');
    mkdirSync(anaData, { recursive: true });
    writeFileSync(join(anaData, 'identity.json'), '{ damaged');
    const damaged = /could not read your identity key(?: to prove who you are)?: The identity file \S+identity\.json is damaged \(not JSON\)\. Restore it from a backup/;
    // Fetching the report by its address: the dialog's message.
    const start = createReportFile(join(dir, 'ana-start.plenary'), BLANK_REPORT_TEMPLATE);
    await expect(handlersFor(start, anaData).joinReport(`${server.url}/${reportId}`)).rejects.toThrow(damaged);
    // Linking the copy she was given: the status line.
    const anaReport = openReportFile(copies.get('ana')!);
    await handlersFor(anaReport, anaData).connectServer(server.url);
    await waitFor(() => ReportLinks.for(anaReport, anaData).status().linkEnded !== null, 20_000, 'the refusal');
    expect(describeSync(ReportLinks.for(anaReport, anaData).status())).toMatch(damaged);
  });

  /** Cy, entered by the chair without a key, given the report by hand: his copy open, his key made. */
  async function cyGivenTheReport() {
    let cy: Member | undefined;
    const chair = await chairOnServer((doc) => {
      cy = enter(doc, 'Cy', 'member');
    }, ['cy']);
    const cyData = join(chair.dir, 'cy');
    return { ...chair, cy: cy!, cyData, cyKey: Identity.open(cyData).publicKey(), cyReport: openReportFile(chair.copies.get('cy')!) };
  }

  /**
   * Cy, given the report by hand, links to the members-only server before saying which
   * entry is him: refused. `beforeCy` runs on the server's copy first (as the chair);
   * `refusedRetry`, how soon his app asks again.
   */
  async function cyRefused(beforeCy: (chair: Awaited<ReturnType<typeof chairOnServer>>, cy: Member) => Promise<void> = async () => {}, refusedRetry?: RefusedRetryTimes) {
    const chair = await cyGivenTheReport();
    const { cy, cyData, cyKey, cyReport } = chair;
    await beforeCy(chair, cy);
    const links = (): ReportLinks => ReportLinks.for(cyReport, cyData, { reconnect: false, refusedRetry });
    links();
    const handlers = handlersFor(cyReport, cyData);
    await handlers.connectServer(chair.server.url);
    await waitFor(() => links().status().linkEnded !== null, 20_000, 'Cy refused');
    const claim = (): Member => claimMember(cyReport.doc, cy.id, cyKey);
    return { ...chair, links, handlers, claim };
  }

  it('calls again by itself once a browser profile says which entry is it, after a refusal', async () => {
    const { server, cy, cyData, cyReport } = await cyGivenTheReport();
    const profile = Identity.open(join(cyData, 'web-identities', 'cd'.repeat(16)));
    const links = ReportLinks.for(cyReport, cyData, { reconnect: false, identity: () => profile });
    await handlersFor(cyReport, cyData, () => profile).connectServer(server.url);
    await waitFor(() => links.status().linkEnded !== null, 20_000, 'Cy refused');
    claimMember(cyReport.doc, cy.id, profile.publicKey());
    await waitFor(() => links.status().state === 'in-sync', 20_000, 'Cy linked again by itself');
  });

  it('lets in a person the secretariat invited as an entry: their app fetches the report as it, says it is them, and links; the invitation then opens nothing for anyone else', async () => {
    let ana: Member | undefined;
    const { server, dir, reportId, serverCopy } = await chairOnServer((doc) => {
      ana = enter(doc, 'Ana', 'member');
    });
    const invitation = memberInvitation(server.url, reportId, ana!.id);
    const anaData = join(dir, 'ana');
    const start = createReportFile(join(dir, 'ana-start.plenary'), BLANK_REPORT_TEMPLATE);
    const joined = await handlersFor(start, anaData).joinReport(invitation);
    const anaReport = openReportFile(joined.path);
    expect(readRoster(anaReport.doc).get(ana!.id)?.publicKey).toBe(Identity.open(anaData).publicKey());
    const links = ReportLinks.for(anaReport, anaData);
    expect(links.status().server).toBe(server.url);
    await waitFor(() => links.status().state === 'in-sync', 20_000, 'Ana linked');
    addParagraph(anaReport.doc, 'Ana, invited.');
    await waitFor(async () => paragraphTexts(await serverCopy()).includes('Ana, invited.'), 20_000, 'Ana\'s edit on the server');
    expect(readRoster(await serverCopy()).get(ana!.id)?.publicKey).toBe(Identity.open(anaData).publicKey());

    // Forwarded to someone else (on another computer: Ana's copy is not open here), it
    // is Ana's entry now: refused as anyone would be.
    await links.close();
    closeAllReports();
    const other = join(dir, 'other');
    const otherStart = createReportFile(join(dir, 'other-start.plenary'), BLANK_REPORT_TEMPLATE);
    await expect(handlersFor(otherStart, other).joinReport(invitation)).rejects.toThrow(`${server.url} admits this report's members only, and its copy of the roster does not hold your key.`);
  });

  it('takes an invitation entered for a report already here: the entry becomes the member\'s and the report links, the server remembered without it', async () => {
    const { server, reportId, serverCopy, cy, cyData, cyKey, cyReport } = await cyGivenTheReport();
    const status = await handlersFor(cyReport, cyData).connectServer(memberInvitation(server.url, reportId, cy.id));
    expect(status.server).toBe(`${server.url}/${reportId}`);
    expect(readRoster(cyReport.doc).get(cy.id)?.publicKey).toBe(cyKey);
    await waitFor(() => ReportLinks.for(cyReport, cyData).status().state === 'in-sync', 20_000, 'Cy in sync');
    expect(new ServerLinks(cyData).get(reportId)?.url).toBe(`${server.url}/${reportId}`);
    await waitFor(async () => readRoster(await serverCopy()).get(cy.id)?.publicKey === cyKey, 20_000, 'Cy\'s claim on the server');
  });

  it('tells a member with the report who has not said which entry is them how to get in, and links them as soon as they have said it', async () => {
    const { cy, cyKey, cyReport, links, claim, serverCopy } = await cyRefused();
    expect(describeSync(links().status())).toBe('The server admits members only and its roster does not hold your key; say which entry is you in Roster ("This is me") and the app connects again by itself · your edits are kept here');
    // A paragraph typed while refused, then "This is me": no second Connect.
    addParagraph(cyReport.doc, 'Cy\'s paragraph.');
    claim();
    await waitFor(() => links().status().state === 'in-sync', 20_000, 'Cy linked again and in sync');
    expect(links().status().linkEnded).toBeNull();
    await waitFor(async () => paragraphTexts(await serverCopy()).includes('Cy\'s paragraph.'), 20_000, 'Cy\'s paragraph on the server');
    expect(readRoster(await serverCopy()).get(cy.id)?.publicKey).toBe(cyKey);
  });

  it('asks a server that refused a member again by itself, now and then and quietly, and links them once the secretariat has entered their key there', async () => {
    const { server, chairClient, logged, cy, cyData, cyKey, cyReport } = await cyGivenTheReport();
    const links = ReportLinks.for(cyReport, cyData, { reconnect: false, refusedRetry: { firstMs: 300, mostMs: 600 } });
    const shown: string[] = [];
    links.onStatus((status) => shown.push(describeSync(status)));
    await handlersFor(cyReport, cyData).connectServer(server.url);
    await waitFor(() => links.status().linkEnded !== null, 20_000, 'Cy refused');
    const refused = describeSync(links.status());
    const since = shown.length;
    const refusals = (): number => logged.filter(({ event, fields }) => event === 'access.refused' && fields.key === cyKey).length;
    await waitFor(() => refusals() >= 3, 20_000, 'the server asked again');
    // Each call again leaves the status line as it was: no "Connecting…" between refusals.
    expect(new Set(shown.slice(since))).toEqual(new Set([refused]));
    editMember(await chairClient(), cy.id, { publicKey: cyKey });
    await waitFor(() => links.status().state === 'in-sync', 20_000, 'Cy let in at a later call');
    expect(links.status().linkEnded).toBeNull();
  });

  it('stops asking a refusing server once the member disconnects, and does not link them when they later say which entry is them', async () => {
    const { server, handlers, claim, links, logged } = await cyRefused(undefined, { firstMs: 300, mostMs: 300 });
    // Named in the status: the Connect dialog offers Disconnect.
    expect(links().status().server).toBe(server.url);
    await handlers.disconnectServer();
    const asked = logged.filter(({ event }) => event.startsWith('access.')).length;
    claim();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(logged.filter(({ event }) => event.startsWith('access.')).length).toBe(asked);
    expect(links().status().server).toBeNull();
    expect(links().status().state).toBe('not-connected');
  });

  it('does not call a members-only server again and again when a claim does not get the member in', async () => {
    // Cy's entry holds Dee's key on the server: Cy's claim of it in his copy is refused there.
    const dee = generateKeyPair();
    const { cyKey, cyReport, links, claim, logged } = await cyRefused(async ({ chairClient, serverCopy }, cy) => {
      claimMember(await chairClient(), cy.id, dee.publicKey);
      await waitFor(async () => readRoster(await serverCopy()).get(cy.id)?.publicKey === dee.publicKey, 20_000, 'Dee\'s key on the server');
    });
    const refusals = (): number => logged.filter(({ event, fields }) => event === 'access.refused' && fields.key === cyKey).length;
    expect(refusals()).toBe(1);
    claim();
    await waitFor(() => refusals() === 2 && links().status().linkEnded !== null, 20_000, 'Cy refused again');
    // Other roster changes in his copy (names, a colleague entered) call nobody.
    enter(cyReport.doc, 'Eve', 'member');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(refusals()).toBe(2);
    expect(links().status().state).toBe('not-connected');
  });

  it('refuses a retired member, saying so, and leaves their copy as it was', async () => {
    const dir = tempDir();
    const boData = join(dir, 'bo');
    let bo: Member | undefined;
    const { server, chairClient, serverCopy, copies } = await chairOnServer((doc) => {
      bo = enter(doc, 'Bo', 'member', Identity.open(boData).publicKey());
    }, ['bo']);
    retireMember(await chairClient(), bo!.id);
    await waitFor(async () => readRoster(await serverCopy()).get(bo!.id)?.retired !== undefined, 20_000, 'Bo retired on the server');
    const boReport = openReportFile(copies.get('bo')!);
    const before = Y.encodeStateAsUpdate(boReport.doc);
    await handlersFor(boReport, boData).connectServer(server.url);
    await waitFor(() => ReportLinks.for(boReport, boData).status().linkEnded !== null, 20_000, 'Bo refused');
    expect(describeSync(ReportLinks.for(boReport, boData).status())).toBe('The server admits members only and your entry there is retired; ask the secretariat · your edits are kept here');
    expect(Y.encodeStateAsUpdate(boReport.doc)).toEqual(before);
  });

  it('applies a roster edit to the members linked at the time: a member retired is let go of at once, an observer made a member writes, the others are left alone', async () => {
    const dir = tempDir();
    const boData = join(dir, 'bo');
    const deeData = join(dir, 'dee');
    let bo: Member | undefined;
    let dee: Member | undefined;
    const { server, logged, chairKey, chairClient, serverCopy, copies } = await chairOnServer((doc) => {
      bo = enter(doc, 'Bo', 'member', Identity.open(boData).publicKey());
      dee = enter(doc, 'Dee', 'observer', Identity.open(deeData).publicKey());
    }, ['bo', 'dee']);
    const chair = await chairClient();
    const linked = async (name: string, data: string) => {
      const report = openReportFile(copies.get(name)!);
      await handlersFor(report, data).connectServer(server.url);
      const links = ReportLinks.for(report, data);
      await waitFor(() => links.status().state === 'in-sync', 20_000, `${name} in sync`);
      return { report, links };
    };
    const boApp = await linked('bo', boData);
    const deeApp = await linked('dee', deeData);
    expect(deeApp.links.status().readOnly).toBe(true);
    const chairLetIn = (): number => logged.filter(({ event, fields }) => event === 'access.granted' && fields.key === chairKey.publicKey()).length;
    const chairBefore = chairLetIn();

    // The chair retires Bo and makes Dee a member; neither does anything.
    retireMember(chair, bo!.id);
    editMember(chair, dee!.id, { role: 'member' });
    await waitFor(() => boApp.links.status().linkEnded !== null, 20_000, 'Bo let go of');
    expect(describeSync(boApp.links.status())).toBe('The server admits members only and your entry there is retired; ask the secretariat · your edits are kept here');
    await waitFor(() => deeApp.links.status().state === 'in-sync' && !deeApp.links.status().readOnly, 20_000, 'Dee linked again, to write');
    addParagraph(boApp.report.doc, 'Bo, after his retirement.');
    addParagraph(deeApp.report.doc, 'Dee, now a member.');
    await waitFor(async () => paragraphTexts(await serverCopy()).includes('Dee, now a member.'), 20_000, 'Dee\'s edit on the server');
    await waitFor(() => paragraphTexts(chair).includes('Dee, now a member.'), 20_000, 'Dee\'s edit with the chair');
    expect(paragraphTexts(await serverCopy())).not.toContain('Bo, after his retirement.');
    expect(logged.filter(({ event }) => event === 'access.changed').map(({ fields }) => [fields.key, fields.was, fields.now]).sort()).toEqual([
      [Identity.open(boData).publicKey(), 'write', 'retired'],
      [Identity.open(deeData).publicKey(), 'read', 'write'],
    ].sort());
    // The chair's own link, decided the same, was not touched.
    expect(chairLetIn()).toBe(chairBefore);
  });

  it('takes a token once, and refuses one made by a clock far off', async () => {
    const { server, reportId, chairKey, logged } = await chairOnServer();
    const sign = (message: Uint8Array): string => chairKey.sign(message);
    const copied = makeLinkToken(reportId, { publicKey: chairKey.publicKey(), member: '', sign });
    const first = connectClient(server.url, reportId, { token: copied });
    cleanups.push(() => first.destroy());
    await first.settled();
    const again = connectClient(server.url, reportId, { token: copied });
    cleanups.push(() => again.destroy());
    await waitFor(() => logged.some(({ event }) => event === 'access.token_replayed'), 20_000, 'the second use refused');
    expect(again.provider.isSynced).toBe(false);

    const skewed = makeLinkToken(reportId, { publicKey: chairKey.publicKey(), member: '', sign }, new Date(Date.now() - 60 * 60_000));
    const late = connectClient(server.url, reportId, { token: skewed });
    cleanups.push(() => late.destroy());
    await waitFor(() => logged.some(({ event, fields }) => event === 'access.token_refused' && fields.problem === 'clock'), 20_000, 'the skewed token refused');
    expect(late.provider.isSynced).toBe(false);
  });

  it('takes a report too large for one message in parts, each part with the member\'s proof', async () => {
    const { server, logged } = await membersOnlyServer(64 * 1024);
    const dir = tempDir();
    const chairData = join(dir, 'chair');
    const report = createReportFile(join(dir, 'chair.plenary'), BLANK_REPORT_TEMPLATE);
    enter(report.doc, 'Chair', 'chair', Identity.open(chairData).publicKey());
    for (let i = 0; i < 300; i++) addParagraph(report.doc, `Paragraph ${i}: ${'the stakeholders in their respective roles '.repeat(6)}`);
    expect(Y.encodeStateAsUpdate(report.doc).length).toBeGreaterThan(64 * 1024);
    await handlersFor(report, chairData).connectServer(server.url);
    await waitFor(() => ReportLinks.for(report, chairData).status().state === 'in-sync', 60_000, 'the report sent in parts, and linked');
    const direct = await server.hocuspocus.openDirectConnection(readMeta(report.doc).id);
    expect(paragraphTexts(direct.document!)).toEqual(paragraphTexts(report.doc));
    await direct.disconnect();
    expect(logged.filter(({ event }) => event === 'access.granted').length).toBeGreaterThan(1);
    expect(logged.some(({ event }) => event === 'access.token_refused')).toBe(false);
  });

  it('a member refused while their backlog goes in parts (retired meanwhile) is told why by the link called again, and not called after', async () => {
    // The link is let in and sends its first sync, too large; the parts' connection is refused,
    // and so is the link that calls again after them, with the refusal the member is shown.
    let asked = 0;
    const server = await startSyncServer({
      dataDir: tempDir(), host: '127.0.0.1', port: 0, log: () => {}, maxMessageBytes: 64 * 1024,
      authorize: () => (++asked === 1 ? 'write' : { deny: MEMBERS_ONLY_RETIRED }),
    });
    cleanups.push(() => server.close());
    const dir = tempDir();
    const boData = join(dir, 'bo');
    const report = createReportFile(join(dir, 'bo.plenary'), BLANK_REPORT_TEMPLATE);
    for (let i = 0; i < 300; i++) addParagraph(report.doc, `Paragraph ${i}: ${'the stakeholders in their respective roles '.repeat(6)}`);
    const before = Y.encodeStateAsUpdate(report.doc);
    await handlersFor(report, boData).connectServer(server.url);
    await waitFor(() => ReportLinks.for(report, boData).status().linkEnded !== null, 30_000, 'the parts to stop');
    expect(describeSync(ReportLinks.for(report, boData).status())).toBe('The server admits members only and your entry there is retired; ask the secretariat · your edits are kept here');
    const calls = asked;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(asked).toBe(calls);
    expect(Y.encodeStateAsUpdate(report.doc)).toEqual(before);
  });

  it('is what `npm run server -- --members-only` starts', async () => {
    const server = await startServerProcess({ dataDir: tempDir(), args: ['--members-only'] });
    cleanups.push(() => server.stop('SIGKILL'));
    const dir = tempDir();
    const chairData = join(dir, 'chair');
    const report = createReportFile(join(dir, 'chair.plenary'), BLANK_REPORT_TEMPLATE);
    enter(report.doc, 'Chair', 'chair', Identity.open(chairData).publicKey());
    await handlersFor(report, chairData).connectServer(server.url);
    await waitFor(() => ReportLinks.for(report, chairData).status().state === 'in-sync', 20_000, 'the chair in sync');
    const outsider = connectClient(server.url, readMeta(report.doc).id);
    cleanups.push(() => outsider.destroy());
    await waitFor(() => server.logLines.some((line) => line.includes('"access.token_refused"')), 20_000, 'the outsider refused');
    expect(server.logLines.some((line) => line.includes('"server.access"') && line.includes('"membersOnly":true'))).toBe(true);
  });
});

describe.skipIf(!hasRedis)('members-only servers through Redis', () => {
  it('let a member on one process and a member on the other work together, refuse a stranger on either, take a token once across both, and let go of a member retired on the other', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const dataDir = tempDir();
    const [one, two] = [
      await startServerProcess({ dataDir, args: ['--members-only', '--redis', redis.url] }),
      await startServerProcess({ dataDir, args: ['--members-only', '--redis', redis.url] }),
    ];
    cleanups.push(() => one.stop('SIGTERM'), () => two.stop('SIGTERM'));
    const dir = tempDir();
    const [chairData, anaData] = [join(dir, 'chair'), join(dir, 'ana')];
    const report = createReportFile(join(dir, 'chair.plenary'), BLANK_REPORT_TEMPLATE);
    enter(report.doc, 'Chair', 'chair', Identity.open(chairData).publicKey());
    enter(report.doc, 'Ana', 'member', Identity.open(anaData).publicKey());
    const anaReport = openReportFile(report.saveCopyAs(join(dir, 'ana.plenary')));
    await handlersFor(report, chairData).connectServer(one.url);
    await waitFor(() => ReportLinks.for(report, chairData).status().state === 'in-sync', 20_000, 'the chair in sync on one process');
    await handlersFor(anaReport, anaData).connectServer(two.url);
    await waitFor(() => ReportLinks.for(anaReport, anaData).status().state === 'in-sync', 20_000, 'Ana in sync on the other');
    addParagraph(report.doc, 'From the chair, on one process.');
    addParagraph(anaReport.doc, 'From Ana, on the other.');
    await waitFor(() => paragraphTexts(report.doc).includes('From Ana, on the other.') && paragraphTexts(anaReport.doc).includes('From the chair, on one process.'), 30_000, 'both edits on both copies');
    const reportId = readMeta(report.doc).id;
    for (const server of [one, two]) {
      const stranger = generateKeyPair();
      const outsider = connectClient(server.url, reportId, { token: makeLinkToken(reportId, { publicKey: stranger.publicKey, member: '', sign: (message) => signBytes(message, stranger.privateKey) }) });
      cleanups.push(() => outsider.destroy());
      outsider.doc.getMap('meta').set('title', 'Defaced');
      await waitFor(() => server.logLines.some((line) => line.includes('"access.refused"') && line.includes(stranger.publicKey)), 20_000, 'the stranger refused');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readMeta(report.doc).title).not.toBe('Defaced');
    expect(readMeta(anaReport.doc).title).not.toBe('Defaced');

    // A token one process took (say, copied off a ws:// line) opens nothing on the other.
    const chairKey = Identity.open(chairData);
    const token = makeLinkToken(reportId, { publicKey: chairKey.publicKey(), member: '', sign: (message) => chairKey.sign(message) });
    const first = connectClient(one.url, reportId, { token });
    cleanups.push(() => first.destroy());
    await first.settled();
    const copied = connectClient(two.url, reportId, { token });
    cleanups.push(() => copied.destroy());
    await waitFor(() => two.logLines.some((line) => line.includes('"access.token_replayed"')), 20_000, 'the copied token refused on the other process');
    expect(copied.provider.isSynced).toBe(false);

    // The chair, on one process, retires Ana: the other process lets her go at once.
    const ana = [...readRoster(report.doc).values()].find((member) => member.name === 'Ana')!;
    retireMember(report.doc, ana.id);
    await waitFor(() => ReportLinks.for(anaReport, anaData).status().linkEnded !== null, 20_000, 'Ana let go of by the other process');
    expect(two.logLines.some((line) => line.includes('"access.changed"') && line.includes(Identity.open(anaData).publicKey()))).toBe(true);
  });
});
