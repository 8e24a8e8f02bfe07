/**
 * Seeded convergence fuzz (test/integration/fuzz/convergence-session.ts): peers editing
 * the report with our schema's commands, undo and redo, and signed stances, linked through main's
 * ReportSession with the y-protocols messages reordered, duplicated and cut, and
 * exchanging update bundles (some lost, some tampered with), end identical, valid, with
 * unique block ids and every stance. A failure names its seed; replay it with
 * `PLENARY_FUZZ_SEED=<seed> npm run fuzz`. `npm run fuzz -- --sessions N` runs more.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { ReportSession } from '../../main/services/report-session.ts';
import { encodeUpdate, handleMessage } from '../../shared/sync-messages.ts';
import { runSessions, seedsToRun } from './fuzz/run-sessions.ts';

const SESSIONS = Number(process.env.PLENARY_FUZZ_SESSIONS ?? 250);
// Fixed seeds, so CI is repeatable; `npm run fuzz` explores random windows of seeds.
const FIRST = Number(process.env.PLENARY_FUZZ_FIRST ?? 1);

describe('convergence fuzz', () => {
  it(`${SESSIONS} seeded sessions converge (first seed ${FIRST})`, async () => {
    const seeds = seedsToRun(SESSIONS, process.env, FIRST);
    console.log(`convergence fuzz: seeds ${seeds[0]}…${seeds[seeds.length - 1]} (replay one with PLENARY_FUZZ_SEED=<seed>)`);
    const run = await runSessions(seeds, (line) => console.error(line));
    expect(run.failures.map((f) => f.message)).toEqual([]);
    // The sessions really exercised what they claim to.
    if (seeds.length >= 50) {
      for (const op of ['type', 'split', 'join', 'list', 'heading', 'undo', 'redo', 'stance', 'deliver', 'disconnect', 'bundle-incremental', 'bundle-complete', 'bundle-tampered', 'parts']) {
        expect(run.ops[op] ?? 0, op).toBeGreaterThan(0);
      }
    }
  }, 300_000);
});

describe('ReportSession with updates held back', () => {
  it('sends a peer the others\' changes its message released from Yjs\'s pending structs', () => {
    // Found by the fuzz (a seed with bundles): Q's update waits at the hub for an
    // earlier one; P (who got the earlier one by bundle) sends it; the hub's update now
    // carries Q's change too, and must reach P although P's message caused it.
    const author = new Y.Doc();
    const text = author.getText('t');
    const updates: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => updates.push(u));
    text.insert(0, 'a');
    text.insert(1, 'b');
    const [first, second] = updates as [Uint8Array, Uint8Array];

    const hub = new ReportSession(new Y.Doc(), () => {});
    const pDoc = new Y.Doc();
    const pAwareness = new awarenessProtocol.Awareness(pDoc);
    const toP: Uint8Array[] = [];
    const p = hub.connect((m) => toP.push(m));
    const q = hub.connect(() => {});
    q.receive(encodeUpdate(second));
    expect(hub.doc.getText('t').toString()).toBe('');
    Y.applyUpdate(pDoc, first);
    p.receive(encodeUpdate(first));
    expect(hub.doc.getText('t').toString()).toBe('ab');
    for (const m of toP) handleMessage(m, pDoc, pAwareness, 'hub');
    expect(pDoc.getText('t').toString()).toBe('ab');
    pAwareness.destroy();
    hub.destroy();
  });
});
