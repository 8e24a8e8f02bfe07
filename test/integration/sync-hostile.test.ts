/**
 * Hostile input against a real sync server process: each bad frame closes its
 * connection with a log line, the report stays exactly as it was, and the server keeps
 * serving everyone else. Includes the known malformed-update reproductions:
 * - yjs#479: `Buffer.from('garbagedoc', 'base64')` as an update (hung lib0 then);
 * - yjs#498: a zero-length update;
 * - yjs#687: the thread's v2 payload `00010000…7f0000` (run-length DoS) sent as an update;
 * - y-websocket#82: the text "..`" sent as a text frame, and its bytes as a binary one.
 * And an update that decodes whole but that Yjs would apply only in part: it throws
 * halfway through, keeping (and sending to everyone) what came before
 * (shared/update-integrity.ts); and one that places text after a character and before
 * one that stands earlier, which each copy would put in a different place
 * (shared/neighbour-order.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { join } from 'node:path';
import { ReportStore } from '../../main/services/report-store.ts';
import { sendInParts } from '../../main/services/sync/send-in-parts.ts';
import { ServerLink } from '../../main/services/sync/client.ts';
import * as encoding from 'lib0/encoding';
import { connectClient, startServerProcess, storedText, tempDir, waitFor, type ServerProcess, type TestClient } from './fixtures/sync/harness.ts';
import { INLINE_DECODE_LIMIT, UpdateGuard, MalformedUpdateError } from '../../main/services/sync/update-guard.ts';
import { YJS_479, YJS_687, authFrame as authFrameFor, awarenessNotJsonFrame, frame, hugeLengthFrame, updateFrame as updateFrameFor } from './fixtures/sync/hostile-frames.ts';
import { craftedUpdate, FIRST_INTEGRATED_CLIENT, halfApplyingUpdate } from '../unit/helpers/crafted-updates.ts';

const REPORT = 'target-report';
const MAX_MESSAGE_BYTES = 512 * 1024;

let server: ServerProcess;
let writer: TestClient;
const dataDir = tempDir();

beforeAll(async () => {
  server = await startServerProcess({ dataDir, args: ['--max-message-bytes', String(MAX_MESSAGE_BYTES)] });
  writer = connectClient(server.url, REPORT);
  writer.doc.getText('body').insert(0, 'The WGIG report.');
  await writer.settled();
});

afterAll(async () => {
  writer.destroy();
  await server.stop('SIGKILL');
});

/**
 * Text whose right neighbour at insertion ("W") stands before its left one ("G") in the
 * writer's "The WGIG report.": each copy would place it where its own walk stops
 * (shared/neighbour-order.ts). With `before`, a valid new text in another list first.
 */
function misplacedText(before?: string): Uint8Array {
  const writerAt = (clock: number): { client: number; clock: number } => ({ client: writer.doc.clientID, clock });
  return craftedUpdate([
    ...(before ? [{ client: FIRST_INTEGRATED_CLIENT, text: before, rootType: 'appendix' }] : []),
    { client: 2, text: 'FORGED', origin: writerAt(5), rightOrigin: writerAt(4) },
  ]);
}

const authFrame = authFrameFor(REPORT);
const updateFrame = (update: Uint8Array, subtype = 2): Uint8Array => updateFrameFor(REPORT, update, subtype);

