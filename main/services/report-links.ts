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
import { ServerLink, type SyncStatus } from './sync/client.ts';
import { ServerLinks } from './sync/server-links.ts';
import { MEETING_ENDED, meetingInterfaces, parseInvite, startMeeting, type Meeting } from './sync/meeting-host.ts';
import { isValidReportId } from '../../shared/report-id.ts';
import { relayAwareness, type AwarenessRelay } from './awareness-relay.ts';
import { partsRefusedNote, refusalNote, tooLargeNote } from './sync/refusal-message.ts';
import { CloseCode } from './sync/frame-guard.ts';
import { sendInParts, SendInPartsError, type PartsSending, type UnfinishedSend } from './sync/send-in-parts.ts';
import { KEEP_UNMERGED_MS } from './sync/incoming-copies.ts';
import { KeptForNextTry } from './sync/kept-for-next-try.ts';
import { fetchReport, FetchReportError } from './sync/fetch-report.ts';
import { MIN_REPLY_PART_BYTES, partsAfterBreak, RESUME_AFTER_BYTES } from './sync/reply-parts.ts';

/**
 * Part sizes tried, largest first, when a report's first sync is too large for a server:
 * its limit is not known here (16 MiB by default, `--max-message-bytes` to change).
 */
const PART_BYTES = [16 * 1024, 4 * 1024, 1024, 256, 64, 16].map((kib) => kib * 1024 - 1024);
/** Sends in parts in a row that broke off before the report stops calling the server. */
const MAX_FRUITLESS_SENDS = 3;
/**
 * A first sync that broke off after this much of the report's backlog was handed over to
 * go goes in parts (the smallest parts a server's answer comes in: smaller would gain less
 * than they cost).
 */
const SEND_IN_PARTS_AFTER_BYTES = MIN_REPLY_PART_BYTES;
/**
 * Between tries of a send in parts that broke off (the server keeping its parts): as the
 * link's own backoff, 1 s doubling to 30 s, each wait a random half to all of it.
 */
function partsBackoffMs(triesWithoutProgress: number): number {
  return Math.min(30_000, 1_000 * 2 ** triesWithoutProgress) * (0.5 + Math.random() / 2);
}

const byReport = new WeakMap<OpenReport, ReportLinks>();

/** Where the report was linked, for the work the link waits on (a meeting's when `token` is its code). */
interface LinkedTo {
  url: string;
  /** As linked (a meeting's invitation): linked again once the work is done. */
  address: string;
  token: string | undefined;
}

/** A send in parts: where to, how far, and whether it was given up (another link, or none, taken meanwhile). */
interface PartsInProgress extends LinkedTo {
  sent: number;
  total: number;
  cancelled: boolean;
  current: PartsSending | null;
  /** What the server said it holds, on the connection that ended (send-in-parts.ts `serverState`). */
  serverState: Uint8Array | null;
  /** Why: the server refused the first sync as too large, or the line dropped while it went. */
  why: PartsReason;
  /** The largest part to try (about half what the line carried before it dropped; unbounded for too-large). */
  maxPartBytes: number;
  /** The last try broke off: the next one's timer (the status says offline meanwhile). */
  nextTry: ReturnType<typeof setTimeout> | null;
  /** Tries in a row that broke off before the server stored a part: the wait before the next grows with them. */
  triesWithoutProgress: number;
}

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

function infoOf(meeting: Meeting): MeetingInfo {
  return { url: meeting.url, code: meeting.code, invite: meeting.invite, shortInvite: meeting.shortInvite };
}

export class ReportLinks {
  private readonly report: OpenReport;
  private readonly remembered: ServerLinks;
  private link: ServerLink | null = null;
  private relay: AwarenessRelay | null = null;
  private linkStatus: SyncStatus | null = null;
  private meeting: Meeting | null = null;
  /** The report being sent to its server in parts (its link waits until it is done). */
  private parts: PartsInProgress | null = null;
  /** The rest of a first sync that broke off, being fetched into a copy (see catchUp). */
  private catchingUp: CatchUpInProgress | null = null;
  /** Sends in parts in a row that broke off, leaving the report on the server as it was. */
  private fruitlessSends = 0;
  /** The part size a server last took, by its address: the next send to it starts there. */
  private readonly partBytesTaken = new Map<string, number>();
  /** A send in parts that broke off midway, by the server's address: the next goes on from it (while the server may keep its parts). */
  private readonly unfinishedSends = new KeptForNextTry<UnfinishedSend>({ keepMs: KEEP_UNMERGED_MS, most: Infinity, drop: (send) => send.mirror.destroy() });
  /**
   * Why the last link ended by the other side's doing (the host ended the meeting, the
   * code or access was refused), shown until the report is linked anew; `at` only for an
   * end the member did not cause (a meeting ended).
   */
  private ended: { why: string; at: Date | null } | null = null;
  private readonly listeners = new Set<(status: SyncStatusView) => void>();
  /** Interface a meeting listens on; tests use 127.0.0.1. */
  private readonly meetingHost: string | undefined;

