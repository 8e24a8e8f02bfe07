// Export cost of a 100-page report: ~1,500 numbered paragraphs of ~60 words under 85
// numbered headings, with lists, quotes, marks and links, 40 members (10 per group)
// with a stance on every block (~65,000 stances, 1 % reservations and objections).
// Prints a table; never fails on timing. Run: `npm run bench -- export`
// (or `node test/bench/export-bench.ts`). Target (issue 6): each format under 2 s.
//
// As in consensus-bench, the bulk stances carry placeholder signatures whose outcome
// is entered in the verifier's cache, as the session's warm cache has it when the user
// exports; cold signature checks are measured there, not here. Each format is timed
// from the Y.Doc to the file on disk (read, number, annex, render, fsync, rename).
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import type * as Y from 'yjs';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, endorsementsOf, Origin, writeMeta } from '../../shared/ydoc.ts';
import { addCreatorAsChair, addMember } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import type { Endorsement, Stance } from '../../shared/endorsement.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { annexOfReport } from '../../shared/export/annex-from-consensus.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { exportReportFile, exportSourceOf, EXPORT_FORMATS, type ExportFormat } from '../../main/services/export/export-report.ts';
import { launchChromiumPrinter } from '../../main/services/export/chromium-printer.ts';

const PARAGRAPHS = 1500;
const MEMBERS = 40;
const RUNS = 3;
const REPORT = 'bench-export';
const GROUPS = ['government', 'private-sector', 'civil-society', 'international-organization'];
const WORDS = 'the working group recommends that governance of the internet be open inclusive and transparent with the full involvement of governments private sector civil society and international organizations in their respective roles'.split(' ');

let seed = 7;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const sentence = (words: number): string => Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

type J = Record<string, unknown>;
let nextId = 0;
const id = (): string => `blk${String(nextId++).padStart(5, '0')}`;
const text = (t: string, marks?: J[]): J => (marks ? { type: 'text', text: t, marks } : { type: 'text', text: t });
const paragraph = (): J => {
  const r = random();
  const content = r < 0.1
    ? [text(sentence(25) + ' '), text(sentence(3), [{ type: 'strong' }]), text(' ' + sentence(20) + ' '), text('source', [{ type: 'link', attrs: { href: 'https://www.wgig.org/docs', title: null } }]), text(' ' + sentence(10) + '.')]
    : r < 0.2 ? [text(sentence(30) + ' '), text(sentence(4), [{ type: 'em' }]), text(' ' + sentence(26) + '.')]
      : [text(sentence(60) + '.')];
  return { type: 'paragraph', attrs: { id: id() }, content };
};

/** 5 chapters × 4 sections × 3 subsections; paragraphs spread evenly; a list or a quote now and then. */
function reportJson(): J {
  const content: J[] = [];
  const perSub = Math.ceil(PARAGRAPHS / 60);
  let written = 0;
  for (let c = 0; c < 5; c++) {
    content.push({ type: 'heading', attrs: { id: id(), level: 1 }, content: [text(sentence(4))] });
    for (let s = 0; s < 4; s++) {
      content.push({ type: 'heading', attrs: { id: id(), level: 2 }, content: [text(sentence(5))] });
      for (let u = 0; u < 3; u++) {
        content.push({ type: 'heading', attrs: { id: id(), level: 3 }, content: [text(sentence(6))] });
        for (let p = 0; p < perSub && written < PARAGRAPHS; p++, written++) {
          content.push(paragraph());
          if (p === 5) content.push({ type: 'bullet_list', content: [1, 2, 3].map(() => ({ type: 'list_item', attrs: { id: id() }, content: [{ type: 'paragraph', attrs: { id: id() }, content: [text(sentence(12))] }] })) });
          if (p === 15) content.push({ type: 'blockquote', attrs: { id: id() }, content: [{ type: 'paragraph', attrs: { id: id() }, content: [text(sentence(30))] }] });
        }
      }
    }
  }
  return { type: 'doc', content };
}

