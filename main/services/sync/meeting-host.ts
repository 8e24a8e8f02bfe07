/**
 * Hosting a meeting: the same sync server, started inside the app for one open report,
 * on an interface of the host's choosing (the local network in a meeting room).
 *
 * The meeting's document is bridged to the host's own copy (the OpenReport's Y.Doc):
 * a guest's update is applied to the host's doc — whose session commits it to the
 * report file — before it is broadcast to the other guests or acknowledged, and the
 * host's own edits flow to the guests. No other report is served.
 *
 * Guests need the address and a short code (6 characters from an alphabet without
 * look-alikes), which is the token their provider sends: someone on the same network
 * who lacks the code is refused, and wrong codes are rationed (wrong-code-limiter.ts) so
 * the code cannot be found by trying them all. Stopping the meeting closes the guests' connections;
 * every copy keeps everything it has (each guest its own edits and all it received,
 * the host everything any guest's acknowledged edit carried). While it runs, it watches
 * that this computer still has the address it listens on (meeting-address-watch.ts).
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import * as Y from 'yjs';
import type { afterUnloadDocumentPayload, Extension, onLoadDocumentPayload } from '@hocuspocus/server';
import { Origin } from '../../../shared/ydoc.ts';
import { applyDroppingMisplacedWaiting } from './neighbour-order-guard.ts';
import { startSyncServer, type SyncServer } from './server.ts';
import { assertValidReportId, reportOfDocument, reportOfIncomingCopy } from '../../../shared/report-id.ts';
import { silentLogger, type Logger } from './log.ts';
import type { Awareness } from 'y-protocols/awareness';
import { relayAwareness } from '../awareness-relay.ts';
import { WrongCodeLimiter, type WrongCodeLimits } from './wrong-code-limiter.ts';
import { MEETING_FOR_ANOTHER_REPORT } from './refusal-message.ts';
import { rankMeetingAddresses, type MeetingAddress } from './meeting-address.ts';
import { watchMeetingAddress } from './meeting-address-watch.ts';
import { presenceLabel, readUser } from '../../../shared/presence-user.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const MEETING_CODE_LENGTH = 6;

export function newMeetingCode(): string {
  let code = '';
  for (let i = 0; i < MEETING_CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Compares in constant time, so the time a refusal takes says nothing about the code. */
