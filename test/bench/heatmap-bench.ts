// The heatmap (issue 4) in Chromium: 300 sections / 5,000 paragraphs, 60 members, 40
// stances per block (≈ 212,000). The page (fixtures/heatmap-page.ts) builds the report,
// the consensus engine and the real HeatmapView; this runner times, in the page, building
// the view (hidden, as the app does at start-up), opening it (the first render a user
// waits for), one stance arriving, one paragraph edited and switching the columns — each
// as the synchronous work, as "to the next painted frame" and, on other page loads, as
// main-thread CPU time from a trace. Prints tables; never fails on timing. Run: `npm run bench -- heatmap` (or `node test/bench/heatmap-bench.ts`).
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness.ts';
import { machineFacts, median, table } from './fixtures/bench-browser.ts';

interface Timed { sync: number; paint: number }

/** What fixtures/heatmap-page.ts puts on window. */
interface BenchWindow {
  heatmapBench: {
    build(): Promise<Timed>;
    show(): Promise<Timed>;
    stance(n: number, andSummary?: boolean): Promise<Timed>;
    prepareEdit(n: number): void;
    edit(andSummary?: boolean): Promise<Timed>;
    dimension(id: string): Promise<Timed>;
    nothing(): Promise<Timed>;
    rendered(): number;
    cells(): number;
  };
}

const dir = mkdtempSync(join(tmpdir(), 'plenary-heatmap-bench-'));
await build({
  entryPoints: [
    join(import.meta.dirname, 'fixtures', 'heatmap-page.ts'),
    join(import.meta.dirname, '..', '..', 'renderer', 'styles', 'base.css'),
    join(import.meta.dirname, '..', '..', 'renderer', 'styles', 'heatmap.css'),
  ],
  outdir: dir,
  // Flat names (heatmap-page.js, base.css, heatmap.css) whatever folders the entries are in.
  entryNames: '[name]',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome130',
  logLevel: 'warning',
});
// The app's Content-Security-Policy (renderer/index.html), so the page renders as the app does
// (style attributes in parsed markup are dropped under style-src 'self').
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'";
writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><link rel="stylesheet" href="base.css"><link rel="stylesheet" href="heatmap.css"></head><body><script src="heatmap-page.js"></script></body></html>`);

const browser = await launchBrowser();
const RUNS = Number(process.env.HEATMAP_BENCH_RUNS ?? 8);
/** More page loads with a Chromium trace around every step, for main-thread CPU time (tracing slows the wall figures a little, so those loads are not in the wall columns). */
const CPU_RUNS = Number(process.env.HEATMAP_BENCH_CPU_RUNS ?? 4);
const rows: (string | number)[][] = [];
const fmt = (values: number[]): string => values.length === 0 ? '—' : `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
const results: Record<string, { sync: number[]; paint: number[]; cpu: number[]; idle: number[]; fromStart: number[] }> = {};

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number }

/**
 * Main-thread CPU time between the page's step marks: the thread time of every task that
 * overlaps the step (the step itself, its frame's style, layout and paint, and whatever
 * else ran before that frame, such as an idle slice). Waiting for a core or for the
 * frame's turn is not in it. `idle`: the part of it spent in tasks that ran an idle
 * callback (background work of the page that happened to fall inside the step).
 * `fromStart`: the same without the part of the first task before the start mark — the
 * DevTools protocol's evaluation of the runner's call (parsing the message, compiling the
 * expression) that precedes the step; a stance reaches the app as an IPC or WebSocket
 * message instead. That task's thread time is prorated by its wall time after the mark.
 */
function stepCpu(trace: Buffer): { cpu: number; idle: number; fromStart: number } {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const start = events.find((e) => e.name === 'heatmap-step-start');
  const end = events.find((e) => e.name === 'heatmap-step-end');
  if (!start || !end) return { cpu: Number.NaN, idle: Number.NaN, fromStart: Number.NaN };
  const idleCallbacks = events.filter((e) => e.name === 'FireIdleCallback' && e.pid === start.pid && e.tid === start.tid);
  let cpu = 0;
  let idle = 0;
  let fromStart = 0;
  for (const e of events) {
    if (e.name !== 'RunTask' || e.ph !== 'X' || e.pid !== start.pid || e.tid !== start.tid) continue;
    const taskEnd = e.ts + (e.dur ?? 0);
    if (e.ts > end.ts || taskEnd < start.ts) continue;
    const time = (e.tdur ?? e.dur ?? 0) / 1000;
    cpu += time;
    fromStart += e.ts >= start.ts || !e.dur ? time : time * (taskEnd - start.ts) / e.dur;
    if (idleCallbacks.some((c) => c.ts >= e.ts && c.ts <= taskEnd)) idle += time;
  }
  return { cpu, idle, fromStart };
}

