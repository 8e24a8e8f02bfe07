/**
 * One seeded presence session: four members' copies of a report, each in the app's own
 * services (open report, session, links) with windows on its session, linked to a real
 * sync server through lines that can be cut; Ana also hosts a meeting that Chen and Dalia
 * may move to. Random steps: lines cut and restored, links moved between the server, the
 * meeting and none, windows opened, closed (with or without a goodbye) and reloaded,
 * carets moved, the meeting stopped and started again. At the end, one member may drop off
 * the network for good and another leave.
 *
 * Through Redis (`{ throughRedis: true }`), the server is two server processes sharing
 * reports through a real redis-server, and each member is linked to one of them.
 *
 * Then, once every link is in sync and the departure grace is over, every window must
 * show exactly who is there: its own member's windows, and those its link reaches (a
 * server's members see each other; a meeting's guests see each other and the host's
 * windows; the host sees both). Someone who left, however they left, is no longer shown;
 * someone still there is.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as prng from 'lib0/prng';
import { createReportFile, openReportFile, type OpenReport } from '../../../main/services/open-report.ts';
import { syncHandlers, type SyncHandlers } from '../../../main/services/sync-handlers.ts';
import { identityKeptIn } from '../../../main/services/sync/member-proof.ts';
import { ReportLinks } from '../../../main/services/report-links.ts';
import { startSyncServer } from '../../../main/services/sync/server.ts';
import { silentLogger } from '../../../main/services/sync/log.ts';
import { DEPARTURE_GRACE_MS } from '../../../main/services/awareness-relay.ts';
import { BLANK_REPORT_TEMPLATE } from '../../../shared/report-template.ts';
import { cuttableLink, startRedis, startServerProcess, tempDir, waitFor, type Relay } from '../fixtures/sync/harness.ts';
import { namesIn, windowOf } from '../session-peer.ts';

type LinkedTo = 'server' | 'meeting' | 'none';

type PresenceWindow = ReturnType<typeof windowOf> & { readonly name: string };

interface Member {
  readonly name: string;
  readonly report: OpenReport;
  readonly dataDir: string;
  readonly handlers: SyncHandlers;
  readonly serverLine: Relay;
  /** To the meeting running now (guests only). */
  meetingLine: Relay | null;
  windows: PresenceWindow[];
  linkedTo: LinkedTo;
  /** A server is remembered for the report: leaving a meeting goes back to it. */
  rememberedServer: boolean;
  cut: boolean;
}

export interface PresenceSessionResult {
  /** What the session did, step by step (to read a failure by). */
  readonly steps: string[];
  /** Windows that do not show who is there, or an empty list. */
  readonly problems: string[];
}

const STEPS = 20;
const LONGEST_PAUSE_MS = 1_500;

const openWindow = (report: OpenReport, name: string): PresenceWindow => ({ name, ...windowOf(report.session, name) });

export interface PresenceSessionOptions {
  /** Two server processes sharing reports through Redis instead of one server. */
  readonly throughRedis?: boolean;
}

/** The ports of the standing server: one, or two processes behind one Redis. */
async function startServers(dataDir: string, throughRedis: boolean, cleanups: Array<() => unknown>): Promise<number[]> {
  if (!throughRedis) {
    const server = await startSyncServer({ dataDir, host: '127.0.0.1', port: 0, log: silentLogger });
    cleanups.push(() => server.close());
    return [Number(new URL(server.url).port)];
  }
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  const ports: number[] = [];
  for (let i = 0; i < 2; i++) {
    const server = await startServerProcess({ dataDir, args: ['--redis', redis.url] });
    cleanups.push(() => server.stop('SIGTERM'));
    ports.push(server.port);
  }
  return ports;
}

