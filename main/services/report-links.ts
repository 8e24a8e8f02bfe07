/**
 * An open report's links beyond this machine, for the UI: the sync server it is
 * connected to (H6's ServerLink, remembered per report in the data folder and
 * reconnected when the report opens again) and the meeting this app hosts for it
 * (H6's startMeeting). One ReportLinks per OpenReport, shared by every window or page
 * that edits it; its status is pushed to them as `syncStatus` HostEvents.
 *
 * Loss of the network is silent: the link retries with backoff and only the status
 * changes; edits go on into the report file and reach the server on reconnect.
 */
import { basename } from 'node:path';
import * as Y from 'yjs';
import type { SyncStatusView, MeetingInfo, PartsReason } from '../../shared/sync-requests.ts';
import { ApiError } from '../../shared/api.ts';
import { Origin, readMeta } from '../../shared/ydoc.ts';
import type { OpenReport } from './open-report.ts';
import { applyDroppingMisplacedWaiting } from './sync/neighbour-order-guard.ts';
import { ServerLink, type SyncStatus } from './sync/client.ts';
import { ServerLinks } from './sync/server-links.ts';
import { MEETING_ENDED, meetingInterfaces, parseInvite, startMeeting, type Meeting, type MeetingGuests } from './sync/meeting-host.ts';
import { isEveryAddress } from './sync/meeting-address.ts';
import { isValidReportId } from '../../shared/report-id.ts';
import type { Awareness } from 'y-protocols/awareness';
import { relayAwareness, type AwarenessRelay } from './awareness-relay.ts';
import { identityKeptIn, memberCredential, memberKey, type LinkIdentity } from './sync/member-proof.ts';
import { keyProblemOf, toMeeting, type LinkCredential } from './sync/link-credential.ts';
import { callAgainOnClaim, mendedByClaim } from './sync/call-again-on-claim.ts';
import { RefusedRetry, type RefusedRetryTimes } from './sync/refused-retry.ts';
import { refusalNote, tooLargeNote } from './sync/refusal-message.ts';
import { CloseCode } from './sync/frame-guard.ts';
import { BacklogInParts, type LinkedTo, type PartsEnd } from './sync/backlog-in-parts.ts';
import { fetchReport, FetchReportError } from './sync/fetch-report.ts';
import { MIN_REPLY_PART_BYTES, partsAfterBreak, RESUME_AFTER_BYTES } from './sync/reply-parts.ts';
import { listenProblem } from './sync/listen-problem.ts';

/**
 * A first sync that broke off after this much of the report's backlog was handed over to
 * go goes in parts (the smallest parts a server's answer comes in: smaller would gain less
 * than they cost).
 */
const SEND_IN_PARTS_AFTER_BYTES = MIN_REPLY_PART_BYTES;
const byReport = new WeakMap<OpenReport, ReportLinks>();

/** The rest of a first sync that broke off, being fetched in parts (its link waits until it is done). */
interface CatchUpInProgress extends LinkedTo {
  received: number;
  /** Calls the fetch off (another link, or none, taken meanwhile). */
  abort: AbortController;
  /** Shows the windows what the broken-off sync had brought (held until the catch-up ends: ServerLink.keepHeldPastClose). */
  releaseHeld: () => void;
}

/** The meeting invitation an address is (it has a `#code`), or null for a server's; a cut-off one is refused. */
export function inviteIn(address: string): ReturnType<typeof parseInvite> {
  if (!address.includes('#')) return null;
  const invite = parseInvite(address);
  if (!invite) throw new ApiError('This meeting invitation is not complete: it ends with # and the 6-character code.');
  return invite;
}

interface LinkOptions {
  /** Interface a meeting listens on, as the browser host's --meeting-host or the app's PLENARY_MEETING_HOST give it; tests use 127.0.0.1. */
  meetingHost?: string;
  /** Whom links prove until someone links the report as themselves; default the user whose identity `dataDir` keeps. */
  identity?: LinkIdentity;
  refusedRetry?: RefusedRetryTimes;
}

function infoOf(meeting: Meeting): MeetingInfo {
  const guests = meeting.guests();
  return { url: meeting.url, code: meeting.code, invite: meeting.invite, shortInvite: meeting.shortInvite, addressGone: meeting.addressGone(), guests: guests.count, guestNames: guests.names };
}