  private constructor(report: OpenReport, dataDir: string, meetingHost?: string) {
    this.report = report;
    this.remembered = new ServerLinks(dataDir);
    this.meetingHost = meetingHost;
  }

  /** The links of `report`, made (and its remembered server reconnected) on first use. */
  static for(report: OpenReport, dataDir: string, options: { meetingHost?: string; reconnect?: boolean } = {}): ReportLinks {
    let links = byReport.get(report);
    if (!links) {
      links = new ReportLinks(report, dataDir, options.meetingHost);
      byReport.set(report, links);
      if (options.reconnect !== false) links.reconnectRemembered();
    }
    return links;
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
    const underway = this.parts ?? this.catchingUp;
    if (underway) {
      const { url } = underway;
      const inMeeting = underway.token !== undefined;
      const lastSyncAt = inMeeting ? null : this.safeRemembered()?.lastSyncAt ?? null;
      const sendingInParts = this.parts ? { sent: this.parts.sent, total: this.parts.total, why: this.parts.why } : null;
      const transfer = this.catchingUp ? { received: this.catchingUp.received, sent: 0 } : null;
      return { state: this.parts?.nextTry ? 'offline' : 'syncing', pending: 0, lastSyncAt, server: url, inMeeting, ...ended, problem: null, meeting, sendingInParts, transfer };
    }
    if (!this.link || !this.linkStatus) {
      const record = this.safeRemembered();
      return { state: 'not-connected', pending: 0, lastSyncAt: record?.lastSyncAt ?? null, server: null, inMeeting: false, ...ended, problem: null, meeting, sendingInParts: null, transfer: null };
    }
    const s = this.linkStatus;
    return { state: s.state, pending: s.pending, lastSyncAt: s.lastSyncAt?.toISOString() ?? null, server: this.link.url, inMeeting: this.link.token !== undefined, ...ended, problem: s.problem, meeting, sendingInParts: null, transfer: s.transfer };
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

  /** Links to a server, or to a meeting by its invitation (`ws://HOST:N/<report id>#<code>`, or `ws://HOST:N#<code>` for this report). */
  connect(address: string): SyncStatusView {
    const reportId = this.reportId();
    let url = address;
    let token: string | undefined;
    const invite = inviteIn(address);
    if (invite) {
      if (invite.reportId !== null && invite.reportId !== reportId) {
        throw new ApiError(`This invitation is for another report (${invite.reportId}); open that report to join the meeting.`);
      }
      url = invite.url;
      token = invite.code;
    }
    this.closeLink();
    this.ended = null;
    const link = new ServerLink({
      url, reportId, doc: this.report.doc, token, links: invite ? undefined : this.remembered,
      holdUntilSynced: (origin) => this.report.session.holdUpdatesFrom(origin),
    });
    const linkedTo: LinkedTo = { url, address, token };
    // (Handled after the provider has finished with the event it is telling us about.)
    link.onClosed((code, refusedHere, midSync) => {
      if (invite && code === MEETING_ENDED.code) queueMicrotask(() => this.endedByOtherSide(link, 'The meeting ended', new Date()));
      // Calling again would exchange the same too-large message again, every time. One
      // this app sent goes in parts instead; one it was sent cannot.
      else if (code === CloseCode.tooLarge && refusedHere) queueMicrotask(() => this.endedByOtherSide(link, tooLargeNote(invite !== null)));
      else if (code === CloseCode.tooLarge && this.link === link && !this.parts) {
        // Begun at once: right after this event the provider reports the link offline,
        // which the status line (and a screen reader) would otherwise say first.
        this.beginParts(linkedTo, midSync.serverState, 'too-large', Infinity);
      } else if (midSync.received >= RESUME_AFTER_BYTES && this.link === link && !this.parts && !this.catchingUp) {
        const catchingUp: CatchUpInProgress = { ...linkedTo, received: midSync.received, abort: new AbortController(), releaseHeld: link.keepHeldPastClose() };
        this.catchingUp = catchingUp;
        queueMicrotask(() => void this.catchUp(catchingUp));
      } else if (midSync.sent >= SEND_IN_PARTS_AFTER_BYTES && this.link === link && !this.parts && !this.catchingUp) {
        // A large backlog broke off on its way: the next connection would send it whole
        // again, and a line that drops sooner would never let it through. In parts, each
        // stays on the server as it arrives.
        this.beginParts(linkedTo, midSync.serverState, 'line-drops', partsAfterBreak(midSync.sent));
      }
    });
    link.onRefused((reason) => {
      const note = refusalNote({ meeting: invite !== null, reason });
      queueMicrotask(() => this.endedByOtherSide(link, note));
    });
    this.link = link;
    const remote = link.awareness;
    if (remote) this.relay = relayAwareness(this.report.session.awareness, remote);
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
    const parts: PartsInProgress = { ...linkedTo, sent: 0, total: 0, cancelled: false, current: null, serverState, why, maxPartBytes, nextTry: null, triesWithoutProgress: 0 };
    this.parts = parts;
    queueMicrotask(() => void this.sendInParts(parts));
  }

  private closeLink(): void {
    if (this.catchingUp) {
      this.catchingUp.abort.abort();
      this.catchingUp = null;
    }
    if (this.parts) {
      this.parts.cancelled = true;
      clearTimeout(this.parts.nextTry ?? undefined);
      this.parts.current?.cancel();
      this.parts = null;
    }
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
   * The server refused the report's first sync as larger than its message limit: send
   * what it lacks in parts (send-in-parts.ts), smaller parts while it refuses them as too
   * large, then link again. Typing goes on meanwhile, and reaches the server with the
   * link. After a lost connection the parts go on from where they broke off, tried again
   * with a backoff while the server cannot be reached (the status saying offline): the
   * server keeps the ones it had for a while (or, if it no longer does, they start over).
   * Not by linking again: that would send the rest whole, which a server refuses as too
   * large, and a line that drops lets through no better than before.
   */
  private async sendInParts(parts: PartsInProgress): Promise<void> {
    if (parts.cancelled) return;
    const { url, address, token } = parts;
    this.stopLink();
    this.emit();
    let failure: SendInPartsError | null = null;
    /** Whether the server stored a part this time (a send that breaks off after some is not fruitless). */
    let progressed = false;
    let resume = this.unfinishedSends.take(url) ?? undefined;
    const taken = this.partBytesTaken.get(url);
    const largest = Math.min(taken ?? Infinity, parts.maxPartBytes);
    const fitting = PART_BYTES.filter((bytes) => bytes <= largest);
    const sizes = fitting.length > 0 ? fitting : PART_BYTES.slice(-1);
    for (let size = 0; size < sizes.length;) {
      const partBytes = sizes[size] as number;
      let storedBefore: number | null = null;
      parts.current = sendInParts({
        url, reportId: this.reportId(), token, doc: this.report.doc, partBytes, resume, serverState: parts.serverState,
        presence: (remote) => relayAwareness(this.report.session.awareness, remote),
        onProgress: (sent, total) => {
          if (storedBefore !== null && sent > storedBefore) {
            progressed = true;
            this.partBytesTaken.set(url, partBytes);
          }
          storedBefore ??= sent;
          parts.sent = sent;
          parts.total = total;
          if (this.parts === parts) this.emit();
        },
      });
      const resumed = resume !== undefined;
      resume = undefined;
      try {
        await parts.current.done;
        failure = null;
        break;
      } catch (error) {
        failure = error instanceof SendInPartsError ? error : new SendInPartsError(String(error));
        if (failure.unfinished) this.unfinishedSends.keep(url, failure.unfinished);
        if (parts.cancelled) return;
        // The server no longer had the parts sent before: they start over, now.
        if (resumed && failure.copyGone) continue;
        if (!failure.tooLarge) break;
        size += 1;
      }
    }
    if (parts.cancelled) return;
    if (token !== undefined && failure?.closeCode === MEETING_ENDED.code) {
      this.parts = null;
      this.meetingEnded();
      return;
    }
    if (failure === null || progressed) this.fruitlessSends = 0;
    // (Parts round a line that drops are a way, not the only one: when they fail, the link
    // goes on calling as it would have, with its backoff. Nor is a try that left parts on
    // the server to go on from fruitless: the next waits for the line, with a backoff.)
    else if (!failure.tooLarge && parts.why === 'too-large' && !this.unfinishedSends.has(url)) this.fruitlessSends += 1;
    if (failure?.tooLarge || this.fruitlessSends >= MAX_FRUITLESS_SENDS) {
      const where = token !== undefined ? 'the meeting' : 'the server';
      this.parts = null;
      this.fruitlessSends = 0;
      this.ended = { why: failure?.tooLarge ? partsRefusedNote(token !== undefined) : `Could not send the report to ${where} in parts (${failure?.message})`, at: null };
      this.emit();
      return;
    }
    if (failure !== null && this.unfinishedSends.has(url)) {
      parts.triesWithoutProgress = progressed ? 0 : parts.triesWithoutProgress + 1;
      parts.nextTry = setTimeout(() => this.tryPartsAgain(parts), partsBackoffMs(parts.triesWithoutProgress));
      this.emit();
      return;
    }
    // Done, or lost before the server stored a part: link again. A server that still lacks
    // too much refuses it once more, and the parts start again.
    this.parts = null;
    this.connect(address);
  }

  private tryPartsAgain(parts: PartsInProgress): void {
    clearTimeout(parts.nextTry ?? undefined);
    parts.nextTry = null;
    void this.sendInParts(parts);
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
    const { url, address, token } = catchingUp;
    this.stopLink();
    this.emit();
    try {
      const rest = await fetchReport({
        url, reportId: this.reportId(), token,
        base: { doc: this.report.doc, partBytes: partsAfterBreak(catchingUp.received) },
        signal: catchingUp.abort.signal,
        presence: (remote) => relayAwareness(this.report.session.awareness, remote),
        onReceived: (bytes) => {
          catchingUp.received = bytes;
          if (this.catchingUp === catchingUp) this.emit();
        },
      });
      if (this.catchingUp === catchingUp) {
        Y.applyUpdate(this.report.doc, Y.encodeStateAsUpdate(rest, Y.encodeStateVector(this.report.doc)), Origin.remote);
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
    const wasMeeting = link.token !== undefined;
    this.closeLink();
    this.linkStatus = null;
    if (wasMeeting) this.reconnectRemembered();
    this.ended = { why, at }; // (after: linking anew clears it)
    this.emit();
  }

  /** The network is back: the report's link, if it is waiting to reconnect, tries now. */
  retryNow(): SyncStatusView {
    if (this.parts?.nextTry) this.tryPartsAgain(this.parts);
    this.link?.retryNow();
    return this.status();
  }

  /**
   * Unlinks the report. Leaving someone's meeting goes back to the report's own server,
   * if it has one (a meeting is never remembered); leaving a server forgets it.
   */
  disconnect(): SyncStatusView {
    const leftMeeting = this.link ? this.link.token !== undefined : (this.parts ?? this.catchingUp)?.token !== undefined;
    this.closeLink();
    this.linkStatus = null;
    this.ended = null;
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

  async hostMeeting(): Promise<MeetingInfo> {
    if (this.meeting) return infoOf(this.meeting);
    // The address people in the room can most likely reach (meeting-address.ts ranks them).
    const host = this.meetingHost ?? meetingInterfaces()[0]?.address ?? '127.0.0.1';
    this.meeting = await startMeeting({ reportId: this.reportId(), doc: this.report.doc, host, awareness: this.report.session.awareness });
    this.emit();
    return infoOf(this.meeting);
  }

  async stopMeeting(): Promise<SyncStatusView> {
    const meeting = this.meeting;
    this.meeting = null;
    await meeting?.stop();
    this.emit();
    return this.status();
  }

  /** Closes every link (the report is closing); nothing is forgotten. */
  async close(): Promise<void> {
    this.closeLink();
    this.unfinishedSends.clear();
    await this.stopMeeting();
    this.listeners.clear();
    byReport.delete(this.report);
  }
}