function sameCode(typed: string, code: string): boolean {
  const a = Buffer.from(typed);
  const b = Buffer.from(code);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Normalizes what a guest typed: case, spaces and dashes do not matter. */
export function normalizeMeetingCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

/** IPv4 addresses of this machine a meeting could be hosted on, the room's network first. */
export function meetingInterfaces(): MeetingAddress[] {
  return rankMeetingAddresses(networkInterfaces());
}

export interface MeetingOptions {
  reportId: string;
  /** The host's copy of the report (an OpenReport's doc). */
  doc: Y.Doc;
  /** Interface to listen on; tests use 127.0.0.1. */
  host: string;
  port?: number;
  log?: Logger;
  /** The host's presence (its session's awareness), relayed to and from the guests. */
  awareness?: Awareness;
  /** How many wrong codes are let through (wrong-code-limiter.ts); tests shorten the windows. */
  wrongCodeLimits?: WrongCodeLimits;
  /** Largest message a guest may send (the sync server's default unless given). */
  maxMessageBytes?: number;
  /**
   * Called when what the host is shown of the meeting changes: a guest joins, leaves or
   * is named (their presence arrives, or changes name), or this computer loses the
   * meeting's address or has it back (meeting-address-watch.ts). Not when a guest's caret
   * moves.
   */
  onChange?: () => void;
}

export interface MeetingGuests {
  /** Guests connected: each app's connection once. */
  count: number;
  /**
   * Who they say they are ("Ana Diaz (government)"), each once, in alphabetical order:
   * from their presence, so a guest whose presence has not come yet is counted but not
   * named.
   */
  names: string[];
}

export interface Meeting {
  /** `ws://HOST:N`: with the report id and the code, all a guest needs. */
  readonly url: string;
  readonly reportId: string;
  readonly code: string;
  /** One string to share: `ws://HOST:N/<report id>#<code>`. */
  readonly invite: string;
  /** For members who have the report open already: `ws://HOST:N#<code>`, short enough to read off a screen. */
  readonly shortInvite: string;
  /** Who is in the meeting right now. */
  guests(): MeetingGuests;
  /** Whether this computer no longer has the address the meeting listens on (it left that network). */
  addressGone(): boolean;
  stop(): Promise<void>;
}

/**
 * How the host's app closes its guests' connections when the meeting is stopped (a code
 * in RFC 6455's private range): a guest's app then stops trying to reach it and goes back
 * to the report's own server, instead of retrying an address nobody listens on.
 */
export const MEETING_ENDED = { code: 4000, reason: 'The meeting has ended.' } as const;

/** Hocuspocus origin of what the bridge applies to the meeting's document. */
const FROM_HOST = { source: 'local', skipStoreHooks: true, context: { plenary: 'meeting-host' } } as const;

class MeetingBridge implements Extension {
  extensionName = 'PlenaryMeetingBridge';
  private readonly reportId: string;
  private readonly hostDoc: Y.Doc;
  private readonly unbind: Array<() => void> = [];
  private readonly hostAwareness: Awareness | undefined;

  private readonly guestsChanged: () => void;

  constructor(reportId: string, hostDoc: Y.Doc, hostAwareness: Awareness | undefined, guestsChanged: () => void) {
    this.reportId = reportId;
    this.hostDoc = hostDoc;
    this.hostAwareness = hostAwareness;
    this.guestsChanged = guestsChanged;
  }

  // A guest's connection counts once Hocuspocus has let it in, and stops counting as it closes.
  async connected(): Promise<void> {
    this.guestsChanged();
  }

  async onDisconnect(): Promise<void> {
    this.guestsChanged();
  }

  // Many a second (every caret moved): the meeting tells its host only when a name changes.
  async onAwarenessUpdate(): Promise<void> {
    this.guestsChanged();
  }

  async onLoadDocument({ documentName, document }: onLoadDocumentPayload): Promise<void> {
    if (reportOfIncomingCopy(documentName) === this.reportId) return; // in memory, merged whole (incoming-copies.ts)
    if (documentName !== this.reportId) throw new Error(`This meeting serves report ${this.reportId} only.`);
    Y.applyUpdate(document, Y.encodeStateAsUpdate(this.hostDoc), FROM_HOST);
    // Each side checked what it took in, but not with what waits on the other side.
    const toHost = (update: Uint8Array, origin: unknown): void => {
      if (origin !== FROM_HOST) applyDroppingMisplacedWaiting(this.hostDoc, update, Origin.meeting);
    };
    const toMeeting = (update: Uint8Array, origin: unknown): void => {
      if (origin !== Origin.meeting) applyDroppingMisplacedWaiting(document, update, FROM_HOST);
    };
    // Into the host's copy (and its file) before Hocuspocus broadcasts or acknowledges.
    const earlier = [...(document._observers.get('update') ?? [])] as Array<(...args: unknown[]) => void>;
    for (const listener of earlier) document.off('update', listener);
    document.on('update', toHost);
    for (const listener of earlier) document.on('update', listener);
    this.hostDoc.on('update', toMeeting);
    this.unbind.push(() => {
      document.off('update', toHost);
      this.hostDoc.off('update', toMeeting);
    });
    if (this.hostAwareness) {
      const relay = relayAwareness(this.hostAwareness, document.awareness);
      this.unbind.push(() => relay.stop());
    }
  }

  async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
    if (documentName === this.reportId) this.detach();
  }

  detach(): void {
    for (const unbind of this.unbind.splice(0)) unbind();
  }
}

/**
 * How many of the people one guest's connection carries are named. A guest's app announces
 * its own windows (a few, one person); a connection announcing thousands would otherwise
 * have them sorted, sent to every page and drawn at each change of anyone's presence.
 */