export class ReportLinks {
  private readonly report: OpenReport;
  private readonly remembered: ServerLinks;
  private link: ServerLink | null = null;
  private relay: AwarenessRelay | null = null;
  private linkStatus: SyncStatus | null = null;
  private meeting: Meeting | null = null;
  private meetingStarting: Promise<MeetingInfo> | null = null;
  /** The report's backlog going to its server in parts (its link waits until it is through). */
  private readonly parts: BacklogInParts;
  /** The rest of a first sync that broke off, being fetched into a copy (see catchUp). */
  private catchingUp: CatchUpInProgress | null = null;
  /**
   * Why the last link ended by the other side's doing (the host ended the meeting, the
   * code or access was refused), shown until the report is linked anew; `at` only for an
   * end the member did not cause (a meeting ended).
   */
  private ended: { why: string; at: Date | null } | null = null;
  /** Stops waiting for the member to say which entry is them, to link again (call-again-on-claim.ts). */
  private stopWaitingForClaim: (() => void) | null = null;
  /** When a server that refused the member is asked again by itself (refused-retry.ts). */
  private readonly refusedRetry: RefusedRetry;
  /**
   * The server whose refusal is shown and which is being asked again: the status names it
   * (the Connect dialog then offers Disconnect, which stops the calls, and forgets it).
   */
  private refusedBy: string | null = null;
  private readonly listeners = new Set<(status: SyncStatusView) => void>();
  /** Interface a meeting listens on; tests use 127.0.0.1. */
  private readonly meetingHost: string | undefined;

  /**
   * Whom the report's links to a standing server prove (member-proof.ts): whoever linked
   * it last (in the browser host, the page's profile), else whoever first opened it here.
   */
  private identity: LinkIdentity;

  private constructor(report: OpenReport, dataDir: string, options: LinkOptions) {
    this.report = report;
    this.refusedRetry = new RefusedRetry(options.refusedRetry);
    this.identity = options.identity ?? identityKeptIn(dataDir);
    this.remembered = new ServerLinks(dataDir);
    this.meetingHost = options.meetingHost;
    this.parts = new BacklogInParts({
      doc: report.doc,
      reportId: () => this.reportId(),
      presence: (remote) => this.relayPresence(remote),
      onChange: () => this.emit(),
      onEnd: (end, linkedTo) => this.partsEnded(end, linkedTo),
    });
  }

  /** The links of `report`, made (and its remembered server reconnected) on first use. */
  static for(report: OpenReport, dataDir: string, options: LinkOptions & { reconnect?: boolean } = {}): ReportLinks {
    let links = byReport.get(report);
    if (!links) {
      links = new ReportLinks(report, dataDir, options);
      byReport.set(report, links);
      if (options.reconnect !== false) links.reconnectRemembered();
    }
    return links;
  }

  /**
   * The link is the app's own call to a server that refused the member (refused-retry.ts,
   * call-again-on-claim.ts): the refusal stays shown, unchanged (a screen reader hears
   * nothing), until the server lets it in.
   */
  private get askingAgain(): boolean {
    return this.link !== null && this.refusedBy !== null;
  }

  /** Relays who is in the report here to and from a link's awareness (the link's own, a catch-up's, a send's). */
  private relayPresence(remote: Awareness): AwarenessRelay {
    return relayAwareness(this.report.session.awareness, remote);
  }

  private reportId(): string {
    const id = readMeta(this.report.doc).id || this.report.summary().id;
    if (!isValidReportId(id)) throw new ApiError(`“${basename(this.report.path)}” has no report id a server can use.`);
    return id;
  }

  private reconnectRemembered(): void {
    try {
      const record = this.remembered.get(this.reportId());
      if (record) this.connect(record.url);
    } catch {
      // No usable id or list: the report simply stays unlinked.
    }
  }

