// Keystroke cost in Chromium (issue 2): 400 keystrokes typed into the middle of a
// 500- and a 5,000-paragraph report, in the real renderer through the browser host with
// all our plugins, against bare ProseMirror on the same content in the same run (stock
// ProseMirror: our patches to its packages are taken back out of the bare page; and
// bare ProseMirror with `content-visibility: auto`, the CSS the renderer uses, to tell
// the browser's share from ours). Prints tables; never fails on timing.
// Run: `npm run bench -- keystroke` (or `node test/bench/keystroke-bench.ts`).
//
// Measures (fixtures/bench-browser.ts, keystrokeProbe):
// - frame: keydown's event.timeStamp → the frame painted after the key's `input` event
//   (requestAnimationFrame, then a MessageChannel message, which runs after that frame's
//   style, layout and paint on the main thread);
// - dispatch: time inside view.dispatch for the key (the renderer exposes its view only
//   when opened with `?bench`), as wall time and as the main thread's CPU time (thread
//   timestamps of user-timing marks around each dispatch, in a trace taken while typing,
//   less the cost of an empty pair of marks). On a shared machine the wall time also
//   holds the moments the renderer waited for a core; the CPU time does not.
// Keys are sent one at a time through the DevTools protocol (playwright keyboard), the
// next only after the previous one's frame plus GAP_MS, as a fast typist would; the
// pages are opened once and typed into in ROUNDS alternating rounds so that load from
// other processes on the shared cores falls on every configuration alike.
//
// Then, in each configuration, ENTERS new paragraphs (Enter, then a letter) where the caret
// is, mid-report: the keystroke that renumbers everything after it.
//
// When renderer/endorsements/gutter.ts exists, a further configuration runs the same
// renderer built with the stance gutter stubbed out (draws nothing), to price it.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { builtHost, launchBrowser, tempDataDir } from '../e2e/harness.ts';
import { generateReport } from './report-generator.ts';
import { spawnNode } from '../support/spawn-node.ts';
import { dispatchTimesFromTrace, docJsonOf, keystrokeProbe, machineFacts, percentile, ROOT, serveBarePage, table } from './fixtures/bench-browser.ts';

const SIZES = (process.env.BENCH_SIZES ?? '500,5000').split(',').map(Number);
const KEYS = Number(process.env.BENCH_KEYS ?? 400);
const ROUNDS = 4;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const GAP_MS = 40;
/** New paragraphs made mid-report in each configuration after the typing (Enter, then a letter in it). */
const ENTERS = 20;
const TEXT = 'the group agrees that internet governance is open and inclusive ';

interface Sample { frame: number; dispatch: number; dispatches: number }
/** Per key, from the renderer's main thread (CDP Performance metrics in thread time). */
interface Cpu { thread: number; layout: number; script: number }
interface Config { name: string; size: number; url: string; tag: string; page?: Page; cdp?: CDPSession; samples: Sample[]; cpu: Cpu[]; dispatchCpu: number[]; enterIndices: number[]; enter: Sample[]; enterCpu: number[] }
type Probe = { plenaryKeystrokes: { count(): number; whenCount(n: number): Promise<void>; samples: Sample[]; reset(): void; calibrate(pairs: number): void } };