export const NAMED_PER_GUEST = 8;

/**
 * Guests connected to the report, or sending it their copy in parts (incoming-copies.ts;
 * their link waits until that is through): each socket once, and not the connection the
 * meeting opens itself to merge such a copy. Named by the presence each guest's own
 * connection carries: not the host's people, relayed into the same awareness.
 */
function guestsOf(server: SyncServer, reportId: string): MeetingGuests {
  const sockets = new Set<string>();
  const names = new Set<string>();
  for (const [name, document] of server.hocuspocus.documents) {
    if (reportOfDocument(name) !== reportId) continue;
    const states = document.awareness.getStates();
    for (const connection of document.getConnections()) {
      sockets.add(connection.socketId);
      for (const client of [...document.getClients(connection)].slice(0, NAMED_PER_GUEST)) {
        const user = readUser(states.get(client));
        if (user) names.add(presenceLabel(user));
      }
    }
  }
  return { count: sockets.size, names: [...names].sort((a, b) => a.localeCompare(b)) };
}

export async function startMeeting(options: MeetingOptions): Promise<Meeting> {
  assertValidReportId(options.reportId);
  const code = newMeetingCode();
  // Set as the server listens, before any guest can come.
  let server: SyncServer | null = null;
  let addressGone = false;
  // What the host was last told of: presence changes many a second, a name seldom.
  let shown = '';
  const changed = (): void => {
    if (!server) return;
    const guests = guestsOf(server, options.reportId);
    const now = JSON.stringify([addressGone, guests.count, guests.names]);
    if (now === shown) return;
    shown = now;
    options.onChange?.();
  };
  const bridge = new MeetingBridge(options.reportId, options.doc, options.awareness, changed);
  const wrongCodes = new WrongCodeLimiter(options.wrongCodeLimits);
  const log = options.log ?? silentLogger;
  const started: SyncServer = await startSyncServer({
    host: options.host,
    port: options.port ?? 0,
    storage: bridge,
    log,
    maxMessageBytes: options.maxMessageBytes,
    authorize: ({ token, reportId, remote }) => {
      const refusal = wrongCodes.refusal(remote);
      if (refusal) {
        log('warn', 'meeting.refused', { remote, reason: refusal });
        return { deny: refusal };
      }
      if (sameCode(normalizeMeetingCode(token ?? ''), code)) {
        if (reportId === options.reportId) return 'write';
        log('warn', 'meeting.another_report', { remote });
        return { deny: MEETING_FOR_ANOTHER_REPORT };
      }
      wrongCodes.wrong(remote);
      log('warn', 'meeting.wrong_code', { remote });
      return 'deny';
    },
  });
  server = started;
  const unwatch = watchMeetingAddress(options.host, (gone) => {
    addressGone = gone;
    changed();
  });
  return {
    url: started.url,
    reportId: options.reportId,
    code,
    invite: `${started.url}/${options.reportId}#${code}`,
    shortInvite: `${started.url}#${code}`,
    guests: () => guestsOf(started, options.reportId),
    addressGone: () => addressGone,
    async stop() {
      unwatch();
      await started.close(MEETING_ENDED);
      bridge.detach();
    },
  };
}

/**
 * Splits an invite (`ws://HOST:N/<report id>#<code>`, or the short `ws://HOST:N#<code>`
 * whose report is the one open: `reportId` null) into what ServerLink needs.
 */
export function parseInvite(invite: string): { url: string; reportId: string | null; code: string } | null {
  try {
    const parsed = new URL(invite.trim());
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return null;
    const reportId = decodeURIComponent(parsed.pathname.slice(1)) || null;
    const code = normalizeMeetingCode(decodeURIComponent(parsed.hash.slice(1)));
    if (code.length !== MEETING_CODE_LENGTH) return null;
    if (reportId !== null) assertValidReportId(reportId);
    return { url: `${parsed.protocol}//${parsed.host}`, reportId, code };
  } catch {
    return null;
  }
}
