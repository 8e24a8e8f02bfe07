// Merge after a week offline: 40 members, each working alone on a copy of a 300-paragraph
// report for a week (500 edits — typing bursts, deletions, new paragraphs — and 50 signed
// stances each), then their changes meet in one report. Target: merge < 200 ms.
// The week is made two ways (week-of-edits.ts): typed through the editor binding, keystroke
// by keystroke, as the app makes it (the headline), and written straight into Yjs, one
// item per burst (the bench's first workload, kept for comparison). Measured:
// - Yjs alone: the 40 updates applied to the report's Y.Doc in one transaction (v1 and v2
//   updates), and merged first with Y.mergeUpdatesV2; 3 runs each on fresh copies, wall
//   and CPU, and the garbage collector's share of the span (V8's gc performance entries).
//   These run in one process after the counts have decoded the same updates, so even the
//   first of them runs partly optimized code;
// - the merge cold, as the first merge after launch is: a fresh process that loads the
//   report, reads the 40 weeks as bytes and applies them in one transaction, nothing of
//   them decoded before (3 processes, taking turns with the first imports);
// - where the time goes: decoding alone, and the same apply with an 'update' listener
//   (an open report has one: Yjs then encodes the transaction's update for the file and
//   the renderer);
// - end to end: the members' bundle files imported into the report file, all at once as
//   File → Import changes… does with the files the secretariat picks together
//   (main/services/bundle-import.ts: checksum, decompress, stance texts rebuilt, bounded
//   decode, apply, SQLite commit): the first import after launch, in a fresh process that
//   only opens the report and imports (nothing of Yjs warmed up but the report's loading),
//   once with the decoding worker starting inside the span and once started when the
//   import dialog opened (prepareBundleImport, as the app does; the user takes a second
//   to pick the files), 3 processes each, alternating; then one by one, and all at once
//   again on fresh copies (warm), and the resulting file size;
// - in the editor (merge-in-editor.ts): the 40 files imported through the real editor's
//   Import changes… (browser host, headless Chromium): click → notice, and the page's
//   longest task (the editor applying the merged update).
// The weeks and the bundle files are made first and written to a temporary folder; the
// measurements run in fresh processes that only read them (the heap of typing 20,000
// edits would otherwise bill its garbage collection to the merge). MERGE_BENCH_NODE_FLAGS
// passes V8 flags to them (e.g. --max-semi-space-size=32 to try a larger young generation).
// Prints tables; never fails on timing. Typing the 40 weeks through the binding takes a
// few minutes; MERGE_BENCH_WORKLOAD=direct skips it.
// Run: `npm run bench -- merge` (or `node test/bench/merge-bench.ts`).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import * as Y from 'yjs';
import { createReportDoc, endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { ReportStore } from '../../main/services/report-store.ts';
import { closeAllReports, openReportFile } from '../../main/services/open-report.ts';
import { BundlePeers, brotliCodec, exportBundle, importBundle, importBundles, prepareBundleImport } from '../../main/services/bundles.ts';
import { decodeBundle } from '../../shared/bundle.ts';
import { mergeInEditor } from './merge-in-editor.ts';
import { EDITS, MEMBERS, PARAGRAPHS, REPORT_ID, STANCES, baseReport, directWeek, members, typedWeek } from './week-of-edits.ts';

const gcPauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });
// V8 hands gc entries to observers a little later than the pause itself.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

interface Sample { wall: number; cpu: number; gc: number }
async function measure(run: () => unknown): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const t1 = performance.now();
  const used = process.cpuUsage(cpu);
  await settle();
  const gc = gcPauses.filter((p) => p.start >= t0 && p.start < t1).reduce((n, p) => n + p.duration, 0);
  return { wall: t1 - t0, cpu: (used.user + used.system) / 1000, gc };
}
const fmt = (x: Sample): string => `${x.wall.toFixed(0)} (CPU ${x.cpu.toFixed(0)}, GC ${x.gc.toFixed(0)})`;

