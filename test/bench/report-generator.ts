/**
 * Generates WGIG-like reports for the editor benchmarks: N numbered body paragraphs of
 * ~60 words (some bold, italic or linked words), a heading every ~15 paragraphs (a
 * level-1 chapter every fourth heading, level-2 sections between, now and then a level-3
 * one), written as a real `.plenary` file through the real store (`writeReportFile`:
 * seedReport → one Yjs update → ReportStore.create), exactly as File → New writes one.
 *
 * Deterministic: the same N gives the same text (seeded generator), so runs compare.
 * Run directly to make one: `node test/bench/report-generator.ts 5000 /tmp/r.plenary`.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReportFile } from '../../main/services/open-report.ts';
import type { NodeJSON, ReportTemplate } from '../../shared/report-template.ts';

const WORDS = ('the working group recommends that governance of the internet be open inclusive and transparent ' +
  'with the full involvement of governments private sector civil society and international organizations in their ' +
  'respective roles development capacity building multilingualism security stability interconnection costs spam ' +
  'data protection freedom of expression access rights intellectual property dispute resolution forum').split(' ');

/** A small deterministic generator (the benches' reports and weeks are seeded). */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

export const HEADING_EVERY = 15;
export const WORDS_PER_PARAGRAPH = 60;

/** The report body as ProseMirror JSON (ids left to seedReport's ensureUniqueIds). */
export function reportBody(paragraphs: number, seed = 2005): NodeJSON {
  const random = seeded(seed);
  const words = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const text = (t: string, marks?: NodeJSON['marks']): NodeJSON => (marks ? { type: 'text', text: t, marks } : { type: 'text', text: t });
  const paragraph = (): NodeJSON => {
    const r = random();
    const first = words(1);
    const opening = first.charAt(0).toUpperCase() + first.slice(1);
    const content = r < 0.08
      ? [text(`${opening} ${words(25)} `), text(words(3), [{ type: 'strong' }]), text(` ${words(22)} `),
        text('WGIG', [{ type: 'link', attrs: { href: 'https://www.wgig.org/docs', title: null } }]), text(` ${words(8)}.`)]
      : r < 0.16
        ? [text(`${opening} ${words(29)} `), text(words(4), [{ type: 'em' }]), text(` ${words(26)}.`)]
        : [text(`${opening} ${words(WORDS_PER_PARAGRAPH - 1)}.`)];
    return { type: 'paragraph', content };
  };
  const heading = (index: number): NodeJSON => {
    const level = index % 4 === 0 ? 1 : index % 7 === 3 ? 3 : 2;
    const title = words(level === 1 ? 4 : 6);
    return { type: 'heading', attrs: { level }, content: [text(title.charAt(0).toUpperCase() + title.slice(1))] };
  };
  const content: NodeJSON[] = [];
  for (let p = 0, h = 0; p < paragraphs; p++) {
    if (p % HEADING_EVERY === 0) content.push(heading(h++));
    content.push(paragraph());
  }
  return { type: 'doc', content };
}

export function reportTemplate(paragraphs: number): ReportTemplate {
  return {
    meta: { title: `Benchmark report (${paragraphs} paragraphs)`, body: 'Working Group on Internet Governance', place: 'Château de Bossey', date: 'June 2005' },
    doc: reportBody(paragraphs),
  };
}

/** Writes a new `.plenary` report of `paragraphs` body paragraphs at `path` (which must not exist). */
export function generateReport(path: string, paragraphs: number): void {
  writeReportFile(resolve(path), reportTemplate(paragraphs));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [count, path] = process.argv.slice(2);
  if (!count || !path || !Number.isInteger(Number(count))) {
    console.error('usage: node test/bench/report-generator.ts PARAGRAPHS FILE.plenary');
    process.exit(2);
  }
  generateReport(path, Number(count));
  console.log(`Wrote ${path}: ${count} paragraphs`);
}