  status(): SyncStatusView {
    const meeting = this.meeting ? infoOf(this.meeting) : null;
    const ended = { linkEnded: this.ended?.why ?? null, linkEndedAt: this.ended?.at?.toISOString() ?? null };
    // A send in parts or a catch-up: the link waits, and the status line counts what moved.
    const underway = this.parts.underway ?? this.catchingUp;
    if (underway) {
      const { url } = underway;
      const inMeeting = toMeeting(underway.credential);
      const lastSyncAt = inMeeting ? null : this.safeRemembered()?.lastSyncAt ?? null;
      const parts = this.parts.view();
      const sendingInParts = parts ? { sent: parts.sent, total: parts.total, why: parts.why } : null;
      const transfer = this.catchingUp ? { received: this.catchingUp.received, sent: 0 } : null;
      return { state: parts?.waiting ? 'offline' : 'syncing', pending: 0, lastSyncAt, server: url, inMeeting, ...ended, problem: null, meeting, sendingInParts, transfer, readOnly: false };
    }
    if (!this.link || !this.linkStatus || this.askingAgain) {
      const record = this.safeRemembered();
      return { state: 'not-connected', pending: 0, lastSyncAt: record?.lastSyncAt ?? null, server: this.refusedBy, inMeeting: false, ...ended, problem: null, meeting, sendingInParts: null, transfer: null, readOnly: false };
    }
    const s = this.linkStatus;
    return { state: s.state, pending: s.pending, lastSyncAt: s.lastSyncAt?.toISOString() ?? null, server: this.link.url, inMeeting: this.link.inMeeting, ...ended, problem: s.problem, meeting, sendingInParts: null, transfer: s.transfer, readOnly: s.readOnly };
  }

  private safeRemembered(): { lastSyncAt?: string } | undefined {
    try {
      return this.remembered.get(this.reportId());
    } catch {
      return undefined;
    }
  }