const mode = process.argv[2];
const measureDir = mode === '--measure' || mode === '--first-import' || mode === '--first-merge' ? process.argv[3]! : null;
const workDir = measureDir ?? mkdtempSync(join(tmpdir(), 'plenary-merge-weeks-'));
const bundlePaths = Array.from({ length: MEMBERS }, (_, m) => join(workDir, `m${m}.plenary-changes`));
const reportPath = join(workDir, 'report.plenary');

/** The base report file, and each member's week as the bundle they send the secretariat. */
async function writeBundles(base: Uint8Array, memberUpdates: Uint8Array[]): Promise<void> {
  const baseVector = Y.encodeStateVectorFromUpdate(base);
  ReportStore.create(reportPath, { reportId: REPORT_ID, created: '2026-11-28T00:00:00.000Z', initialUpdate: base }).close();
  for (let m = 0; m < MEMBERS; m++) {
    const doc = createReportDoc();
    Y.applyUpdate(doc, base, Origin.load);
    Y.applyUpdate(doc, memberUpdates[m]!, Origin.load);
    // Each member sends what the secretariat lacks: their week (the report they left with is known).
    const peers = new BundlePeers(join(workDir, `data-${m}`));
    peers.learn(REPORT_ID, 'Secretariat', baseVector);
    await exportBundle({ doc, path: bundlePaths[m]!, recipient: 'Secretariat', sender: `Member ${m}`, peers });
  }
}

const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(workDir, name)));
const weeks = (kind: string): Uint8Array[] => Array.from({ length: MEMBERS }, (_, i) => read(`${kind}-${i}.bin`));
/** The members' weeks applied to the report in one transaction (v1 updates). */
const mergeInOneTransaction = (doc: Y.Doc, updates: Uint8Array[]): void => doc.transact(() => {
  for (const update of updates) Y.applyUpdate(doc, update, Origin.bundle);
}, Origin.bundle);

if (mode === '--first-merge') {
  // A fresh process: the report loaded as on opening it, then the 40 weeks, still undecoded.
  const doc = createReportDoc();
  Y.applyUpdate(doc, read('base.bin'), Origin.load);
  const typed = weeks('typed');
  console.log(JSON.stringify(await measure(() => mergeInOneTransaction(doc, typed))));
  process.exit(0);
}

