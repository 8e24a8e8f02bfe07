// Merge after a week offline: 40 members, each working alone on a copy of a 300-paragraph
// report for a week (500 edits — typing bursts, deletions, new paragraphs — and 50 signed
// stances each), then their changes meet in one report. Measured three ways:
// - Yjs alone: the 40 updates applied to the report's Y.Doc (baseline);
// - in one transaction, merged with Y.mergeUpdates, and as v2 updates;
// - end to end: the members' update bundle files imported into the report file
//   (main/services/bundles.ts: checksum, inflate, decode bound, apply, SQLite commit),
//   one by one and all at once, and the resulting file size (and after reopening).
// Target: merge < 200 ms. Prints a table; never fails on timing.
// Run: `npm run bench -- merge` (or `node test/bench/merge-bench.ts`).
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, endorsementsOf, Origin, writeMeta } from '../../shared/ydoc.ts';
import { addCreatorAsChair, addMember } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { signEndorsement, type EndorsementFields } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { textHash } from '../../shared/text-hash.ts';
import { ReportStore } from '../../main/services/report-store.ts';
import { closeAllReports, openReportFile } from '../../main/services/open-report.ts';
import { exportBundle, importBundle, importBundles } from '../../main/services/bundles.ts';
import { ensureUniqueIds } from '../../shared/block-ids.ts';
import { BundlePeers } from '../../main/services/bundles.ts';
import { UpdateGuard } from '../../main/services/sync/update-guard.ts';
import { reportBody } from './report-generator.ts';

const MEMBERS = 40;
const EDITS = 500;
const STANCES = 50;
const PARAGRAPHS = 300;
const REPORT_ID = 'merge-bench';

let seed = 7;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const WORDS = 'the forum should be open inclusive and transparent with governments private sector civil society'.split(' ');

function baseReport(keys: { publicKey: string }[]): Y.Doc {
  const doc = createReportDoc();
  writeMeta(doc, { id: REPORT_ID, title: 'Merge bench', consensusRule: 'default', created: '2026-11-28T00:00:00.000Z' }, Origin.seed);
  doc.transact(() => prosemirrorJSONToYXmlFragment(schema, ensureUniqueIds(reportBody(PARAGRAPHS), (() => { let n = 0; return () => `blk-${n++}`; })()).doc, bodyOf(doc)), Origin.seed);
  keys.forEach((key, i) => {
    const input = { id: `m${i}`, name: `Member ${i}`, group: pick(['government', 'private-sector', 'civil-society', 'international-organization']), region: 'african', development: 'developing', gender: 'woman', publicKey: key.publicKey };
    if (i === 0) addCreatorAsChair(doc, input, Origin.seed);
    else addMember(doc, { ...input, role: 'member' }, Origin.seed);
  });
  return doc;
}

function paragraphs(doc: Y.Doc): Y.XmlElement[] {
  return bodyOf(doc).toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === 'paragraph');
}

function textOf(p: Y.XmlElement): Y.XmlText | null {
  const first = p.get(0);
  return first instanceof Y.XmlText ? first : null;
}

