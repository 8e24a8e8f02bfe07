/* global process, performance, setTimeout, clearInterval, setInterval, Buffer */
// Load generator for sync-server-bench.mjs, run as its own process: simulates members
// (reports × members-per-report), one socket each, each typing one update a second,
// and measures for every update the time until every other member of its report has
// received it (send → all others). Prints one JSON line with the latencies.
//   node sync-load.mjs '{"urls":["ws://…"],"reports":["r0",…],"perReport":20,"seconds":20,"client":"raw"}'
//
// Two kinds of member:
// - "raw" (default): a plain `ws` socket speaking the Hocuspocus wire format (auth,
//   y-protocols sync step 1/2, updates, pong). Each member encodes its own typing with a
//   tiny Y.Doc that holds only its own key, and spots the arrival of another member's
//   update by a marker in the update's bytes (`#PLM:<member>:<seq>#`) without applying
//   it. So the generator costs little per received message and the figures are the
//   server's fan-out, not a thousand client Y.Docs integrating 19,000 updates a second
//   on the same two cores.
// - "provider": the stock HocuspocusProvider with a full Y.Doc per member; "has it"
//   means applied to that member's document. Heavier; for comparison.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const { urls, reports, perReport, seconds, warmupSeconds = 3, client = 'raw', spread = false } = JSON.parse(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();

const members = [];
const pending = new Map(); // `${report}:${member}:${seq}` → { sentAt, remaining, measured }
const latencies = [];
// Updates sent before measuring: the start, when every member begins typing at once on
// reports just loaded (reported apart, not mixed into the steady state's figures).
const warmupLatencies = [];
let measuring = false;
let sent = 0; // updates sent in all, warm-up included
// Messages the members received while measuring, and updates sent meanwhile: at 20 a
// report each update costs 19 deliveries and an acknowledgement; anything more is
// what the server sends beyond that (an echo of the sender's own update).
let received = 0;
let sentMeasuring = 0;

function arrived(id, at) {
  const entry = pending.get(id);
  if (!entry) return;
  entry.remaining -= 1;
  if (entry.remaining === 0) {
    pending.delete(id);
    (entry.measured ? latencies : warmupLatencies).push(at - entry.sentAt);
  }
}

const Wire = { sync: 0, awareness: 1, auth: 2, syncStatus: 8, ping: 9, pong: 10 };
const PONG = new Uint8Array([Wire.pong]);
const MARKER = Buffer.from('#PLM:');

function message(report, type, write) {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, report);
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const syncMessage = (report, subtype, payload) => message(report, Wire.sync, (e) => {
  encoding.writeVarUint(e, subtype);
  encoding.writeVarUint8Array(e, payload);
});

/** Every marker in a received update: one per update Hocuspocus merged into the message. */
function markersIn(bytes, report, self, at) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = buffer.indexOf(MARKER); i !== -1; i = buffer.indexOf(MARKER, i + MARKER.length)) {
    const end = buffer.indexOf(0x23, i + MARKER.length); // '#'
    if (end === -1) break;
    const id = buffer.toString('latin1', i + MARKER.length, end); // "<member>:<seq>"
    if (!id.startsWith(self)) arrived(`${report}:${id}`, at); // Hocuspocus echoes to the sender too

    i = end;
  }
}

function rawMember(report, index, url) {
  const doc = new Y.Doc(); // holds only this member's own key
  const member = { report, index, doc, seq: 0, synced: false };
  const socket = new WebSocket(url);
  socket.binaryType = 'nodebuffer';
  member.socket = socket;
  socket.on('open', () => {
    socket.send(message(report, Wire.auth, (e) => {
      encoding.writeVarUint(e, 0); // token
      encoding.writeVarString(e, '');
      encoding.writeVarString(e, '4.8.0'); // the provider version this mimics
    }));
    socket.send(syncMessage(report, 0, Y.encodeStateVector(doc)));
  });
  socket.on('message', (data) => {
    if (measuring) received += 1;
    if (data.length === 1 && data[0] === Wire.ping) {
      socket.send(PONG);
      return;
    }
    const at = now();
    const decoder = decoding.createDecoder(data);
    decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== Wire.sync) return;
    const subtype = decoding.readVarUint(decoder);
    if (subtype === 0) {
      // The server's step 1: answer with what it lacks of this member's own key.
      socket.send(syncMessage(report, 1, Y.encodeStateAsUpdate(doc, decoding.readVarUint8Array(decoder))));
      return;
    }
    if (subtype === 1) member.synced = true;
    markersIn(data, report, `${index}:`, at);
  });
  socket.on('error', () => {});
  member.send = () => {
    member.seq += 1;
    const before = Y.encodeStateVector(doc);
    doc.getMap('typing').set(`m${index}`, { seq: member.seq, text: `#PLM:${index}:${member.seq}#` });
    socket.send(syncMessage(report, 2, Y.encodeStateAsUpdate(doc, before)));
  };
  member.close = () => socket.close();
  return member;
}