function buildReport(): { ydoc: Y.Doc; verifier: SignatureVerifier; stances: number; blocks: number } {
  const ydoc = createReportDoc();
  writeMeta(ydoc, {
    id: REPORT, title: 'Report of the Working Group on Internet Governance', body: 'Working Group on Internet Governance',
    place: 'Château de Bossey', date: '2005-06-18', consensusRule: 'default', created: '2005-01-01T00:00:00.000Z',
  }, Origin.seed);
  ydoc.transact(() => prosemirrorJSONToYXmlFragment(schema, reportJson(), bodyOf(ydoc)), Origin.seed);
  const members = Array.from({ length: MEMBERS }, (_, i) => {
    const input = {
      id: `m${i}`, name: `Member ${i}`, group: GROUPS[i % 4]!, region: 'african', development: 'developing',
      gender: i % 2 ? 'man' : 'woman', publicKey: generateKeyPair().publicKey,
    };
    return i === 0 ? addCreatorAsChair(ydoc, input, Origin.seed) : addMember(ydoc, { ...input, role: 'member' }, Origin.seed);
  });
  const blocks = extractBlocks(schema.nodeFromJSON(exportSourceOf(ydoc, null).doc.toJSON()));
  const verifier = new SignatureVerifier(REPORT);
  const mix: Stance[] = ['endorse', 'endorse', 'endorse', 'endorse', 'endorse', 'endorse', 'accept', 'accept'];
  let counter = 0;
  ydoc.transact(() => {
    const map = endorsementsOf(ydoc);
    for (const block of blocks.blocks) {
      for (const member of members) {
        const r = random();
        const stance: Stance = r < 0.005 ? 'object' : r < 0.01 ? 'reserve' : mix[Math.floor(random() * mix.length)]!;
        const e: Endorsement = {
          blockId: block.id, memberId: member.id, stance, textHash: block.textHash, text: block.text,
          note: stance === 'object' || stance === 'reserve' ? 'The wording does not reflect the consultations.' : '',
          at: '2026-11-28T10:00:00.000Z', signature: (++counter).toString(16).padStart(128, '0'),
        };
        verifier.remember(e, member.publicKey, true);
        map.set(endorsementKey(block.id, member.id), e);
      }
    }
  }, Origin.seed);
  return { ydoc, verifier, stances: counter, blocks: blocks.blocks.length };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ms = (value: number): string => `${value.toFixed(0)} ms`;
const kb = (bytes: number): string => (bytes > 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MB` : `${(bytes / 1024).toFixed(0)} KB`);

const setupStart = performance.now();
const { ydoc, verifier, stances, blocks } = buildReport();
const setupMs = performance.now() - setupStart;
const dir = await mkdtemp(join(tmpdir(), 'plenary-export-bench-'));
const printer = await launchChromiumPrinter();
const rows: string[][] = [];
try {
  const annexOf = (y: Y.Doc, d: Parameters<typeof annexOfReport>[1]) => annexOfReport(y, d, verifier);
  // Baselines in the same process: the Y.Doc read alone, and the plain text written out.
  const readTimes: number[] = [];
  const annexTimes: number[] = [];
  let plainBytes = 0;
  const plainTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    const source = exportSourceOf(ydoc, null);
    readTimes.push(performance.now() - t);
    t = performance.now();
    annexOf(ydoc, source.doc);
    annexTimes.push(performance.now() - t);
    t = performance.now();
    const plain = source.doc.textBetween(0, source.doc.content.size, '\n\n');
    plainBytes = plain.length;
    await writeFile(join(dir, 'plain.txt'), plain);
    plainTimes.push(performance.now() - t);
  }
  rows.push(['baseline: Y.Doc → ProseMirror doc', ms(median(readTimes)), '']);
  rows.push(['baseline: plain text written', ms(median(plainTimes)), kb(plainBytes)]);
  rows.push(['annex (consensus engine, warm verifier)', ms(median(annexTimes)), '']);

  for (const format of EXPORT_FORMATS as readonly ExportFormat[]) {
    const times: number[] = [];
    let size = 0;
    for (let run = 0; run < RUNS; run++) {
      const path = join(dir, `report.${format}`);
      const t = performance.now();
      await exportReportFile(ydoc, { format, options: DEFAULT_EXPORT_OPTIONS, path }, { annexOf, printer: printer.print });
      times.push(performance.now() - t);
      size = (await stat(path)).size;
    }
    rows.push([`${format} (title, contents, annex)`, ms(median(times)), kb(size)]);
  }
} finally {
  await printer.close();
  await rm(dir, { recursive: true, force: true });
}

console.log(`Export of a ${blocks}-block report (${PARAGRAPHS} numbered paragraphs), ${MEMBERS} members, ${stances} stances; median of ${RUNS} runs; set-up ${(setupMs / 1000).toFixed(1)} s (not timed below)\n`);
const widths = [0, 1, 2].map((c) => Math.max(...[['step', 'time', 'size'], ...rows].map((r) => r[c]!.length)));
const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
console.log(line(['step', 'time', 'size']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