/** A week of one member's work on their own copy. */
function week(doc: Y.Doc, member: number, privateKey: string): void {
  for (let e = 0; e < EDITS; e++) {
    const ps = paragraphs(doc);
    const p = pick(ps);
    const text = textOf(p);
    const roll = random();
    doc.transact(() => {
      if (roll < 0.7 && text) {
        const burst = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(WORDS)).join(' ') + ' ';
        text.insert(Math.floor(random() * (text.length + 1)), burst);
      } else if (roll < 0.9 && text && text.length > 10) {
        const at = Math.floor(random() * (text.length - 5));
        text.delete(at, Math.min(text.length - at, 1 + Math.floor(random() * 30)));
      } else {
        const fresh = new Y.XmlElement('paragraph');
        fresh.setAttribute('id', `p-${member}-${e}`);
        fresh.insert(0, [new Y.XmlText(`New paragraph by member ${member}.`)]);
        const body = bodyOf(doc);
        body.insert(Math.floor(random() * body.length), [fresh]);
      }
    }, Origin.local);
  }
  const ps = paragraphs(doc);
  for (let s = 0; s < STANCES; s++) {
    const p = ps[(member * 7 + s) % ps.length]!;
    const text = textOf(p)?.toString() ?? '';
    const fields: EndorsementFields = {
      blockId: String(p.getAttribute('id')), memberId: `m${member}`, stance: 'endorse', textHash: textHash(text), text, note: '',
      at: new Date(Date.UTC(2026, 10, 20 + (s % 7))).toISOString(),
    };
    doc.transact(() => endorsementsOf(doc).set(endorsementKey(fields.blockId, fields.memberId), signEndorsement(REPORT_ID, fields, privateKey)), Origin.local);
  }
}

function ms(from: number): number {
  return performance.now() - from;
}

/** Wall and CPU time of `run` (CPU is the whole process's: the guard's worker thread included). */
async function timed(run: () => unknown): Promise<string> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = ms(t0);
  const used = process.cpuUsage(cpu);
  return `${wall.toFixed(0)} ms (CPU ${((used.user + used.system) / 1000).toFixed(0)} ms)`;
}

const keys = Array.from({ length: MEMBERS }, () => generateKeyPair());
const base = baseReport(keys);
const baseUpdate = Y.encodeStateAsUpdate(base);
const baseVector = Y.encodeStateVector(base);
console.log(`Setting up: ${MEMBERS} members × (${EDITS} edits + ${STANCES} signed stances) on a ${PARAGRAPHS}-paragraph report…`);
const updates: Uint8Array[] = [];
const memberDocs: Y.Doc[] = [];
for (let m = 0; m < MEMBERS; m++) {
  const doc = createReportDoc();
  Y.applyUpdate(doc, baseUpdate, Origin.load);
  week(doc, m, keys[m]!.privateKey);
  updates.push(Y.encodeStateAsUpdate(doc, baseVector));
  memberDocs.push(doc);
}
const updateBytes = updates.reduce((n, u) => n + u.length, 0);

