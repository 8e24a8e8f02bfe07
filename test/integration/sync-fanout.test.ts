/**
 * The server's fan-out as members on raw sockets see it, message by message: a member
 * gets the acknowledgement of its own update but not the update itself back, the
 * other members get it; and when an update completes one the server was holding
 * (its dependencies had not arrived), its sender gets what it completed as well.
 * What a commit held for one member leaves in one socket write once it is released.
 * And the store hooks, whose idle timer is no longer pushed back by every keystroke,
 * still run once the typing stops, on the report as the last keystroke left it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { Extension } from '@hocuspocus/server';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { DurableOutbox, outboxSender } from '../../main/services/sync/durable-outbox.ts';
import { tempDir, waitFor } from './fixtures/sync/harness.ts';

const Wire = { sync: 0, auth: 2, syncStatus: 8, ping: 9, pong: 10 } as const;
const REPORT = 'fanout-report';

interface RawMember {
  doc: Y.Doc;
  /** Payloads of the sync updates (and step 2s) the server sent, in order. */
  updates: Uint8Array[];
  /** SyncStatus acknowledgements received (one per sync step 2 or update sent). */
  acks: number;
  synced: boolean;
  sendUpdate(update: Uint8Array): void;
  close(): void;
}

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, REPORT);
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const syncFrame = (subtype: number, payload: Uint8Array): Uint8Array => frame(Wire.sync, (e) => {
  encoding.writeVarUint(e, subtype);
  encoding.writeVarUint8Array(e, payload);
});

/** A member speaking the Hocuspocus wire format on a plain socket, applying what it receives. */
function rawMember(url: string): RawMember {
  const socket = new WebSocket(url);
  const member: RawMember = {
    doc: new Y.Doc(),
    updates: [],
    acks: 0,
    synced: false,
    sendUpdate: (update) => socket.send(syncFrame(2, update)),
    close: () => socket.close(),
  };
  socket.on('open', () => {
    socket.send(frame(Wire.auth, (e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarString(e, '');
      encoding.writeVarString(e, '4.8.0');
    }));
    socket.send(syncFrame(0, Y.encodeStateVector(member.doc)));
  });
  socket.on('message', (data: Buffer) => {
    if (data.length === 1 && data[0] === Wire.ping) {
      socket.send(new Uint8Array([Wire.pong]));
      return;
    }
    const decoder = decoding.createDecoder(new Uint8Array(data));
    decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === Wire.syncStatus) member.acks += 1;
    if (type !== Wire.sync) return;
    const subtype = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (subtype === 0) {
      socket.send(syncFrame(1, Y.encodeStateAsUpdate(member.doc, payload)));
      return;
    }
    if (subtype === 1) member.synced = true;
    else member.updates.push(payload);
    Y.applyUpdate(member.doc, payload, 'server');
  });
  socket.on('error', () => {});
  return member;
}

/** Makes a change on `doc` and returns it as one update. */
function change(doc: Y.Doc, key: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getMap('m').set(key, key);
  return Y.encodeStateAsUpdate(doc, before);
}

const keysOf = (update: Uint8Array): string[] => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return [...doc.getMap('m').keys()].sort();
};

let server: SyncServer | null = null;
const members: RawMember[] = [];

afterEach(async () => {
  for (const member of members.splice(0)) member.close();
  await server?.close();
  server = null;
});

async function join(count: number): Promise<RawMember[]> {
  server ??= await startSyncServer({ dataDir: tempDir(), log: silentLogger });
  const joined = Array.from({ length: count }, () => rawMember(server!.url));
  members.push(...joined);
  await waitFor(() => joined.every((m) => m.synced), 20_000, 'members to sync');
  return joined;
}