  onStatus(listener: (status: SyncStatusView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const status = this.status();
    for (const listener of [...this.listeners]) listener(status);
  }

  /**
   * Links to a server, or to a meeting by its invitation (`ws://HOST:N/<report id>#<code>`,
   * or `ws://HOST:N#<code>` for this report), proving `as` to a server (else whoever
   * linked it before). `askingAgain`: a server that refused the member, called again by
   * the app itself.
   */
  connect(address: string, { as, askingAgain = false }: { as?: LinkIdentity; askingAgain?: boolean } = {}): SyncStatusView {
    const reportId = this.reportId();
    const invite = inviteIn(address);
    if (invite && invite.reportId !== null && invite.reportId !== reportId) {
      throw new ApiError(`This invitation is for another report (${invite.reportId}); open that report to join the meeting.`);
    }
    const url = invite ? invite.url : address;
    if (as) this.identity = as;
    this.closeLink();
    if (!askingAgain) {
      this.ended = null;
      this.refusedBy = null;
      this.refusedRetry.reset();
    }
    const credential: LinkCredential = invite ? { meetingCode: invite.code } : memberCredential(this.identity, reportId, this.report.doc);
    const link = new ServerLink({
      url, reportId, doc: this.report.doc, credential, links: invite ? undefined : this.remembered,
      holdUntilSynced: (origin) => this.report.session.holdUpdatesFrom(origin),
    });
    const linkedTo: LinkedTo = { url, address, credential };
    // (Handled after the provider has finished with the event it is telling us about.)
    link.onClosed((code, refusedHere, midSync) => {
      if (invite && code === MEETING_ENDED.code) queueMicrotask(() => this.endedByOtherSide(link, 'The meeting ended', new Date()));
      // Calling again would exchange the same too-large message again, every time. One
      // this app sent goes in parts instead; one it was sent cannot.
      else if (code === CloseCode.tooLarge && refusedHere) queueMicrotask(() => this.endedByOtherSide(link, tooLargeNote(invite !== null)));
      else if (code === CloseCode.tooLarge && this.link === link && !this.parts.underway) {
        // Begun at once: right after this event the provider reports the link offline,
        // which the status line (and a screen reader) would otherwise say first.
        this.beginParts(linkedTo, midSync.serverState, 'too-large', Infinity);
      } else if (midSync.received >= RESUME_AFTER_BYTES && this.link === link && !this.parts.underway && !this.catchingUp) {
        const catchingUp: CatchUpInProgress = { ...linkedTo, received: midSync.received, abort: new AbortController(), releaseHeld: link.keepHeldPastClose() };
        this.catchingUp = catchingUp;
        queueMicrotask(() => void this.catchUp(catchingUp));
      } else if (midSync.sent >= SEND_IN_PARTS_AFTER_BYTES && this.link === link && !this.parts.underway && !this.catchingUp) {
        // A large backlog broke off on its way: the next connection would send it whole
        // again, and a line that drops sooner would never let it through. In parts, each
        // stays on the server as it arrives.
        this.beginParts(linkedTo, midSync.serverState, 'line-drops', partsAfterBreak(midSync.sent));
      }
    });
    link.onRefused((reason) => {
      const note = refusalNote({ meeting: invite !== null, reason, keyProblem: keyProblemOf(credential) });
      queueMicrotask(() => {
        if (this.link !== link) return;
        if (!invite) this.refusedBy = url;
        this.endedByOtherSide(link, note);
        if (invite) return;
        this.refusedRetry.schedule(() => this.connect(address, { askingAgain: true }));
        const key = memberKey(this.identity);
        if (key && mendedByClaim(reason)) this.stopWaitingForClaim = callAgainOnClaim(this.report.doc, key, () => this.connect(address));
      });
    });
    link.onLetIn(() => {
      if (this.link !== link || !this.askingAgain) return;
      this.ended = null;
      this.refusedBy = null;
      this.refusedRetry.reset();
      this.emit();
    });
    this.link = link;
    const remote = link.awareness;
    if (remote) this.relay = this.relayPresence(remote);
    this.linkStatus = link.status;
    link.onStatus((status) => {
      if (this.link !== link) return;
      // A (re)connected link learns who is here again.
      if ((status.state === 'syncing' || status.state === 'in-sync') && this.linkStatus?.state !== 'syncing' && this.linkStatus?.state !== 'in-sync') this.relay?.announce();
      this.linkStatus = status;
      this.emit();
    });
    this.emit();
    return this.status();
  }

  private beginParts(linkedTo: LinkedTo, serverState: Uint8Array | null, why: PartsReason, maxPartBytes: number): void {
    // (The link closes after the event it is telling us about, and before the first try;
    // not if another was taken meanwhile.)
    const link = this.link;
    queueMicrotask(() => {
      if (this.link === link) this.stopLink();
    });
    this.parts.begin(linkedTo, serverState, why, maxPartBytes);
  }

  /**
   * The backlog went in parts (link again: its own exchange carries what was typed
   * meanwhile), or the meeting ended meanwhile, or the server refuses even small parts.
   */
  private partsEnded(end: PartsEnd, { address }: LinkedTo): void {
    if (end.kind === 'link-again') this.connect(address);
    else if (end.kind === 'meeting-ended') this.meetingEnded();
    else {
      this.ended = { why: end.why, at: null };
      this.emit();
    }
  }

  private closeLink(): void {
    this.stopWaitingForClaim?.();
    this.stopWaitingForClaim = null;
    this.refusedRetry.cancel();
    if (this.catchingUp) {
      this.catchingUp.abort.abort();
      this.catchingUp = null;
    }
    this.parts.cancel();
    this.stopLink();
  }

  /** Closes the link to the server or meeting (a send in parts goes on). */
  private stopLink(): void {
    this.relay?.stop();
    this.relay = null;
    this.link?.close();
    this.link = null;
  }

  /**
   * The report's first sync broke off after `received` bytes of what the server sent (a
   * line that drops): fetch the rest into a copy of the report, in parts that each stay
   * as they come, across as many connections as it takes (fetch-report.ts), then merge
   * it into the report in one transaction, and link again, the link's own exchange then
   * carrying only what was typed meanwhile. Why a copy: parts taken straight into the
   * report would show its windows, and leave in its file after a quit, a report
   * half-arrived, which the editor would "repair" with edits reaching every copy.
   * A catch-up that gives up leaves the report as it was; the link calls again as before.
   */
  private async catchUp(catchingUp: CatchUpInProgress): Promise<void> {
    const { url, address, credential } = catchingUp;
    this.stopLink();
    this.emit();
    try {
      const rest = await fetchReport({
        url, reportId: this.reportId(), credential,
        base: { doc: this.report.doc, partBytes: partsAfterBreak(catchingUp.received) },
        signal: catchingUp.abort.signal,
        presence: (remote) => this.relayPresence(remote),
        onReceived: (bytes) => {
          catchingUp.received = bytes;
          if (this.catchingUp === catchingUp) this.emit();
        },
      });
      if (this.catchingUp === catchingUp) {
        // (Checked on its way into `rest`, but not with what waits in the report.)
        applyDroppingMisplacedWaiting(this.report.doc, Y.encodeStateAsUpdate(rest, Y.encodeStateVector(this.report.doc)), Origin.remote);
      }
      rest.destroy();
    } catch (error) {
      // Given up, or called off: the report is as it was.
      if (this.catchingUp === catchingUp && error instanceof FetchReportError && error.meetingEnded) {
        this.catchingUp = null;
        this.meetingEnded();
        return;
      }
    } finally {
      // (After the rest: the windows, sent it first, hold it until what it builds on comes, and take both in one change.)
      catchingUp.releaseHeld();
    }
    if (this.catchingUp !== catchingUp) return;
    this.catchingUp = null;
    this.connect(address);
  }

  /**
   * The meeting ended during a send in parts or a catch-up (no link is open): as when it
   * ends under the link, back to the report's own server, and said.
   */
  private meetingEnded(): void {
    this.reconnectRemembered();
    this.ended = { why: 'The meeting ended', at: new Date() };
    this.emit();
  }

  /**
   * The other side ended the link (the host ended the meeting, or it refused the code or
   * the member): stop calling it, say why, and from a meeting go back to the report's
   * own server. A refusing server stays remembered: access may be granted later.
   */
  private endedByOtherSide(link: ServerLink, why: string, at: Date | null = null): void {
    if (this.link !== link) return;
    const wasMeeting = link.inMeeting;
    this.closeLink();
    this.linkStatus = null;
    if (wasMeeting) this.reconnectRemembered();
    this.ended = { why, at }; // (after: linking anew clears it)
    this.emit();
  }

  /** The network is back: the report's link, if it is waiting to reconnect, tries now. */
  retryNow(): SyncStatusView {
    this.parts.retryNow();
    this.link?.retryNow();
    return this.status();
  }

  /**
   * Unlinks the report. Leaving someone's meeting goes back to the report's own server,
   * if it has one (a meeting is never remembered); leaving a server forgets it.
   */
  disconnect(): SyncStatusView {
    const underway = this.parts.underway ?? this.catchingUp;
    const leftMeeting = this.link ? this.link.inMeeting : underway !== null && toMeeting(underway.credential);
    this.closeLink();
    this.linkStatus = null;
    this.ended = null;
    this.refusedBy = null;
    if (leftMeeting) {
      this.reconnectRemembered();
    } else {
      try {
        this.remembered.forget(this.reportId());
      } catch {
        // Nothing remembered.
      }
    }
    this.emit();
    return this.status();
  }

  /** Starts a meeting for the report, or gives the one running or starting (two pages may ask at once). */
  hostMeeting(): Promise<MeetingInfo> {
    if (this.meeting) return Promise.resolve(infoOf(this.meeting));
    this.meetingStarting ??= this.listenForMeeting().finally(() => {
      this.meetingStarting = null;
    });
    return this.meetingStarting;
  }

  private async listenForMeeting(): Promise<MeetingInfo> {
    // The address people in the room can most likely reach (meeting-address.ts ranks them).
    const host = this.meetingHost ?? meetingInterfaces()[0]?.address ?? '127.0.0.1';
    // The browser host refuses it at start; the desktop app's environment is read only here.
    if (isEveryAddress(host)) {
      throw new ApiError(`The meeting could not start. The meeting address Plenary was started with (PLENARY_MEETING_HOST, or --meeting-host) is ${host}, every interface, and guests are given it: it must be one of this computer’s own. Start Plenary again with one of them, or without one.`);
    }
    try {
      this.meeting = await startMeeting({ reportId: this.reportId(), doc: this.report.doc, host, awareness: this.report.session.awareness, onChange: () => this.emit() });
    } catch (error) {
      throw new ApiError(`The meeting could not start. ${listenProblem(error, {
        sameKind: 'another meeting',
        // An address the system listed a moment ago is gone when the laptop left that network.
        notThisComputers: this.meetingHost
          ? 'it is the meeting address Plenary was started with (--meeting-host, or PLENARY_MEETING_HOST). Start it again with one of this computer’s own, or without one'
          : 'this computer has just left that network. Join the room’s network (Wi-Fi or cable), then start the meeting again',
      })}`);
    }
    this.emit();
    return infoOf(this.meeting);
  }

  /** Who is in the meeting this app hosts now (nobody without one). */
  meetingGuests(): MeetingGuests {
    return this.meeting?.guests() ?? { count: 0, names: [] };
  }

  async stopMeeting(): Promise<SyncStatusView> {
    // One being started is stopped once it runs (closing the report must not leave it listening).
    await this.meetingStarting?.catch(() => null);
    const meeting = this.meeting;
    this.meeting = null;
    await meeting?.stop();
    this.emit();
    return this.status();
  }

  /** Closes every link (the report is closing); nothing is forgotten. */
  async close(): Promise<void> {
    this.closeLink();
    this.parts.close();
    await this.stopMeeting();
    this.listeners.clear();
    byReport.delete(this.report);
  }
}
