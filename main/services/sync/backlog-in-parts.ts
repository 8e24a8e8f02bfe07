/**
 * A linked report's backlog going to its server (or meeting) in parts, for the report's
 * links (report-links.ts), which wait until it is through. One send is send-in-parts.ts;
 * this is the run of them the link waits on: which part sizes to try (the server's
 * limit is not known here), going on after a break from the parts the server kept,
 * tried again with a backoff while the server cannot be reached, and when to give up.
 * What carries from one run to the next lives here too: the part size a server took, a
 * send that broke off, runs in a row that got nowhere.
 *
 * Not by linking again after a break: that would send the rest whole, which a server
 * refuses as too large, and a line that drops lets through no better than before.
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { AwarenessRelay } from '../awareness-relay.ts';
import type { PartsReason } from '../../../shared/sync-requests.ts';
import { sendInParts, SendInPartsError, withoutPartUnderWay, type PartsSending, type UnfinishedSend } from './send-in-parts.ts';
import { KEEP_UNMERGED_MS } from './incoming-copies.ts';
import { KeptForNextTry } from './kept-for-next-try.ts';
import { MEETING_ENDED } from './meeting-host.ts';
import { partsRefusedNote } from './refusal-message.ts';
import { toMeeting, type LinkCredential } from './link-credential.ts';

/**
 * Part sizes tried, largest first, when a report's first sync is too large for a server:
 * its limit is not known here (16 MiB by default, `--max-message-bytes` to change).
 */
const PART_BYTES = [16 * 1024, 4 * 1024, 1024, 256, 64, 16].map((kib) => kib * 1024 - 1024);
/** Sends in parts in a row that broke off before the report stops calling the server. */
const MAX_FRUITLESS_SENDS = 3;
/** Tries in a row whose part under way was cut short before that part is cut anew, smaller, with the rest. */
const CUT_SHORT_TRIES_BEFORE_SMALLER = 3;

/**
 * Between tries of a send in parts that broke off (the server keeping its parts): as the
 * link's own backoff, 1 s doubling to 30 s, each wait a random half to all of it.
 */
function partsBackoffMs(triesWithoutProgress: number): number {
  return Math.min(30_000, 1_000 * 2 ** triesWithoutProgress) * (0.5 + Math.random() / 2);
}

/** Where the report was linked, for the work the link waits on. */
export interface LinkedTo {
  url: string;
  /** As linked (a meeting's invitation): linked again once the work is done. */
  address: string;
  /** A meeting's code, or the member's proof for a server. */
  credential: LinkCredential;
}

/** A run: where to, how far, and whether it was called off (another link, or none, taken meanwhile). */
interface Run extends LinkedTo {
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

/** How a run ended (not when called off): what the links do next. */
export type PartsEnd =
  /** Through, or lost before the server stored a part: link again (a server still lacking too much refuses it once more, and the parts start again). */
  | { kind: 'link-again' }
  | { kind: 'meeting-ended' }
  | { kind: 'given-up'; why: string };

export interface BacklogInPartsOptions {
  doc: Y.Doc;
  reportId(): string;
  /** Relays the report's presence on each send's connection. */
  presence(remote: Awareness): AwarenessRelay;
  /** The count, or the wait, changed. */
  onChange(): void;
  onEnd(end: PartsEnd, linkedTo: LinkedTo): void;
}

export class BacklogInParts {
  private readonly options: BacklogInPartsOptions;
  private run: Run | null = null;
  /** Runs in a row that broke off, leaving the report on the server as it was. */
  private fruitlessSends = 0;
  /** The part size a server last took, by its address: the next send to it starts there. */
  private readonly partBytesTaken = new Map<string, number>();
  /**
   * The smallest part size whose part the line to a server dropped on its way before any
   * part was stored, by the server's address: smaller ones are tried next. (How much a line
   * carried before it dropped is not known here: a message handed to it counts whole.)
   */
  private readonly partBytesCutShort = new Map<string, number>();
  /** A send that broke off midway, by the server's address: the next goes on from it (while the server may keep its parts). */
  private readonly unfinishedSends = new KeptForNextTry<UnfinishedSend>({ keepMs: KEEP_UNMERGED_MS, most: Infinity, drop: (send) => send.mirror.destroy() });

  constructor(options: BacklogInPartsOptions) {
    this.options = options;
  }

  /** Where the run under way goes, or null. */
  get underway(): LinkedTo | null {
    return this.run;
  }

  /** The status line's count, and whether it waits for the line; null with no run. */
  view(): { sent: number; total: number; why: PartsReason; waiting: boolean } | null {
    const run = this.run;
    return run ? { sent: run.sent, total: run.total, why: run.why, waiting: run.nextTry !== null } : null;
  }

  /** Takes the run at once (the status shows it); its first try starts after the current event. */
  begin(linkedTo: LinkedTo, serverState: Uint8Array | null, why: PartsReason, maxPartBytes: number): void {
    const run: Run = { ...linkedTo, sent: 0, total: 0, cancelled: false, current: null, serverState, why, maxPartBytes, nextTry: null, triesWithoutProgress: 0 };
    this.run = run;
    queueMicrotask(() => void this.send(run));
  }

  /** The network is back: a run waiting for the line tries now. */
  retryNow(): void {
    if (this.run?.nextTry) this.tryAgain(this.run);
  }