/** Starts a browser host from `webMjs` serving `report`; resolves with its URL and a stop function. */
async function startHostFrom(webMjs: string, report: string): Promise<{ url: string; stop: () => void }> {
  const child = spawnNode([webMjs, '--port', '0', '--data', tempDataDir(), '--report', report], { cwd: ROOT });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Plenary web at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`The host exited (${code}):\n${output}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/**
 * A copy of the built host and renderer in which the stance gutter (StanceGutter in
 * renderer/endorsements/gutter.ts) draws nothing: every method is a no-op. The rest of
 * the endorsement machinery (engine, panel, status) is left as it is.
 */
async function hostWithoutGutter(dir: string, builtWebMjs: string): Promise<string> {
  const built = join(builtWebMjs, '..', '..');
  cpSync(join(built, 'host'), join(dir, 'host'), { recursive: true });
  cpSync(join(built, 'renderer'), join(dir, 'renderer'), { recursive: true });
  const stub: Plugin = {
    name: 'no-stance-gutter',
    setup(b) {
      b.onLoad({ filter: /endorsements[\\/]gutter\.ts$/ }, (args) => ({
        contents: `${readFileSync(args.path, 'utf8').replace('export class StanceGutter', 'class DrawnStanceGutter')}
export class StanceGutter {
  constructor(..._args: unknown[]) {
    return new Proxy(this, { get: () => () => undefined });
  }
}`,
        loader: 'ts',
        resolveDir: dirname(args.path),
      }));
    },
  };
  await build({
    entryPoints: [join(ROOT, 'renderer/main.ts')],
    outfile: join(dir, 'renderer/app.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome130',
    logLevel: 'warning',
    loader: { '.woff2': 'file', '.svg': 'text' },
    plugins: [stub],
  });
  return join(dir, 'host', 'web.mjs');
}

async function openConfig(browser: Browser, config: Config): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(config.url);
  await page.waitForFunction(() => 'plenaryBenchView' in window, null, { timeout: 90_000, polling: 200 }).catch((error: Error) => {
    throw new Error(`${config.name} (${config.size}) did not open: ${error.message}\n${errors.join('\n')}`);
  });
  await page.evaluate(keystrokeProbe, config.tag);
  // The caret goes into the middle of the middle paragraph, as a click puts it.
  const paragraphs = page.locator('.ProseMirror > p');
  const middle = paragraphs.nth(Math.floor((await paragraphs.count()) / 2));
  await middle.scrollIntoViewIfNeeded();
  await middle.click();
  config.page = page;
  // Durations in the main thread's own CPU time, so that other processes' load on the
  // shared cores does not count (ThreadTime is CPU time in either domain).
  config.cdp = await page.context().newCDPSession(page);
  await config.cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await typeKeys(config, WARMUP);
  await page.evaluate(() => (window as unknown as Probe).plenaryKeystrokes.reset());
  config.samples = [];
  config.cpu = [];
}

async function metrics(cdp: CDPSession): Promise<Map<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return new Map(list.map((m) => [m.name, m.value * 1000]));
}

/** Types `count` keys one at a time; each key's CPU is measured from just before it to GAP_MS after its frame. */
async function typeKeys(config: Config, count: number): Promise<void> {
  const page = config.page!;
  const start = await page.evaluate(() => (window as unknown as Probe).plenaryKeystrokes.count());
  let before = await metrics(config.cdp!);
  for (let i = 0; i < count; i++) {
    await page.keyboard.type(TEXT[(start + i) % TEXT.length]!);
    await page.evaluate((n) => (window as unknown as Probe).plenaryKeystrokes.whenCount(n), start + i + 1);
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    const after = await metrics(config.cdp!);
    const delta = (name: string): number => after.get(name)! - before.get(name)!;
    config.cpu.push({ thread: delta('ThreadTime'), layout: delta('LayoutDuration') + delta('RecalcStyleDuration'), script: delta('ScriptDuration') });
    before = after;
  }
  config.samples.push(...await page.evaluate((from) => (window as unknown as Probe).plenaryKeystrokes.samples.slice(from), start));
}

/** Makes ENTERS new paragraphs where the caret is, recording which probe samples are the Enter keys. */
async function pressEnters(config: Config): Promise<void> {
  const page = config.page!;
  for (let i = 0; i < ENTERS; i++) {
    for (const key of ['Enter', 'x']) {
      const n = await page.evaluate(() => (window as unknown as Probe).plenaryKeystrokes.count());
      if (key === 'Enter') config.enterIndices.push(n);
      await page.keyboard.press(key);
      await page.evaluate((count) => (window as unknown as Probe).plenaryKeystrokes.whenCount(count), n + 1);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
  }
  const all = await page.evaluate(() => (window as unknown as Probe).plenaryKeystrokes.samples);
  config.enter = config.enterIndices.map((i) => all[i]!);
}

const work = mkdtempSync(join(tmpdir(), 'plenary-keystroke-bench-'));
const variantDir = join(ROOT, 'test-results', `bench-no-gutter-${process.pid}`);
const browser = await launchBrowser();
const bare = await serveBarePage(join(work, 'bare'));
const hosts: Array<{ stop: () => void }> = [];
try {
  const webMjs = builtHost();
  const withGutter = existsSync(join(ROOT, 'renderer/endorsements/gutter.ts'));
  const variantWebMjs = withGutter ? await hostWithoutGutter(variantDir, webMjs) : null;
  const configs: Config[] = [];
  for (const size of SIZES) {
    const reports = join(work, `${size}`);
    mkdirSync(reports);
    const report = (name: string): string => {
      const path = join(reports, `${name}.plenary`);
      generateReport(path, size);
      return path;
    };
    const plenary = await startHostFrom(webMjs, report('plenary'));
    hosts.push(plenary);
    configs.push({ name: 'Plenary', size, url: `${plenary.url}?bench`, tag: `c${configs.length}`, samples: [], cpu: [], dispatchCpu: [], enterIndices: [], enter: [], enterCpu: [] });
    if (variantWebMjs) {
      const variant = await startHostFrom(variantWebMjs, report('variant'));
      hosts.push(variant);
      configs.push({ name: 'Plenary without stance gutter', size, url: `${variant.url}?bench`, tag: `c${configs.length}`, samples: [], cpu: [], dispatchCpu: [], enterIndices: [], enter: [], enterCpu: [] });
    }
    // Each bare page reads doc.json when it loads, so set it before opening.
    bare.setDoc(docJsonOf(report('bare')));
    for (const [name, query] of [['bare ProseMirror', ''], ['bare ProseMirror + content-visibility', '?cv']] as const) {
      const config: Config = { name, size, url: `${bare.url}${query}`, tag: `c${configs.length}`, samples: [], cpu: [], dispatchCpu: [], enterIndices: [], enter: [], enterCpu: [] };
      await openConfig(browser, config);
      configs.push(config);
    }
  }
  for (const config of configs) if (!config.page) await openConfig(browser, config);

  const tracing = await browser.newBrowserCDPSession();
  const traceEvents: Array<{ name: string; ts: number; tts?: number }> = [];
  tracing.on('Tracing.dataCollected', ({ value }) => traceEvents.push(...(value as unknown as typeof traceEvents)));
  // BENCH_TRACE_FILE=path also records what the main thread did around each dispatch (GC,
  // tasks, scheduling) and writes the whole trace there, for chrome://tracing or Perfetto.
  const traceFile = process.env.BENCH_TRACE_FILE;
  const categories = traceFile ? 'blink.user_timing,v8.gc,v8,toplevel,devtools.timeline,disabled-by-default-v8.gc' : 'blink.user_timing';
  await tracing.send('Tracing.start', { categories, transferMode: 'ReportEvents' });
  for (let round = 0; round < ROUNDS; round++) {
    for (const config of configs) {
      await config.page!.bringToFront();
      await typeKeys(config, KEYS / ROUNDS);
    }
  }
  for (const config of configs) {
    await config.page!.bringToFront();
    await pressEnters(config);
  }
  for (const config of configs) await config.page!.evaluate(() => (window as unknown as Probe).plenaryKeystrokes.calibrate(200));
  const traced = new Promise((resolve) => tracing.once('Tracing.tracingComplete', resolve));
  await tracing.send('Tracing.end');
  await traced;
  traceEvents.sort((a, b) => a.ts - b.ts);
  if (traceFile) writeFileSync(traceFile, JSON.stringify({ traceEvents }));
  for (const config of configs) {
    const byKey = dispatchTimesFromTrace(traceEvents, config.tag);
    config.dispatchCpu = config.samples.map((_, i) => byKey.cpu.get(i) ?? 0);
    config.enterCpu = config.enterIndices.map((i) => byKey.cpu.get(i) ?? 0);
    // The trace's clock reads microseconds; the page's performance.now() only tenths of a ms.
    config.samples.forEach((sample, i) => (sample.dispatch = byKey.wall.get(i) ?? sample.dispatch));
    config.enter.forEach((sample, i) => (sample.dispatch = byKey.wall.get(config.enterIndices[i]!) ?? sample.dispatch));
  }

  const rows = configs.map((c) => {
    const frames = c.samples.map((s) => s.frame);
    const dispatch = c.samples.map((s) => s.dispatch);
    return [c.name, `${c.size}`, `${c.samples.length}`, percentile(frames, 50), percentile(frames, 95), percentile(dispatch, 50), percentile(dispatch, 95),
      percentile(c.dispatchCpu, 50).toFixed(2), percentile(c.dispatchCpu, 95).toFixed(2), (c.samples.reduce((sum, s) => sum + s.dispatches, 0) / c.samples.length).toFixed(2)];
  });
  const cpuRows = configs.map((c) => {
    const pick = (key: keyof Cpu): number[] => c.cpu.map((k) => k[key]);
    return [c.name, `${c.size}`, percentile(pick('thread'), 50), percentile(pick('thread'), 95), percentile(pick('script'), 50), percentile(pick('layout'), 50)];
  });
  console.log(machineFacts(browser.version()));
  console.log(`\nKeystrokes mid-document (ms; ${KEYS} keys per row in ${ROUNDS} alternating rounds, ${GAP_MS} ms between keys)`);
  console.log(table(['editor', 'paragraphs', 'keys', 'frame p50', 'frame p95', 'dispatch p50', 'dispatch p95', 'dispatch CPU p50', 'dispatch CPU p95', 'dispatches/key'], rows));

  const p95 = (name: string, size: number, pick: (s: Sample) => number): number =>
    percentile(configs.find((c) => c.name === name && c.size === size)!.samples.map(pick), 95);
  const frame = (s: Sample): number => s.frame;
  const dispatch = (s: Sample): number => s.dispatch;
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
  console.log('\nRenderer main-thread CPU time per key (ms; CDP Performance metrics in thread time, from before the key to 40 ms after its frame;')
  console.log('includes the DevTools protocol\'s own handling of the key and of the probe, alike for every row)');
  console.log(table(['editor', 'paragraphs', 'CPU p50', 'CPU p95', 'script p50', 'style+layout p50'], cpuRows));
  console.log(`\nNew paragraph mid-report (ms; Enter where the caret is after the typing above, splitting that paragraph, then a letter; ${ENTERS} per row)`);
  console.log(table(['editor', 'paragraphs', 'frame p50', 'frame p95', 'dispatch p50', 'dispatch p95', 'dispatch CPU p50', 'dispatch CPU p95'], configs.map((c) => [
    c.name, `${c.size}`, percentile(c.enter.map((e) => e.frame), 50), percentile(c.enter.map((e) => e.frame), 95),
    percentile(c.enter.map((e) => e.dispatch), 50), percentile(c.enter.map((e) => e.dispatch), 95), percentile(c.enterCpu, 50), percentile(c.enterCpu, 95),
  ])));
  console.log('\nTargets (issue 2)');
  console.log(table(['target', 'measured', 'ratio', 'limit'], [
    ...(SIZES.includes(500) && SIZES.includes(5000)
      ? [['frame p95: Plenary 5,000 vs bare 500', `${p95('Plenary', 5000, frame).toFixed(1)} vs ${p95('bare ProseMirror', 500, frame).toFixed(1)}`, ratio(p95('Plenary', 5000, frame), p95('bare ProseMirror', 500, frame)), '1.1×']]
      : []),
    ...SIZES.flatMap((size) => {
      const cpu = (name: string, p: number): number => percentile(configs.find((c) => c.name === name && c.size === size)!.dispatchCpu, p);
      return [
        [`dispatch p95 (wall): Plenary vs bare, ${size}`, `${p95('Plenary', size, dispatch).toFixed(2)} vs ${p95('bare ProseMirror', size, dispatch).toFixed(2)}`,
          ratio(p95('Plenary', size, dispatch), p95('bare ProseMirror', size, dispatch)), '1.3×'],
        ...[50, 95].map((p) => [`dispatch CPU p${p}: Plenary vs bare, ${size}`, `${cpu('Plenary', p).toFixed(2)} vs ${cpu('bare ProseMirror', p).toFixed(2)}`,
          ratio(cpu('Plenary', p), cpu('bare ProseMirror', p)), '1.3×']),
      ];
    }),
  ]));
} finally {
  for (const host of hosts) host.stop();
  await bare.close();
  await browser.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(variantDir, { recursive: true, force: true });
}