function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Opens a raw socket, authenticates for the report, sends the bad data; resolves with the close code. */
async function sendHostile(data: Uint8Array | string, options: { binary?: boolean; authenticate?: boolean } = {}): Promise<number> {
  const ws = new WebSocket(server.url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('error', () => {});
  if (options.authenticate ?? true) ws.send(authFrame, { binary: true });
  ws.send(data, { binary: options.binary ?? typeof data !== 'string' });
  return closed;
}

function refusals(): number {
  return server.logLines.filter((line) => {
    const event = JSON.parse(line).event;
    return event === 'message.refused' || event === 'connection.error';
  }).length;
}

const cases: Array<[string, () => Promise<number>, number[]]> = [
  ['random bytes (short)', () => sendHostile(seededBytes(1, 7)), [1007, 1008]],
  ['random bytes (long)', () => sendHostile(seededBytes(2, 4096)), [1007, 1008]],
  ['random bytes before authenticating', () => sendHostile(seededBytes(3, 300), { authenticate: false }), [1007, 1008]],
  ['an empty message', () => sendHostile(new Uint8Array(0)), [1007]],
  ['a text frame', () => sendHostile('hello'), [1003]],
  ['y-websocket#82: "..`" as a text frame', () => sendHostile('..`'), [1003]],
  ['y-websocket#82: "..`" as a binary frame', () => sendHostile(new TextEncoder().encode('..`')), [1007, 1008]],
  ['an oversized message', () => sendHostile(new Uint8Array(MAX_MESSAGE_BYTES + 1024)), [1009]],
  ['yjs#479: garbage as an update', () => sendHostile(updateFrame(YJS_479)), [1007]],
  ['yjs#498: an empty update', () => sendHostile(updateFrame(new Uint8Array(0))), [1007]],
  ['yjs#498: an empty sync step 2', () => sendHostile(updateFrame(new Uint8Array(0), 1)), [1007]],
  ['yjs#687: the run-length payload as an update', () => sendHostile(updateFrame(YJS_687)), [1007]],
  ['an update Yjs would apply only in part', () => sendHostile(updateFrame(halfApplyingUpdate())), [1007]],
  ['a sync step 2 Yjs would apply only in part', () => sendHostile(updateFrame(halfApplyingUpdate(), 1)), [1007]],
  ['text placed after a character and before an earlier one', () => sendHostile(updateFrame(misplacedText())), [1007]],
  ['a sync step 2 placing text after a character and before an earlier one', () => sendHostile(updateFrame(misplacedText(), 1)), [1007]],
  ['such text after a large valid part, checked off-thread', () => {
    const large = misplacedText('FORGED '.repeat(12 * 1024));
    expect(large.length).toBeGreaterThan(INLINE_DECODE_LIMIT);
    return sendHostile(updateFrame(large));
  }, [1007]],
  ['a truncated real update', () => {
    const d = new Y.Doc();
    d.getText('body').insert(0, 'FORGED paragraph that is long enough');
    const update = Y.encodeStateAsUpdate(d);
    return sendHostile(updateFrame(update.slice(0, update.length - 5)));
  }, [1007]],
  ['an update followed by garbage', () => {
    const d = new Y.Doc();
    d.getText('body').insert(0, 'FORGED');
    return sendHostile(updateFrame(new Uint8Array([...Y.encodeStateAsUpdate(d), 1, 2, 3])));
  }, [1007]],
  ['a length prefix far beyond the message', () => sendHostile(hugeLengthFrame(REPORT)), [1007]],
  ['a server-internal message type', () => sendHostile(frame(REPORT, (e) => {
    encoding.writeVarUint(e, 6);
    encoding.writeVarString(e, 'x');
  })), [1008]],
  ['awareness that is not JSON', () => sendHostile(awarenessNotJsonFrame(REPORT)), [1007]],
];

describe('hostile input to the sync server', () => {
  for (const [name, send, codes] of cases) {
    it(`closes the connection on ${name}, logs it, and leaves the report unchanged`, async () => {
      const before = Y.encodeStateAsUpdate(writer.doc);
      const logged = refusals();
      const code = await send();
      expect(codes).toContain(code);
      await waitFor(() => refusals() > logged, 10_000, 'a log line');
      // The server still serves: a fresh client gets exactly the report as it was.
      const reader = connectClient(server.url, REPORT);
      try {
        await reader.settled();
        expect(Y.encodeStateAsUpdate(reader.doc)).toEqual(before);
        expect(reader.doc.getText('body').toString()).toBe('The WGIG report.');
      } finally {
        reader.destroy();
      }
      expect(server.child.exitCode).toBeNull();
    });
  }

  /** A raw connection to `reportId`, authenticated. */
  async function rawConnection(reportId: string): Promise<WebSocket> {
    const socket = new WebSocket(server.url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(authFrameFor(reportId), { binary: true });
    return socket;
  }

  /** Whether the report's file holds text that waits for a character not there. */
  function storedWaiting(reportId: string): boolean {
    const store = ReportStore.open(join(dataDir, `${reportId}.plenary`), { compactAboveRows: Infinity });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, store.loadState());
    store.close();
    return copy.store.pendingStructs !== null;
  }

  const loggedEvents = (event: string): number => server.logLines.filter((line) => JSON.parse(line).event === event).length;

  /** The report's text as a newcomer gets it. */
  async function newcomerReads(reportId: string): Promise<string> {
    const reader = connectClient(server.url, reportId);
    try {
      await reader.settled();
      return reader.doc.getText('body').toString();
    } finally {
      reader.destroy();
    }
  }

  it.each([
    ['small', undefined],
    ['large (checked off-thread)', 'VALID '.repeat(12 * 1024)],
  ])('drops text waiting for a character that the update bringing it would misplace, and takes the update, %s', async (name, alongside) => {
    // Its own report: what waits stays in the server's copy (and in its file).
    const reportId = `waiting-report-${name.split(' ')[0]}`;
    const own = connectClient(server.url, reportId);
    let ws: WebSocket | null = null;
    try {
      own.doc.getText('body').insert(0, 'The WGIG report.');
      await own.settled();
      const at = (clock: number): { client: number; clock: number } => ({ client: own.doc.clientID, clock });
      // "Z" goes after a character of client 77 not sent yet, and before the "W": it waits.
      const waits = craftedUpdate([{ client: 2, text: 'Z', origin: { client: 77, clock: 0 }, rightOrigin: at(4) }]);
      // Client 77's character comes after the "G", which stands after the "W": alone, fine.
      const bringsIt = craftedUpdate([
        { client: 77, text: 'X', origin: at(5), rightOrigin: at(6) },
        ...(alongside ? [{ client: 78, text: alongside, rootType: 'appendix' }] : []),
      ]);
      if (alongside) expect(bringsIt.length).toBeGreaterThan(INLINE_DECODE_LIMIT);
      const dropped = loggedEvents('update.waiting_misplaced_dropped');
      const refused = refusals();
      ws = await rawConnection(reportId);
      ws.send(updateFrameFor(reportId, waits), { binary: true });
      ws.send(updateFrameFor(reportId, bringsIt), { binary: true });
      await waitFor(() => own.doc.getText('body').toString() === 'The WGXIG report.', 10_000, 'the update to arrive');
      // (The server's log reaches the test by its own pipe, maybe after the update.)
      await waitFor(() => loggedEvents('update.waiting_misplaced_dropped') === dropped + 1, 10_000, 'the log line');
      expect(refusals()).toBe(refused);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      expect(await newcomerReads(reportId)).toBe('The WGXIG report.');
      // The file no longer holds it waiting either: reopened, the report has no "Z".
      await waitFor(() => storedText(dataDir, reportId, 'body') === 'The WGXIG report.', 10_000, 'the file to hold the update');
      expect(storedWaiting(reportId)).toBe(false);
    } finally {
      ws?.terminate();
      own.destroy();
    }
  });

  /**
   * A report in which a member wrote "The WGIG report.", and, from a raw connection,
   * "Z" left waiting: after the member's next character (whatever it will be) and before
   * the "W". The member stays connected only if asked.
   */
  async function reportWithZWaitingForMember(reportId: string, { connected = false } = {}): Promise<{ member: TestClient; raw: WebSocket }> {
    const member = connectClient(server.url, reportId);
    member.doc.getText('body').insert(0, 'The WGIG report.');
    await member.settled();
    if (!connected) member.destroy();
    const at = (clock: number): { client: number; clock: number } => ({ client: member.doc.clientID, clock });
    const next = Y.getState(member.doc.store, member.doc.clientID);
    const raw = await rawConnection(reportId);
    raw.send(updateFrameFor(reportId, craftedUpdate([{ client: 2, text: 'Z', origin: at(next), rightOrigin: at(4) }])), { binary: true });
    await waitFor(() => storedWaiting(reportId), 10_000, 'the waiting text to be stored');
    return { member, raw };
  }

  it('a member\'s next character named by text someone else left waiting: the member\'s edit is taken, that text dropped', async () => {
    const reportId = 'waiting-for-a-member';
    const dropped = loggedEvents('update.waiting_misplaced_dropped');
    const { member, raw } = await reportWithZWaitingForMember(reportId, { connected: true });
    try {
      // The member types after the "G": the report takes it; the waiting text goes.
      member.doc.getText('body').insert(6, 'X');
      await member.settled();
      // (The server's log reaches the test by its own pipe, maybe after the update.)
      await waitFor(() => loggedEvents('update.waiting_misplaced_dropped') === dropped + 1, 10_000, 'the log line');
      expect(await newcomerReads(reportId)).toBe('The WGXIG report.');
    } finally {
      raw.terminate();
      member.destroy();
    }
  });

  it('a member who typed that character offline links again: the waiting text is not sent to her, her edit is taken, the text dropped', async () => {
    const reportId = 'waiting-for-offline-member';
    const { member, raw } = await reportWithZWaitingForMember(reportId);
    member.doc.getText('body').insert(6, 'X');
    const dropped = loggedEvents('update.waiting_misplaced_dropped');
    // Her app's link: it refuses a server's answer holding text that would be misplaced.
    const link = new ServerLink({ url: server.url, reportId, doc: member.doc, backoff: { delayMs: 100, maxDelayMs: 100 } });
    try {
      let closes = 0;
      link.onClosed(() => {
        closes += 1;
      });
      await waitFor(() => link.status.state === 'in-sync' && link.status.pending === 0 && loggedEvents('update.waiting_misplaced_dropped') === dropped + 1, 10_000, 'the member in sync');
      expect(closes).toBe(0);
      expect(member.doc.getText('body').toString()).toBe('The WGXIG report.');
      expect(await newcomerReads(reportId)).toBe('The WGXIG report.');
    } finally {
      link.close();
      raw.terminate();
    }
  });

  it('such waiting text goes too when the character it names comes in a report sent in parts', async () => {
    const reportId = 'waiting-for-parts';
    const { member, raw } = await reportWithZWaitingForMember(reportId);
    try {
      // Offline, the member types after the "G", and a long appendix: sent in parts.
      member.doc.getText('body').insert(6, 'X');
      member.doc.getText('appendix').insert(0, 'Annex. '.repeat(2_000));
      const dropped = loggedEvents('update.waiting_misplaced_dropped');
      await sendInParts({ url: server.url, reportId, doc: member.doc, partBytes: 4096 }).done;
      await waitFor(() => loggedEvents('update.waiting_misplaced_dropped') === dropped + 1, 10_000, 'the log line');
      expect(await newcomerReads(reportId)).toBe('The WGXIG report.');
    } finally {
      raw.terminate();
    }
  });

  it('keeps serving the connected writer through all of it, large updates included', async () => {
    // A real update larger than the inline limit goes through the bounded worker check.
    const big = 'x'.repeat(200 * 1024);
    writer.doc.getText('appendix').insert(0, big);
    await writer.settled();
    const reader = connectClient(server.url, REPORT);
    try {
      await reader.settled();
      await waitFor(() => reader.doc.getText('appendix').length === big.length, 20_000, 'the large update');
    } finally {
      reader.destroy();
    }
    writer.doc.getText('appendix').delete(0, big.length);
    await writer.settled();
  });
});

describe('bounded update decoding', () => {
  it('stops a decode that would never end (yjs#687, v2) and stays usable', async () => {
    const guard = new UpdateGuard({ timeoutMs: 500 });
    try {
      await expect(guard.check(YJS_687, 'v2')).rejects.toBeInstanceOf(MalformedUpdateError);
      // The checker was replaced and still validates good updates of any size.
      const d = new Y.Doc();
      d.getText('t').insert(0, 'y'.repeat(100 * 1024));
      // (A whole document brings every character its text refers to: nothing to look up in the report.)
      await expect(guard.check(Y.encodeStateAsUpdate(d))).resolves.toHaveLength(0);
      await expect(guard.check(Y.encodeStateAsUpdateV2(d), 'v2')).resolves.toHaveLength(0);
      await expect(guard.check(new Uint8Array(guard.maxBytes + 1))).rejects.toThrow(/exceeds/);
    } finally {
      await guard.close();
    }
  });

  it('refuses off the main thread, as inline, an update Yjs would apply only in part (v1 and v2)', async () => {
    const guard = new UpdateGuard({ timeoutMs: 5_000 });
    try {
      // Past the inline limit: the worker decodes it.
      const large = craftedUpdate([
        { client: FIRST_INTEGRATED_CLIENT, text: 'FORGED '.repeat(12 * 1024) },
        { client: 1, text: 'x', origin: { client: 1, clock: 7 } },
      ]);
      expect(large.length).toBeGreaterThan(INLINE_DECODE_LIMIT);
      await expect(guard.check(large)).rejects.toThrow(/refers to its own client's clock 7, not yet written/);
      await expect(guard.check(Y.convertUpdateFormatV1ToV2(large), 'v2')).rejects.toThrow(/not yet written/);
      await expect(guard.check(Y.convertUpdateFormatV1ToV2(halfApplyingUpdate()), 'v2')).rejects.toBeInstanceOf(MalformedUpdateError);
    } finally {
      await guard.close();
    }
  });
});

describe('hostile input on the app side (main ↔ renderer link)', () => {
  it('refuses each malformed message with a clear error and leaves the report unchanged', async () => {
    const { ReportSession } = await import('../../main/services/report-session.ts');
    const { MalformedMessageError } = await import('../../main/services/messages.ts');
    const doc = new Y.Doc({ gc: false });
    doc.getText('body').insert(0, 'The WGIG report.');
    const stored: Uint8Array[] = [];
    const session = new ReportSession(doc, (update) => stored.push(update));
    const peer = session.connect(() => {});
    const before = Y.encodeStateAsUpdate(doc);
    const syncUpdate = (update: Uint8Array): Uint8Array => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, update);
      return encoding.toUint8Array(e);
    };
    const hostile = [
      seededBytes(7, 64),
      new Uint8Array(0),
      new TextEncoder().encode('..`'),
      syncUpdate(YJS_479),
      syncUpdate(new Uint8Array(0)),
      syncUpdate(YJS_687),
      syncUpdate(halfApplyingUpdate()),
    ];
    for (const message of hostile) {
      expect(() => peer.receive(message)).toThrow(MalformedMessageError);
    }
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect(stored).toEqual([]);
    session.destroy();
  });
});