async function step(page: Page, name: string, traced: boolean, run: (page: Page) => Promise<Timed>): Promise<void> {
  results[name] ??= { sync: [], paint: [], cpu: [], idle: [], fromStart: [] };
  if (!traced) {
    const t = await run(page);
    results[name].sync.push(t.sync);
    results[name].paint.push(t.paint);
    return;
  }
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
  await run(page);
  const { cpu, idle, fromStart } = stepCpu(await browser.stopTracing());
  results[name].cpu.push(cpu);
  results[name].idle.push(idle);
  results[name].fromStart.push(fromStart);
}

const bench = (page: Page) => ({
  build: () => page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.build()),
  show: () => page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.show()),
  stance: (n: number, andSummary = false) => page.evaluate(([i, s]) => (window as unknown as BenchWindow).heatmapBench.stance(i, s), [n, andSummary] as const),
  /** The edited document, made before the step (the editor's work). */
  prepareEdit: (n: number) => page.evaluate((i) => (window as unknown as BenchWindow).heatmapBench.prepareEdit(i), n),
  edit: (andSummary = false) => page.evaluate((s) => (window as unknown as BenchWindow).heatmapBench.edit(s), andSummary),
  dimension: (id: string) => page.evaluate((d) => (window as unknown as BenchWindow).heatmapBench.dimension(d), id),
  nothing: () => page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.nothing()),
});

let facts = { blocks: 0, stances: 0, setup: 0, rendered: 0, cells: 0, memberCells: 0 };
try {
  for (let run = 0; run < RUNS + CPU_RUNS; run++) {
    const traced = run >= RUNS;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 600_000 });
    const info = await page.evaluate(() => {
      const b = (window as unknown as { heatmapBench: { setupMs: number; blocks: number; stances: number } }).heatmapBench;
      return { setup: b.setupMs, blocks: b.blocks, stances: b.stances };
    });
    const b = bench(page);
    await step(page, 'build the view, hidden (the app does it at start-up)', traced, () => b.build());
    // The app builds the view at start-up and the chair opens it later: let the page be idle
    // once (the view prepares its section list, numbers and column layouts then).
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => resolve(null))));
    await step(page, 'first render: open the heatmap (show, rows on screen, summary, focus)', traced, () => b.show());
    const rendered = await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.rendered());
    const cells = await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.cells());
    // The harness's own share of every step's figures, for reading the small ones.
    for (let i = 0; i < 20; i++) await step(page, 'nothing (the call into the page, its marks, an idle frame)', traced, () => b.nothing());
    for (let i = 0; i < 20; i++) await step(page, 'one stance arrives (engine + repaint)', traced, () => b.stance(i + run * 20));
    for (let i = 0; i < 20; i++) {
      await b.prepareEdit(i + run * 20);
      await step(page, 'one paragraph edited (from the edited document: block re-read + engine + repaint)', traced, () => b.edit());
    }
    // The summary band's figures follow a stance or an edit in the next idle time: the
    // whole of it, to the frame that shows them.
    for (let i = 0; i < 10; i++) await step(page, 'one stance, on to the summary band\'s update and its frame', traced, () => b.stance(200 + i + run * 20, true));
    for (let i = 0; i < 10; i++) {
      await b.prepareEdit(200 + i + run * 20);
      await step(page, 'one edit, on to the summary band\'s update and its frame', traced, () => b.edit(true));
    }
    for (const id of ['region', 'development', 'gender', 'member', 'group']) await step(page, `switch columns → ${id}`, traced, () => b.dimension(id));
    await b.dimension('member');
    const memberCells = await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.cells());
    for (let i = 0; i < 10; i++) await step(page, 'one stance arrives, member columns', traced, () => b.stance(100 + i + run * 20));
    for (let i = 0; i < 10; i++) await step(page, 'one stance, member columns, on to the summary band\'s update and its frame', traced, () => b.stance(300 + i + run * 20, true));
    facts = { ...info, rendered, cells, memberCells };
    await page.close();
  }
  for (const [name, r] of Object.entries(results)) rows.push([name, fmt(r.sync), fmt(r.paint), fmt(r.cpu), fmt(r.fromStart), fmt(r.idle), `${r.sync.length} / ${r.cpu.length}`]);
  console.log(`Heatmap bench: ${facts.blocks} blocks, ${facts.stances} stances, 60 members; page setup (report, engine) ${facts.setup.toFixed(0)} ms, not timed below.`);
  console.log(`Rows in the DOM after first render: ${facts.rendered} (elements in the grid body ${facts.cells}; cells are drawn on a canvas); with member columns: ${facts.memberCells} elements.`);
  console.log(`Wall figures from ${RUNS} page loads; main-thread CPU (step to its painted frame, thread time, from a trace) from ${CPU_RUNS} more.`);
  console.log(table(['step', 'sync ms, median (min–max)', 'to next paint ms, median (min–max)', 'main-thread CPU to paint ms, median (min–max)', 'the same from the step\'s start ms', 'of which idle callbacks ms', 'n wall / cpu'], rows));
  console.log(machineFacts(browser.version()));
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