  /** Calls the run off (the report on the server stays with the parts it has). */
  cancel(): void {
    const run = this.run;
    if (!run) return;
    run.cancelled = true;
    clearTimeout(run.nextTry ?? undefined);
    run.current?.cancel();
    this.run = null;
  }

  /** Calls the run off and lets go of the sends kept to go on from (the report is closing). */
  close(): void {
    this.cancel();
    this.unfinishedSends.clear();
  }

  /**
   * One try: the sizes that may fit, smaller while the server refuses them as too large.
   * (Not smaller at once when the line drops: it is down, and the next try waits for it.)
   */
  private async send(run: Run): Promise<void> {
    if (run.cancelled) return;
    const { url, credential } = run;
    const inMeeting = toMeeting(credential);
    this.options.onChange();
    let failure: SendInPartsError | null = null;
    /** Whether the server stored a part this time (a send that breaks off after some is not fruitless). */
    let progressed = false;
    let resume = this.unfinishedSends.take(url) ?? undefined;
    const largest = Math.min(this.partBytesTaken.get(url) ?? Infinity, run.maxPartBytes, (this.partBytesCutShort.get(url) ?? Infinity) - 1);
    const fitting = PART_BYTES.filter((bytes) => bytes <= largest);
    const sizes = fitting.length > 0 ? fitting : PART_BYTES.slice(-1);
    for (let size = 0; size < sizes.length;) {
      const partBytes = sizes[size] as number;
      let storedBefore: number | null = null;
      run.current = sendInParts({
        url, reportId: this.options.reportId(), credential, doc: this.options.doc, partBytes, resume, serverState: run.serverState,
        presence: this.options.presence,
        onProgress: (sent, total) => {
          if (storedBefore !== null && sent > storedBefore) {
            progressed = true;
            this.partBytesTaken.set(url, partBytes);
          }
          storedBefore ??= sent;
          run.sent = sent;
          run.total = total;
          if (this.run === run) this.options.onChange();
        },
      });
      const resumed = resume !== undefined;
      resume = undefined;
      try {
        await run.current.done;
        failure = null;
        break;
      } catch (error) {
        failure = error instanceof SendInPartsError ? error : new SendInPartsError(String(error));
        // Parts of this size do not cross the line before it drops: smaller ones next. (Not
        // while the server keeps some, unless the one under way keeps being cut short: the
        // next try would send it again, whole. Then it is cut anew with the rest, and the
        // parts the server stored are kept.)
        const cutShortAgain = failure.partCutShort && failure.unfinished?.underWay === true && !progressed && run.triesWithoutProgress + 1 >= CUT_SHORT_TRIES_BEFORE_SMALLER;
        if (failure.unfinished) this.unfinishedSends.keep(url, cutShortAgain ? withoutPartUnderWay(failure.unfinished) : failure.unfinished);
        if (failure.partCutShort && (failure.unfinished === null || cutShortAgain)) {
          this.partBytesCutShort.set(url, Math.min(partBytes, this.partBytesCutShort.get(url) ?? Infinity));
        }
        if (run.cancelled) return;
        // The server no longer had the parts sent before: they start over, now.
        if (resumed && failure.copyGone) continue;
        if (!failure.tooLarge) break;
        size += 1;
      }
    }
    if (run.cancelled) return;
    if (inMeeting && failure?.closeCode === MEETING_ENDED.code) {
      this.end(run, { kind: 'meeting-ended' });
      return;
    }
    // A part the line dropped before any was stored: smaller ones may cross it, once it is back.
    const smallerParts = failure?.partCutShort === true && (this.partBytesCutShort.get(url) ?? 0) > (PART_BYTES.at(-1) as number);
    if (failure === null || progressed) this.fruitlessSends = 0;
    // (Parts round a line that drops are a way, not the only one: when they fail, the link
    // goes on calling as it would have, with its backoff. Nor is a try that left parts on
    // the server to go on from, or smaller parts to try, fruitless: the next waits for the
    // line, with a backoff.)
    else if (!failure.tooLarge && run.why === 'too-large' && !this.unfinishedSends.has(url) && !smallerParts) this.fruitlessSends += 1;
    if (failure?.tooLarge || this.fruitlessSends >= MAX_FRUITLESS_SENDS) {
      const where = inMeeting ? 'the meeting' : 'the server';
      this.fruitlessSends = 0;
      this.end(run, { kind: 'given-up', why: failure?.tooLarge ? partsRefusedNote(inMeeting) : `Could not send the report to ${where} in parts (${failure?.message})` });
      return;
    }
    if (failure !== null && (this.unfinishedSends.has(url) || smallerParts)) {
      run.triesWithoutProgress = progressed ? 0 : run.triesWithoutProgress + 1;
      run.nextTry = setTimeout(() => this.tryAgain(run), partsBackoffMs(run.triesWithoutProgress));
      this.options.onChange();
      return;
    }
    this.end(run, { kind: 'link-again' });
  }

  private tryAgain(run: Run): void {
    clearTimeout(run.nextTry ?? undefined);
    run.nextTry = null;
    void this.send(run);
  }

  private end(run: Run, end: PartsEnd): void {
    this.run = null;
    this.options.onEnd(end, run);
  }
}
