/* global process, performance, setTimeout, clearInterval, setInterval */
// Load generator for sync-server-bench.mjs, run as its own process: opens one stock
// Hocuspocus provider per simulated member (reports × members-per-report), each typing
// one update a second, and measures for every update the time until every other member
// of its report has it (send → all others). Prints one JSON line with the latencies.
//   node sync-load.mjs '{"urls":["ws://…"],"reports":["r0",…],"perReport":20,"seconds":20}'
import * as Y from 'yjs';
import WebSocket from 'ws';
import { HocuspocusProvider } from '@hocuspocus/provider';

const { urls, reports, perReport, seconds, warmupSeconds = 3 } = JSON.parse(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();

const members = [];
const pending = new Map(); // `${report}:${sender}:${seq}` → { sentAt, remaining }
const latencies = [];
let measuring = false;

// One socket per member, as on real laptops; members of a report spread over the URLs.
for (const report of reports) {
  for (let m = 0; m < perReport; m++) {
    const url = urls[m % urls.length];
    const doc = new Y.Doc();
    const provider = new HocuspocusProvider({ url, name: report, document: doc, WebSocketPolyfill: WebSocket, delay: 200, minDelay: 200, maxDelay: 2000 });
    const name = `m${m}`;
    const member = { report, name, doc, provider, seq: 0 };
    doc.getMap('typing').observe((event) => {
      if (event.transaction.local) return;
      const at = now();
      for (const key of event.keysChanged) {
        const value = event.target.get(key);
        if (!value) continue;
        const id = `${report}:${key}:${value.seq}`;
        const entry = pending.get(id);
        if (!entry) continue;
        entry.remaining -= 1;
        if (entry.remaining === 0) {
          pending.delete(id);
          if (entry.measured) latencies.push(at - entry.sentAt);
        }
      }
    });
    members.push(member);
  }
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + 120_000;
while (members.some((m) => !m.provider.isSynced)) {
  if (Date.now() > deadline) {
    process.stdout.write(`${JSON.stringify({ error: `only ${members.filter((m) => m.provider.isSynced).length} of ${members.length} members synced` })}\n`);
    process.exit(1);
  }
  await wait(50);
}

// Each member types once a second, at its own phase.
const timers = members.map((member, i) => {
  const start = () => {
    member.timer = setInterval(() => {
      member.seq += 1;
      const sentAt = now();
      pending.set(`${member.report}:${member.name}:${member.seq}`, { sentAt, remaining: perReport - 1, measured: measuring });
      member.doc.getMap('typing').set(member.name, { seq: member.seq, text: 'x'.repeat(8) });
    }, 1000);
  };
  return setTimeout(start, (i * 997) % 1000);
});
await wait(warmupSeconds * 1000);
measuring = true;
await wait(seconds * 1000);
measuring = false;
for (const member of members) clearInterval(member.timer);
for (const t of timers) clearInterval(t);
await wait(2000);
const lost = [...pending.values()].filter((e) => e.measured).length;
process.stdout.write(`${JSON.stringify({ latencies, lost, members: members.length })}\n`);
for (const member of members) member.provider.destroy();
process.exit(0);
