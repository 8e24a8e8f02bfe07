// The heatmap (issue 4) in Chromium: 300 sections / 5,000 paragraphs, 60 members, 40
// stances per block (≈ 212,000). The page (fixtures/heatmap-page.ts) builds the report,
// the consensus engine and the real HeatmapView; this runner times, in the page, the
// first render, one stance arriving, one paragraph edited and switching the columns —
// each as the synchronous work and as "to the next painted frame". Prints tables; never
// fails on timing. Run: `npm run bench -- heatmap` (or `node test/bench/heatmap-bench.ts`).
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from '../e2e/harness.ts';
import { machineFacts, median, table } from './fixtures/bench-browser.ts';

interface Timed { sync: number; paint: number }

/** What fixtures/heatmap-page.ts puts on window. */
interface BenchWindow {
  heatmapBench: {
    firstRender(): Promise<Timed>;
    stance(n: number): Promise<Timed>;
    edit(n: number): Promise<Timed>;
    dimension(id: string): Promise<Timed>;
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
const RUNS = Number(process.env.HEATMAP_BENCH_RUNS ?? 3);
const rows: (string | number)[][] = [];
const fmt = (values: number[]): string => `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
const results: Record<string, { sync: number[]; paint: number[] }> = {};
const add = (name: string, t: Timed): void => {
  results[name] ??= { sync: [], paint: [] };
  results[name].sync.push(t.sync);
  results[name].paint.push(t.paint);
};
let facts = { blocks: 0, stances: 0, setup: 0, rendered: 0, cells: 0, memberCells: 0 };
try {
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 600_000 });
    const info = await page.evaluate(() => {
      const b = (window as unknown as { heatmapBench: { setupMs: number; blocks: number; stances: number } }).heatmapBench;
      return { setup: b.setupMs, blocks: b.blocks, stances: b.stances };
    });
    add('first render (build view, rows on screen, summary)', await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.firstRender()));
    const rendered = await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.rendered());
    const cells = await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.cells());
    for (let i = 0; i < 20; i++) add('one stance arrives (engine + repaint)', await page.evaluate((n) => (window as unknown as BenchWindow).heatmapBench.stance(n), i + run * 20));
    for (let i = 0; i < 20; i++) add('one paragraph edited (block re-read + engine + repaint)', await page.evaluate((n) => (window as unknown as BenchWindow).heatmapBench.edit(n), i + run * 20));
    for (const id of ['region', 'development', 'gender', 'member', 'group']) add(`switch columns → ${id}`, await page.evaluate((d) => (window as unknown as BenchWindow).heatmapBench.dimension(d), id));
    await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.dimension('member'));
    const memberCells = await page.evaluate(() => (window as unknown as BenchWindow).heatmapBench.cells());
    for (let i = 0; i < 10; i++) add('one stance arrives, member columns', await page.evaluate((n) => (window as unknown as BenchWindow).heatmapBench.stance(n), 100 + i + run * 20));
    facts = { ...info, rendered, cells, memberCells };
    await page.close();
  }
  for (const [name, r] of Object.entries(results)) rows.push([name, fmt(r.sync), fmt(r.paint), r.sync.length]);
  console.log(`Heatmap bench: ${facts.blocks} blocks, ${facts.stances} stances, 60 members; page setup (report, engine) ${facts.setup.toFixed(0)} ms, not timed below.`);
  console.log(`Rows in the DOM after first render: ${facts.rendered} (cells ${facts.cells}); with member columns: ${facts.memberCells} cells.`);
  console.log(table(['step', 'sync ms, median (min–max)', 'to next paint ms, median (min–max)', 'n'], rows));
  console.log(machineFacts(browser.version()));
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