describe('sync server fan-out', () => {
  it("acknowledges a member's update without sending it back, and sends it to every other member", async () => {
    const [alice, bob, carol] = await join(3) as [RawMember, RawMember, RawMember];
    const acked = alice.acks; // the acknowledgement of her sync step 2 may be among them
    alice.sendUpdate(change(alice.doc, 'alice'));
    await waitFor(() => bob.doc.getMap('m').has('alice') && carol.doc.getMap('m').has('alice') && alice.acks === acked + 1, 20_000, "alice's update");
    // Bob answers only once he has Alice's update, so anything the server sent Alice
    // about her own update is on her socket ahead of Bob's.
    bob.sendUpdate(change(bob.doc, 'bob'));
    await waitFor(() => alice.doc.getMap('m').has('bob'), 20_000, "bob's update at alice");
    expect(alice.updates.map(keysOf)).toEqual([['bob']]);
    expect(carol.updates.map(keysOf)).toEqual([['alice'], ['bob']]);
  });

  it('sends the sender what its update completed: an update the server held for a missing dependency', async () => {
    const [early, late, watcher] = await join(3) as [RawMember, RawMember, RawMember];
    // One writer's two changes, the second depending on the first.
    const writer = new Y.Doc();
    const first = change(writer, 'first');
    const second = change(writer, 'second');
    const acked = early.acks;
    early.sendUpdate(second); // held by the server: its dependency has not arrived
    await waitFor(() => early.acks === acked + 1, 20_000, 'the early update to be acknowledged');
    late.sendUpdate(first); // completes it: the server's change now carries both
    await waitFor(() => ['first', 'second'].every((key) => late.doc.getMap('m').has(key)), 20_000, 'the completed update at its sender');
    await waitFor(() => ['first', 'second'].every((key) => watcher.doc.getMap('m').has(key) && early.doc.getMap('m').has(key)), 20_000, 'the completed update at the others');
  });
});

describe('store hooks while members type', () => {
  it('run after a burst of keystrokes, on the report as the last one left it, and before it unloads', async () => {
    const stored: string[] = [];
    let unloaded = false;
    const recorder: Extension = {
      extensionName: 'StoreRecorder',
      async onStoreDocument({ document }) {
        stored.push(String(document.getMap('m').get('last')));
      },
      async afterUnloadDocument() {
        unloaded = true;
      },
    };
    server = await startSyncServer({ storage: recorder, idleStoreMs: 200, log: silentLogger });
    const [typist] = await join(1) as [RawMember];
    const acked = typist.acks;
    // Keystrokes 10 ms apart: well within the 50 ms the idle timer is left alone for.
    for (let i = 1; i <= 20; i++) {
      const before = Y.encodeStateVector(typist.doc);
      typist.doc.getMap('m').set('last', `keystroke ${i}`);
      typist.sendUpdate(Y.encodeStateAsUpdate(typist.doc, before));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => typist.acks === acked + 20, 20_000, 'the keystrokes to be acknowledged');
    await waitFor(() => stored.includes('keystroke 20'), 20_000, 'a store after the last keystroke');
    // A report left by its last member is stored if due, then unloaded.
    const before = Y.encodeStateVector(typist.doc);
    typist.doc.getMap('m').set('last', 'parting words');
    typist.sendUpdate(Y.encodeStateAsUpdate(typist.doc, before));
    await waitFor(() => typist.acks === acked + 21, 20_000, 'the parting words to be acknowledged');
    typist.close();
    await waitFor(() => unloaded, 20_000, 'the report to unload');
    expect(stored.at(-1)).toBe('parting words');
  });
});

describe('held messages to one member', () => {
  it('leave in one socket write when the commit is done, in order; later ones at once', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<{ ws: WebSocket; socket: Socket }>((resolve) => {
      wss.on('connection', (ws, req) => resolve({ ws, socket: req.socket }));
    });
    const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data: Buffer) => received.push(data.toString()));
    try {
      const { ws, socket } = await accepted;
      // Count the socket's writes to the kernel (one per _write or _writev call).
      let writes = 0;
      const writable = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
      for (const name of ['_write', '_writev'] as const) {
        const original = writable[name]!.bind(socket);
        writable[name] = (...args: unknown[]) => {
          writes += 1;
          return original(...args);
        };
      }
      const outbox = new DurableOutbox();
      const send = outboxSender(outbox, socket, () => ws.readyState === ws.OPEN, (data) => ws.send(data));
      const text = (s: string): Uint8Array => new TextEncoder().encode(s);
      outbox.hold(); // a commit is open
      send(text('acknowledgement'));
      send(text('broadcast'));
      send(text('another acknowledgement'));
      expect(writes).toBe(0);
      outbox.release();
      expect(writes).toBe(1);
      send(text('after the commit'));
      expect(writes).toBe(2);
      await waitFor(() => received.length === 4, 20_000, 'the messages');
      expect(received).toEqual(['acknowledgement', 'broadcast', 'another acknowledgement', 'after the commit']);
    } finally {
      client.close();
      wss.close();
      http.close();
    }
  });
});
