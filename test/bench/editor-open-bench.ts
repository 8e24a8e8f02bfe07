// Opening a report of 500 / 2,000 / 5,000 paragraphs (issue 2): file → Y.Doc → ProseMirror
// ready. Prints tables; never fails on timing. Run: `npm run bench -- editor-open`
// (or `node test/bench/editor-open-bench.ts`; it builds dist/ when stale).
//
// - Node, the store part alone: ReportStore.open (checks + WAL), loadState (merge of the
//   saved updates), Y.applyUpdate into a fresh report doc, and y-prosemirror's Y.Doc →
//   ProseMirror doc, as the renderer does it (median of 5).
// - Chromium, the real renderer through the browser host (`dist/host/web.mjs --report`):
//   from navigation start to body[data-ready] (page loaded, WebSocket open, the Y.Doc
//   synced from the host's), to `plenary:editor-ready` (renderer/main.ts marks it when the
//   view, toolbar and commands are built), and to the first painted frame after that
//   (median of 3 fresh page loads; the host opened the file once at start-up, which is
//   the Node part). Bare ProseMirror on the same content (test/bench/fixtures) for scale.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { initProseMirrorDoc } from 'y-prosemirror';
import { ReportStore } from '../../main/services/report-store.ts';
import { bodyOf, createReportDoc } from '../../shared/ydoc.ts';
import { schema } from '../../shared/schema.ts';
import { launchBrowser, startHost, tempDataDir, type Host } from '../e2e/harness.ts';
import { generateReport } from './report-generator.ts';
import { docJsonOf, machineFacts, median, openProbe, openTimes, serveBarePage, table, type OpenTimes } from './fixtures/bench-browser.ts';

const SIZES = [500, 2000, 5000];
const NODE_RUNS = 5;
const PAGE_RUNS = 3;

function nodeLoad(path: string): { open: number; load: number; apply: number; toPm: number } {
  const t0 = performance.now();
  const store = ReportStore.open(path);
  const t1 = performance.now();
  const state = store.loadState();
  const t2 = performance.now();
  const doc = createReportDoc();
  Y.applyUpdate(doc, state);
  const t3 = performance.now();
  const { doc: pmDoc } = initProseMirrorDoc(bodyOf(doc), schema);
  const t4 = performance.now();
  if (pmDoc.childCount === 0) throw new Error(`${path} opened empty.`);
  store.close();
  doc.destroy();
  return { open: t1 - t0, load: t2 - t1, apply: t3 - t2, toPm: t4 - t3 };
}

const work = mkdtempSync(join(tmpdir(), 'plenary-open-bench-'));
const browser = await launchBrowser();
const bare = await serveBarePage(join(work, 'bare'));
const nodeRows: (string | number)[][] = [];
const pageRows: (string | number)[][] = [];

async function timePage(url: string, runs: number): Promise<OpenTimes[]> {
  const all: OpenTimes[] = [];
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(openProbe);
    await page.goto(url);
    all.push(await openTimes(page));
    await context.close();
  }
  return all;
}

const pageRow = (label: string, times: OpenTimes[]): (string | number)[] => [
  label,
  median(times.map((t) => t.synced)),
  median(times.map((t) => t.ready - t.synced)),
  median(times.map((t) => t.painted - t.ready)),
  median(times.map((t) => t.painted)),
];

try {
  for (const size of SIZES) {
    const path = join(work, `report-${size}.plenary`);
    const generated = performance.now();
    generateReport(path, size);
    const generateMs = performance.now() - generated;
    const runs = Array.from({ length: NODE_RUNS }, () => nodeLoad(path));
    const pick = (key: keyof ReturnType<typeof nodeLoad>): number => median(runs.map((r) => r[key]));
    nodeRows.push([`${size}`, `${(statSync(path).size / 1024 / 1024).toFixed(1)} MB`, generateMs, pick('open'), pick('load'), pick('apply'), pick('toPm'),
      pick('open') + pick('load') + pick('apply') + pick('toPm')]);

    let host: Host | null = null;
    try {
      host = await startHost({ dataDir: tempDataDir(), report: path });
      pageRows.push(pageRow(`Plenary, ${size}`, await timePage(host.url, PAGE_RUNS)));
    } finally {
      await host?.stop();
    }
    bare.setDoc(docJsonOf(path));
    pageRows.push(pageRow(`bare ProseMirror, ${size}`, await timePage(bare.url, PAGE_RUNS)));
  }
  console.log(machineFacts(browser.version()));
  console.log('\nStore load in Node (ms, median of 5): file → Y.Doc → ProseMirror doc');
  console.log(table(['paragraphs', 'file', 'generate', 'open', 'loadState', 'applyUpdate', 'Y → PM doc', 'total'], nodeRows));
  console.log('\nChromium, from navigation start (ms, median of 3 page loads)');
  console.log(table(['page, paragraphs', 'synced (Y.Doc)', '+ editor ready', '+ first paint', 'total to paint'], pageRows));
  console.log('(bare ProseMirror: "synced" is the page loaded and doc.json fetched)');
} finally {
  await bare.close();
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