// Yjs alone, four ways, each on a fresh copy of the base report, 3 runs (the first runs
// before the JIT has warmed up for it: a merge in the app is usually cold).
const updatesV2 = updates.map((u) => Y.convertUpdateFormatV1ToV2(u));
const fresh = (): Y.Doc => {
  const doc = createReportDoc();
  Y.applyUpdate(doc, baseUpdate, Origin.load);
  return doc;
};
interface Sample { wall: number; cpu: number }
async function sample(run: (doc: Y.Doc) => void): Promise<Sample> {
  const doc = fresh();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  run(doc);
  const wall = ms(t0);
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
async function runs(run: (doc: Y.Doc) => void): Promise<string> {
  const samples: Sample[] = [];
  for (let i = 0; i < 3; i++) samples.push(await sample(run));
  const fmt = (x: Sample): string => `${x.wall.toFixed(0)} (CPU ${x.cpu.toFixed(0)})`;
  return `${samples.map(fmt).join(', ')} ms`;
}
const sequentialTime = await runs((doc) => {
  for (const update of updates) Y.applyUpdate(doc, update, Origin.bundle);
});
const oneTransactionTime = await runs((doc) => doc.transact(() => {
  for (const update of updates) Y.applyUpdate(doc, update, Origin.bundle);
}, Origin.bundle));
const mergedTime = await runs((doc) => Y.applyUpdate(doc, Y.mergeUpdates(updates), Origin.bundle));
const v2Time = await runs((doc) => doc.transact(() => {
  for (const update of updatesV2) Y.applyUpdateV2(doc, update, Origin.bundle);
}, Origin.bundle));
const sequential = fresh();
for (const update of updates) Y.applyUpdate(sequential, update, Origin.bundle);
const merged = fresh();
Y.applyUpdate(merged, Y.mergeUpdates(updates), Origin.bundle);

// End to end through bundle files into a report file.
const dir = mkdtempSync(join(tmpdir(), 'plenary-merge-bench-'));
try {
  const reportPath = join(dir, 'report.plenary');
  ReportStore.create(reportPath, { reportId: REPORT_ID, created: '2026-11-28T00:00:00.000Z', initialUpdate: baseUpdate }).close();
  const bundlePaths: string[] = [];
  for (let m = 0; m < MEMBERS; m++) {
    const path = join(dir, `m${m}.plenary-changes`);
    // Each member sends what the secretariat lacks: their week (the report they left with is known).
    const peers = new BundlePeers(join(dir, `data-${m}`));
    peers.learn(REPORT_ID, 'Secretariat', baseVector);
    await exportBundle({ doc: memberDocs[m]!, path, recipient: 'Secretariat', sender: `Member ${m}`, peers });
    bundlePaths.push(path);
  }
  const guard = new UpdateGuard({ maxBytes: 256 * 1024 * 1024, timeoutMs: 30_000 });
  await guard.check(new Uint8Array(70 * 1024).fill(0)).catch(() => {}); // start the decode worker outside the timing
  // One by one (Import changes… forty times), then all at once (importBundles), each
  // into its own copy of the report file.
  const oneByOnePath = join(dir, 'one-by-one.plenary');
  copyFileSync(reportPath, oneByOnePath);
  const oneByOne = openReportFile(oneByOnePath);
  const importTime = await timed(async () => {
    for (const path of bundlePaths) await importBundle({ doc: oneByOne.doc, path, guard });
  });
  oneByOne.close();
  const report = openReportFile(reportPath);
  const importAllTime = await timed(() => importBundles({ doc: report.doc, paths: bundlePaths, guard }));
  await guard.close();
  const stances = endorsementsOf(report.doc).size;
  const sv = (doc: Y.Doc): string => [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort().join();
  const same = sv(sequential) === sv(merged) && sv(sequential) === sv(report.doc);
  report.close();
  const fileBytes = statSync(reportPath).size;
  const reopened = openReportFile(reportPath);
  reopened.close();
  closeAllReports();
  const compactedBytes = statSync(reportPath).size;
  const bundleBytes = bundlePaths.reduce((n, p) => n + statSync(p).size, 0);

  const rows: [string, string][] = [
    ['members × (edits + stances)', `${MEMBERS} × (${EDITS} + ${STANCES})`],
    ['the 40 members\' updates (total)', `${(updateBytes / 1024).toFixed(0)} kB`],
    ['apply the 40 updates one by one (Yjs; 3 runs, ms wall (CPU))', sequentialTime],
    ['**apply the 40 updates in one transaction (Y.transact around the applies)**', `**${oneTransactionTime}**`],
    ['Y.mergeUpdates of the 40, then one apply', mergedTime],
    ['the 40 as v2 updates, applied in one transaction', v2Time],
    ['40 bundle files (format 2), each a member\'s week (total)', `${(bundleBytes / 1024).toFixed(0)} kB`],
    ['import the 40 bundle files one by one (checksum, inflate, bounded decode in the worker, apply, SQLite commit each)', importTime],
    ['**import the 40 bundle files at once (importBundles: checks, then one transaction and one commit)**', `**${importAllTime}**`],
    ['stances in the merged report', String(stances)],
    ['report file after the merge / after reopening', `${(fileBytes / 1024).toFixed(0)} kB / ${(compactedBytes / 1024).toFixed(0)} kB`],
    ['base report file (300 paragraphs, 40 members)', `${(baseUpdate.length / 1024).toFixed(0)} kB of Yjs state`],
  ];
  console.log('\n| measure | result |\n| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  console.log(`\nEvery merge (Yjs one by one, merged, and the imported report file) reaches the same state vector: ${same}. Load average while running: ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