async function providerMember(report, index, url) {
  const { HocuspocusProvider } = await import('@hocuspocus/provider');
  const doc = new Y.Doc();
  const provider = new HocuspocusProvider({ url, name: report, document: doc, WebSocketPolyfill: WebSocket, delay: 200, minDelay: 200, maxDelay: 2000 });
  const member = { report, index, doc, seq: 0, get synced() { return provider.isSynced; } };
  doc.getMap('typing').observe((event) => {
    if (event.transaction.local) return;
    const at = now();
    for (const key of event.keysChanged) {
      const value = event.target.get(key);
      if (value) arrived(`${report}:${key.slice(1)}:${value.seq}`, at);
    }
  });
  member.send = () => {
    member.seq += 1;
    doc.getMap('typing').set(`m${index}`, { seq: member.seq, text: 'x'.repeat(8) });
  };
  member.close = () => provider.destroy();
  return member;
}

// One socket per member, as on real laptops; members of a report spread over the URLs.
for (const report of reports) {
  for (let m = 0; m < perReport; m++) {
    const url = urls[m % urls.length];
    members.push(client === 'provider' ? await providerMember(report, m, url) : rawMember(report, m, url));
  }
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + 120_000;
while (members.some((m) => !m.synced)) {
  if (Date.now() > deadline) {
    process.stdout.write(`${JSON.stringify({ error: `only ${members.filter((m) => m.synced).length} of ${members.length} members synced` })}\n`);
    process.exit(1);
  }
  await wait(50);
}

// Each member types once a second, at its own phase. By default (the figures recorded
// since 2026-11-28 morning) member i of this process starts at (i × 997) mod 1000 ms:
// consecutive members — those of one report — 3 ms apart, so a report's 20 updates
// arrive within ~60 ms each second and the server often merges two or more into one
// broadcast. `spread` puts a report's members 1000 / perReport ms apart (and the
// reports at offsets of their own), as members typing independently would be: every
// update then tends to be its own broadcast (more messages per update).
const phaseOf = (member, i) => (spread
  ? Math.floor((member.index * 1000) / perReport + (reports.indexOf(member.report) * 997) / reports.length) % 1000
  : (i * 997) % 1000);
const timers = members.map((member, i) => setTimeout(() => {
  member.timer = setInterval(() => {
    pending.set(`${member.report}:${member.index}:${member.seq + 1}`, { sentAt: now(), remaining: perReport - 1, measured: measuring });
    member.send();
    sent += 1;
    if (measuring) sentMeasuring += 1;
  }, 1000);
}, phaseOf(member, i)));
await wait(warmupSeconds * 1000);
measuring = true;
process.stdout.write('{"phase":"measuring"}\n'); // the bench samples the servers' CPU here…
const cpuBefore = process.cpuUsage();
// This process's own event-loop delay while measuring: a late loop here would read
// arrivals late and charge it to the server (the generator is not the bottleneck when
// its p99 delay is a small part of the measured latency).
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
await wait(seconds * 1000);
loopDelay.disable();
const cpu = process.cpuUsage(cpuBefore);
measuring = false;
process.stdout.write('{"phase":"measured"}\n'); // …and here
for (const member of members) clearInterval(member.timer);
for (const t of timers) clearInterval(t);
await wait(2000);
const lost = [...pending.values()].filter((e) => e.measured).length;
for (const member of members) member.close();
const result = {
  latencies: latencies.map((ms) => Math.round(ms * 10) / 10), warmupLatencies: warmupLatencies.map((ms) => Math.round(ms * 10) / 10), lost, members: members.length, sent, received, sentMeasuring, cpuMs: (cpu.user + cpu.system) / 1000,
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6,
};
// A pipe is written asynchronously: exit only once the (long) line is out.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