export async function runPresenceSession(seed: number, options: PresenceSessionOptions = {}): Promise<PresenceSessionResult> {
  const gen = prng.create(seed);
  const pick = <T>(items: readonly T[]): T => prng.oneOf(gen, items as T[]);
  const chance = (p: number): boolean => prng.real53(gen) < p;
  const steps: string[] = [];
  const cleanups: Array<() => unknown> = [];
  const dir = tempDir('plenary-presence-fuzz-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const serverPorts = await startServers(join(dir, 'server'), options.throughRedis ?? false, cleanups);
    const original = createReportFile(join(dir, 'Ana.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
    const members: Member[] = [];
    for (const name of ['Ana', 'Bo', 'Chen', 'Dalia']) {
      const report = name === 'Ana' ? original : openReportFile(original.saveCopyAs(join(dir, `${name}.plenary`)));
      cleanups.push(() => report.close());
      const dataDir = join(dir, `data-${name}`);
      const handlers = syncHandlers({
        report, dataDir, identity: identityKeptIn(dataDir), meetingHost: '127.0.0.1',
        chooseExportPath: (path) => path, chooseExportFolder: (path) => path, chooseImportPaths: (paths) => paths,
        join: { folder: join(dataDir, 'Reports'), recentReports: () => [], opened: (joined) => joined.summary() },
      });
      // (Drawn only through Redis, so that a seed takes the same steps on one server as before.)
      const serverIndex = serverPorts.length > 1 ? prng.uint32(gen, 0, serverPorts.length - 1) : 0;
      if (serverPorts.length > 1) steps.push(`${name} uses server process ${serverIndex + 1}`);
      const serverLine = await cuttableLink(serverPorts[serverIndex]!);
      cleanups.push(() => serverLine.close());
      cleanups.push(() => ReportLinks.for(report, dataDir, { reconnect: false }).close());
      const member: Member = { name, report, dataDir, handlers, serverLine, meetingLine: null, windows: [openWindow(report, name)], linkedTo: 'server', rememberedServer: true, cut: false };
      cleanups.push(() => member.windows.forEach((window) => window.close(false)));
      members.push(member);
      handlers.connectServer(`ws://127.0.0.1:${serverLine.port}`);
    }
    const [host] = members as [Member, ...Member[]];
    const guests = members.slice(2);

    let meetingCode: string | null = null;
    const startMeeting = async (): Promise<void> => {
      const meeting = await host.handlers.hostMeeting();
      meetingCode = meeting.code;
      for (const guest of guests) {
        guest.meetingLine?.close();
        const line = await cuttableLink(Number(new URL(meeting.url).port));
        if (guest.cut) line.cut();
        cleanups.push(() => line.close());
        guest.meetingLine = line;
      }
      steps.push('Ana starts a meeting');
    };
    await startMeeting();
    const addressOf = (member: Member, to: LinkedTo): string =>
      to === 'server' ? `ws://127.0.0.1:${member.serverLine.port}` : `ws://127.0.0.1:${member.meetingLine?.port}#${meetingCode}`;
    /** Unlinks: leaving a meeting goes back to the remembered server, leaving a server forgets it. */
    const leave = async (member: Member): Promise<void> => {
      await member.handlers.disconnectServer();
      if (member.linkedTo === 'server') member.rememberedServer = false;
      member.linkedTo = member.linkedTo === 'meeting' && member.rememberedServer ? 'server' : 'none';
    };
    const inSync = (member: Member): boolean => ReportLinks.for(member.report, member.dataDir).status().state === 'in-sync';
    const setCut = (member: Member, cut: boolean): void => {
      for (const line of [member.serverLine, member.meetingLine]) {
        if (cut) line?.cut();
        else line?.restore();
      }
      member.cut = cut;
    };

    for (let step = 0; step < STEPS; step++) {
      const member = pick(members);
      const roll = prng.real53(gen);
      if (roll < 0.3) {
        setCut(member, !member.cut);
        steps.push(`${member.name}'s line ${member.cut ? 'cut' : 'restored'}`);
      } else if (roll < 0.5) {
        const canMeet = guests.includes(member) && meetingCode !== null;
        const to = pick((['server', 'meeting', 'none'] as LinkedTo[]).filter((t) => t !== member.linkedTo && (t !== 'meeting' || canMeet)));
        if (to === 'none') {
          await leave(member);
        } else {
          // (It returns at once; the link connects, or keeps trying while the line is cut.)
          member.handlers.connectServer(addressOf(member, to));
          if (to === 'server') member.rememberedServer = true;
          member.linkedTo = to;
        }
        steps.push(`${member.name} links to ${to} (now ${member.linkedTo})`);
      } else if (roll < 0.55 && member === host && guests.every((guest) => guest.linkedTo !== 'meeting' || inSync(guest))) {
        // (Only while every guest is there to hear it end: one whose line is down keeps
        // calling the meeting, as for a host's laptop that went to sleep.)
        if (meetingCode !== null) {
          await host.handlers.stopMeeting();
          meetingCode = null;
          for (const guest of guests) {
            if (guest.linkedTo === 'meeting') guest.linkedTo = guest.rememberedServer ? 'server' : 'none';
          }
          steps.push('Ana stops the meeting');
        } else {
          await startMeeting();
        }
      } else if (roll < 0.65) {
        if (member.windows.length < 2) {
          member.windows.push(openWindow(member.report, member.name));
          steps.push(`${member.name} opens a window`);
        } else {
          const goodbye = chance(0.5);
          member.windows.shift()?.close(goodbye);
          steps.push(`${member.name} closes a window${goodbye ? '' : ' (crash)'}`);
        }
      } else if (roll < 0.75 && member.windows.length > 0) {
        const goodbye = chance(0.5);
        member.windows.shift()?.close(goodbye);
        member.windows.push(openWindow(member.report, member.name));
        steps.push(`${member.name} reloads a window${goodbye ? '' : ' (crash)'}`);
      } else if (roll < 0.8 && member.windows.length > 0) {
        member.windows.shift()?.close(true);
        steps.push(`${member.name} closes a window`);
      } else if (member.windows.length > 0) {
        member.windows[0]?.awareness.setLocalStateField('cursor', { at: prng.uint32(gen, 0, 100) });
        steps.push(`${member.name} moves the caret`);
      }
      await sleep(prng.uint32(gen, 0, LONGEST_PAUSE_MS));
    }

    for (const member of members.filter((m) => m.cut)) setCut(member, false);
    steps.push('every line restored');
    const gone = chance(0.8) ? pick(members.slice(1)) : null;
    if (gone) {
      setCut(gone, true);
      steps.push(`${gone.name} drops off the network for good`);
    }
    const leaver = members.find((m) => m !== gone && m.linkedTo !== 'none' && chance(0.3));
    if (leaver) {
      await leave(leaver);
      steps.push(`${leaver.name} leaves (now ${leaver.linkedTo})`);
    }

    const reachable = members.filter((m) => m !== gone);
    await waitFor(() => reachable.every((m) => m.linkedTo === 'none' || inSync(m)), 45_000, 'every link in sync');
    await sleep(DEPARTURE_GRACE_MS + 3_000);

    const onServer = reachable.filter((m) => m.linkedTo === 'server');
    const inMeeting = reachable.filter((m) => m.linkedTo === 'meeting');
    const problems: string[] = [];
    for (const member of members) {
      const reached = member === gone ? [member]
        : member === host ? [...new Set([host, ...(host.linkedTo === 'server' ? onServer : []), ...inMeeting])]
        : member.linkedTo === 'server' ? onServer
        : member.linkedTo === 'meeting' ? [...inMeeting, host]
        : [member];
      const expected = reached.flatMap((m) => m.windows.map((window) => window.name)).sort();
      for (const window of member.windows) {
        const shown = namesIn(window.awareness).sort();
        if (shown.join() !== expected.join()) problems.push(`${member.name}'s window shows ${shown.join(', ')}; there are ${expected.join(', ')}`);
      }
    }
    return { steps, problems };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