if (mode === '--first-import') {
  // A fresh process, as after launching the app: open the report, import the 40 at once.
  const prepared = process.argv[4] === '--prepared';
  const copy = join(workDir, `first-${process.pid}.plenary`);
  copyFileSync(reportPath, copy);
  const report = openReportFile(copy);
  let done = (): void => {};
  if (prepared) {
    // The dialog opens, the user picks the files.
    done = prepareBundleImport();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const sample = await measure(() => importBundles({ doc: report.doc, paths: bundlePaths }));
  done();
  report.close();
  closeAllReports();
  rmSync(copy, { force: true });
  console.log(JSON.stringify(sample));
  process.exit(0);
}

if (!measureDir) {
  const roster = members();
  const start = Y.encodeStateAsUpdate(baseReport(roster));
  writeFileSync(join(workDir, 'base.bin'), start);
  if (process.env.MERGE_BENCH_WORKLOAD !== 'direct') {
    const t0 = performance.now();
    console.log(`Typing ${MEMBERS} weeks through the editor binding (a few minutes)…`);
    for (const [i, member] of roster.entries()) writeFileSync(join(workDir, `typed-${i}.bin`), await typedWeek(start, i, member));
    console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  roster.forEach((member, i) => writeFileSync(join(workDir, `direct-${i}.bin`), directWeek(start, i, member)));
  try {
    const flags = (process.env.MERGE_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const script = fileURLToPath(import.meta.url);
    const first: Record<string, Sample[]> = { merge: [], inside: [], prepared: [] };
    if (process.env.MERGE_BENCH_WORKLOAD !== 'direct') {
      await writeBundles(start, weeks('typed'));
      console.log(`\nFirst imports, each in a fresh process${flags.length ? ` with ${flags.join(' ')}` : ''}…`);
      for (let i = 0; i < 3; i++) {
        for (const kind of ['merge', 'inside', 'prepared'] as const) {
          const args = kind === 'merge' ? ['--first-merge', workDir] : ['--first-import', workDir, ...(kind === 'prepared' ? ['--prepared'] : [])];
          const child = spawnSync(process.execPath, [...flags, script, ...args], { stdio: ['inherit', 'pipe', 'inherit'], env: process.env, encoding: 'utf8' });
          first[kind]!.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Sample);
        }
      }
    }
    const inEditor = process.env.MERGE_BENCH_WORKLOAD !== 'direct' ? await mergeInEditor(reportPath, bundlePaths) : [];
    console.log(`\nMeasuring the rest in a fresh process${flags.length ? ` with ${flags.join(' ')}` : ''}…`);
    spawnSync(process.execPath, [...flags, script, '--measure', workDir], { stdio: 'inherit', env: process.env });
    if (first.inside!.length > 0) {
      console.log('\n| first after launch (a fresh process each, taking turns) | wall ms (CPU, GC) |\n| --- | --- |');
      console.log(`| **the merge alone, cold: the 40 typed weeks in one transaction (Yjs)** | **${first.merge!.map(fmt).join(', ')}** |`);
      console.log(`| **the decoding worker starts inside the span** | **${first.inside!.map(fmt).join(', ')}** |`);
      console.log(`| **the worker started when the import dialog opened (prepareBundleImport, 1 s before)** | **${first.prepared!.map(fmt).join(', ')}** |`);
      console.log('\n| in the editor (browser host, headless Chromium; Import changes… with the 40 files, a fresh copy each) | ms |\n| --- | --- |');
      console.log(`| **click → "imported" notice** | **${inEditor.map((x) => x.clickToNotice.toFixed(0)).join(', ')}** |`);
      console.log(`| the page's longest task meanwhile (the editor applying the merge) | ${inEditor.map((x) => x.longestTask.toFixed(0)).join(', ')} |`);
      console.log(`\nLoad average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  process.exit(0);
}
const baseUpdate = read('base.bin');
const fresh = (): Y.Doc => {
  const doc = createReportDoc();
  Y.applyUpdate(doc, baseUpdate, Origin.load);
  return doc;
};

/** 3 runs on fresh copies of the base report (this process has decoded the updates before). */
async function runs(run: (doc: Y.Doc) => void): Promise<string> {
  const samples: Sample[] = [];
  for (let i = 0; i < 3; i++) {
    const doc = fresh();
    samples.push(await measure(() => run(doc)));
  }
  return `${samples.map(fmt).join(', ')} ms`;
}

function items(updates: Uint8Array[]): { strings: number; all: number; deleted: number } {
  let strings = 0;
  let all = 0;
  let deleted = 0;
  for (const update of updates) {
    const { structs, ds } = Y.decodeUpdate(update);
    all += structs.length;
    strings += structs.filter((s) => s instanceof Y.Item && s.content instanceof Y.ContentString).length;
    for (const ranges of ds.clients.values()) deleted += ranges.length;
  }
  return { strings, all, deleted };
}

async function yjsAlone(name: string, updates: Uint8Array[]): Promise<[string, string][]> {
  const v2 = updates.map((u) => Y.convertUpdateFormatV1ToV2(u));
  const count = items(updates);
  const oneTransaction = await runs((doc) => mergeInOneTransaction(doc, updates));
  const v2Transaction = await runs((doc) => doc.transact(() => {
    for (const update of v2) Y.applyUpdateV2(doc, update, Origin.bundle);
  }, Origin.bundle));
  const merged = await runs((doc) => Y.applyUpdateV2(doc, Y.mergeUpdatesV2(v2), Origin.bundle));
  const decodeOnly = await runs(() => {
    for (const update of v2) Y.decodeUpdateV2(update);
  });
  const withListener = await runs((doc) => {
    doc.on('update', () => {});
    doc.transact(() => {
      for (const update of v2) Y.applyUpdateV2(doc, update, Origin.bundle);
    }, Origin.bundle);
  });
  const target = fresh();
  target.transact(() => {
    for (const update of v2) Y.applyUpdateV2(target, update, Origin.bundle);
  }, Origin.bundle);
  let structsAfter = 0;
  for (const structs of target.store.clients.values()) structsAfter += structs.length;
  return [
    [`${name}: the 40 updates (v1, total)`, `${(updates.reduce((n, u) => n + u.length, 0) / 1024).toFixed(0)} kB; ${count.all.toLocaleString('en')} items (${count.strings.toLocaleString('en')} of text), ${count.deleted.toLocaleString('en')} deleted ranges`],
    [`${name}: items in the report after the merge`, structsAfter.toLocaleString('en')],
    [`**${name}: apply the 40 (v1) in one transaction**`, `**${oneTransaction}**`],
    [`${name}: the 40 as v2 updates, one transaction`, v2Transaction],
    [`${name}: Y.mergeUpdatesV2 of the 40, then one apply`, merged],
    [`${name}: decoding the 40 v2 updates alone (Y.decodeUpdateV2)`, decodeOnly],
    [`${name}: v2 in one transaction with an 'update' listener (as in an open report)`, withListener],
  ];
}

async function endToEnd(): Promise<[string, string][]> {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-merge-bench-'));
  try {
    const oneByOnePath = join(dir, 'one-by-one.plenary');
    copyFileSync(reportPath, oneByOnePath);
    const oneByOne = openReportFile(oneByOnePath);
    const importTime = await measure(async () => {
      for (const path of bundlePaths) await importBundle({ doc: oneByOne.doc, path });
    });
    oneByOne.close();
    const importAll: Sample[] = [];
    let stances = 0;
    const mergedPath = join(dir, 'merged.plenary');
    for (let i = 0; i < 3; i++) {
      copyFileSync(reportPath, mergedPath);
      const report = openReportFile(mergedPath);
      importAll.push(await measure(() => importBundles({ doc: report.doc, paths: bundlePaths })));
      stances = endorsementsOf(report.doc).size;
      report.close();
    }
    const fileBytes = statSync(mergedPath).size;
    openReportFile(mergedPath).close();
    closeAllReports();
    const compactedBytes = statSync(mergedPath).size;
    const bundleBytes = bundlePaths.reduce((n, p) => n + statSync(p).size, 0);
    const refs = bundlePaths.reduce((n, p) => n + (decodeBundle(new Uint8Array(readFileSync(p)), { brotli: brotliCodec.decompress }).stanceRefs?.length ?? 0), 0);
    return [
      ['typed: 40 bundle files, each a member\'s week (total)', `${(bundleBytes / 1024).toFixed(0)} kB`],
      ['typed: stance texts sent by reference (format 5) / stances in the bundles', `${refs.toLocaleString('en')} / ${(MEMBERS * STANCES).toLocaleString('en')}`],
      ['typed: import the 40 files one by one (checksum, decompress, rebuild stance texts, bounded decode in the worker, apply, SQLite commit each)', `${fmt(importTime)} ms`],
      ['**typed: import the 40 files at once, on fresh copies, warm (importBundles: checks, then one transaction and one commit)**', `**${importAll.map(fmt).join(', ')} ms**`],
      ['stances in the merged report', String(stances)],
      ['report file after the merge / after reopening', `${(fileBytes / 1024).toFixed(0)} kB / ${(compactedBytes / 1024).toFixed(0)} kB`],
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: [string, string][] = [['members × (edits + stances), report', `${MEMBERS} × (${EDITS} + ${STANCES}), ${PARAGRAPHS} paragraphs`]];
const typedToo = process.env.MERGE_BENCH_WORKLOAD !== 'direct';
if (typedToo) rows.push(...await yjsAlone('typed', weeks('typed')));
rows.push(...await yjsAlone('direct', weeks('direct')));
if (typedToo) rows.push(...await endToEnd());
console.log('\nWall ms (CPU ms, garbage collector ms within the span); three runs in one process that has decoded the same updates before (the cold merge is the fresh-process row above).');
console.log('\n| measure | result |\n| --- | --- |');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
console.log(`\nLoad average while running: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
