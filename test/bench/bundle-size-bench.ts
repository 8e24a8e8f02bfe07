// Bundle size for a day of one member's typing: a member opens a 300-paragraph report in
// the morning and types all day through the real editor binding (y-prosemirror's own
// conversion, one Yjs transaction per keystroke as in the app): 12,000 characters
// (≈ 2,000 words) with 8 % backspaces, a new paragraph every ≈ 500 characters, and 20
// signed stances. The evening's bundle for a colleague who has the morning's report
// holds exactly that day. The text typed does not repeat: words drawn with Zipf's law from
// 5,000 made-up words (about the entropy of English prose), so compression is not
// flattered by a repeated sentence. Compared against the bare text typed, that text
// deflated (no encoding of the day can be much smaller), format 1 and 2 bundles and the
// whole report. Then the same day on a report with a history — the morning's report is
// the 300-paragraph one after a merged week of 40 members (week-of-edits.ts, written
// straight into Yjs): there Yjs's own diff update also carries the document's whole
// delete set and every client's state, which format 3 leaves out for a recipient who got
// the previous bundle. Prints tables; never fails.
// Run: `npm run bench -- bundle-size` (or `node test/bench/bundle-size-bench.ts`).
import { brotliCompressSync, constants as zlibConstants, deflateRawSync } from 'node:zlib';
import * as Y from 'yjs';
import { TextSelection } from 'prosemirror-state';
import { splitBlock } from 'prosemirror-commands';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, Origin, writeMeta } from '../../shared/ydoc.ts';
import { blockIdPlugin, ensureUniqueIds } from '../../shared/block-ids.ts';
import { addCreatorAsChair } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { prepareStance, signEndorsement } from '../../shared/endorsement.ts';
import { putEndorsement } from '../../shared/endorsement-store.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { readRoster } from '../../shared/roster.ts';
import { createBundle, encodeBundle, type BundleHeader } from '../../shared/bundle.ts';
import { deletionsOfSnapshot } from '../../shared/bundle-deletions.ts';
import { baseReport, directWeek, members, REPORT_ID as HISTORY_REPORT_ID } from './week-of-edits.ts';
import { HeadlessPeer } from '../unit/helpers/headless-peer.ts';
import { reportBody } from './report-generator.ts';

const CHARACTERS = 12_000;
const REPORT_ID = 'bundle-bench';
let seed = 11;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
// Made-up words (2–4 syllables) drawn by Zipf's law: frequent short words, a long tail.
const SYLLABLES = ['ta', 'ne', 'ro', 'mi', 'ka', 'lu', 'se', 'do', 'vi', 'pa', 'gor', 'nis', 'tel', 'mar', 'bu', 'fe', 'zan', 'qui', 'ly', 'os', 'ent', 'ion', 'al', 'der'];
const VOCABULARY = Array.from({ length: 5000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
const ZIPF = VOCABULARY.map((_, rank) => 1 / (rank + 1));
const ZIPF_TOTAL = ZIPF.reduce((a, b) => a + b, 0);
function word(): string {
  let r = random() * ZIPF_TOTAL;
  for (let rank = 0; rank < ZIPF.length; rank++) {
    r -= ZIPF[rank]!;
    if (r <= 0) return VOCABULARY[rank]!;
  }
  return VOCABULARY[0]!;
}
let prose = '';
while (prose.length < CHARACTERS + 100) prose += random() < 0.07 ? `${word()}. ` : `${word()} `;
const PROSE = prose;

const kB = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;
const deflated = (bytes: Uint8Array): number => deflateRawSync(bytes, { level: 9 }).length;

interface Day { typed: number; backspaces: number; paragraphs: number; typingOnly: Uint8Array; ms: number }

/** A day of typing through the editor binding from the middle of the report, then 20 signed stances. */
function typeADay(doc: Y.Doc, reportId: string, memberId: string, privateKey: string, morning: Uint8Array): Day {
  const editor = new HeadlessPeer(doc, [blockIdPlugin()]);
  const t0 = performance.now();
  let cursor = 0;
  editor.state.doc.forEach((node, offset, index) => {
    if (index === 150) cursor = offset + node.nodeSize - 1;
  });
  let typed = 0;
  let backspaces = 0;
  let paragraphs = 0;
  while (typed < CHARACTERS) {
    const roll = random();
    if (roll < 0.08 && cursor > 1) {
      const $c = editor.state.doc.resolve(cursor);
      if ($c.parentOffset > 0) {
        editor.dispatch(editor.state.tr.delete(cursor - 1, cursor));
        cursor -= 1;
        backspaces++;
        continue;
      }
    }
    if (roll > 0.998) {
      editor.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, cursor)));
      splitBlock(editor.state, (tr) => editor.dispatch(tr));
      cursor = editor.state.selection.from;
      paragraphs++;
      continue;
    }
    editor.dispatch(editor.state.tr.insertText(PROSE[typed % PROSE.length]!, cursor));
    cursor += 1;
    typed++;
  }
  const typingOnly = Y.encodeStateAsUpdateV2(doc, morning);
  const blocks = extractBlocks(editor.state.doc);
  for (let s = 0; s < 20; s++) {
    const blockId = blocks.order[s * 7]!;
    const context = { blockText: (id: string) => blocks.byId.get(id)?.text, roster: readRoster(doc) };
    const fields = prepareStance(context, { blockId, memberId, stance: 'endorse' });
    putEndorsement(doc, reportId, signEndorsement(reportId, fields, privateKey), context, Origin.local);
  }
  editor.destroy();
  return { typed, backspaces, paragraphs, typingOnly, ms: performance.now() - t0 };
}

/** The bundle format 2 wrote (shared/bundle.ts before format 3): the whole delete set and state vectors. */
function formatTwo(doc: Y.Doc, header: BundleHeader, base: Uint8Array): Uint8Array {
  return encodeBundle({ ...header, version: 2, bundleId: '', continues: '', base, after: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdateV2(doc, base), updateFormat: 'v2' });
}
function formatOne(doc: Y.Doc, header: BundleHeader, base = Y.encodeStateVector(new Y.Doc())): Uint8Array {
  return encodeBundle({ ...header, version: 1, bundleId: '', continues: '', base, after: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdate(doc, base), updateFormat: 'v1' });
}
function print(title: string, rows: [string, string][]): void {
  console.log(`\n${title}\n\n| measure | result |\n| --- | --- |`);
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}

// 1. A fresh report (no history): the morning's report is the generated one.
const keys = generateKeyPair();
const doc = createReportDoc();
writeMeta(doc, { id: REPORT_ID, title: 'Bundle bench', consensusRule: 'default', created: '2026-11-28T00:00:00.000Z' }, Origin.seed);
let n = 0;
doc.transact(() => prosemirrorJSONToYXmlFragment(schema, ensureUniqueIds(reportBody(300), () => `blk-${n++}`).doc, bodyOf(doc)), Origin.seed);
addCreatorAsChair(doc, { id: 'm0', name: 'Ana', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', publicKey: keys.publicKey }, Origin.seed);
const morning = Y.encodeStateVector(doc);
const wholeMorning = Y.encodeStateAsUpdate(doc).length;
const day = typeADay(doc, REPORT_ID, 'm0', keys.privateKey, morning);
const header: BundleHeader = { reportId: REPORT_ID, reportTitle: 'Bundle bench', sender: 'Ana', recipient: 'Bo', createdAt: new Date().toISOString() };
const bundle = createBundle(doc, header, morning);
const v2 = Y.encodeStateAsUpdateV2(doc, morning);
const typedText = new TextEncoder().encode(PROSE.slice(0, day.typed));
print('A day of typing on a fresh report', [
  ['characters typed (keystrokes, one transaction each)', `${day.typed.toLocaleString('en')} + ${day.backspaces} backspaces, ${day.paragraphs} new paragraphs`],
  ['signed stances taken', '20'],
  ['baseline: the text typed, as UTF-8', kB(typedText.length)],
  ['**floor: the text typed, deflated (what the words alone cost compressed)**', `**${kB(deflated(typedText))}**`],
  ['**the evening\'s bundle, format 3 (v2 update, deflated)**', `**${kB(bundle.length)}**`],
  ['of which the typing alone (before the stances), v2 deflated', kB(deflated(day.typingOnly))],
  ['of which the 20 stances (each carries its paragraph\'s text, a 64-byte signature, a SHA-256)', kB(bundle.length - deflated(day.typingOnly))],
  ['deleted text the bundle still carries (backspaced characters; the doc keeps them, gc: false)', `${day.backspaces} characters`],
  ['the same day as a format 2 / format 1 bundle', `${kB(formatTwo(doc, header, morning).length)} / ${kB(formatOne(doc, header, morning).length)}`],
  ['the day\'s update: v1 / v2 encoding, uncompressed', `${kB(Y.encodeStateAsUpdate(doc, morning).length)} / ${kB(v2.length)}`],
  ['the day\'s v2 update with Brotli (quality 11) instead of DEFLATE (not a bundle format: Node has it, the pure-JavaScript shared code does not)', kB(brotliCompressSync(v2, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length)],
  ['a complete bundle (whole report), format 3 / format 1', `${kB(createBundle(doc, header).length)} / ${kB(formatOne(doc, header).length)} (the morning's report: ${kB(wholeMorning)})`],
  ['time to type the day through the editor binding', `${(day.ms / 1000).toFixed(1)} s`],
]);

// 2. The same day on a report with a history: the morning's report is the one after the
// merge bench's week (40 members × 500 edits, merged); Bo got Ana's bundle yesterday.
const roster = members();
const start = baseReport(roster);
const startUpdate = Y.encodeStateAsUpdate(start);
const history = createReportDoc();
Y.applyUpdate(history, startUpdate, Origin.load);
history.transact(() => {
  roster.forEach((member, i) => Y.applyUpdate(history, directWeek(startUpdate, i, member), Origin.bundle));
}, Origin.bundle);
const historyMorning = Y.encodeStateVector(history);
const historyBytes = Y.encodeStateAsUpdate(history).length;
const yesterday = { deletions: deletionsOfSnapshot(Y.encodeSnapshotV2(Y.snapshot(history)))!, bundleId: 'yesterday' };
typeADay(history, HISTORY_REPORT_ID, roster[0]!.id, roster[0]!.privateKey, historyMorning);
const historyHeader: BundleHeader = { ...header, reportId: HISTORY_REPORT_ID };
const withHistory = createBundle(history, historyHeader, historyMorning, { known: yesterday });
let deletedRanges = 0;
for (const ranges of Y.createDeleteSetFromStructStore(history.store).clients.values()) deletedRanges += ranges.length;
print('The same day on a report with a week of 40 members\' history', [
  ['the morning\'s report', `${kB(historyBytes)} of Yjs state, ${Y.decodeStateVector(historyMorning).size} clients, ${deletedRanges.toLocaleString('en')} deleted ranges by evening`],
  ['**floor: the text typed, deflated**', `**${kB(deflated(typedText))}**`],
  ['**the evening\'s bundle for Bo, format 3 (he got yesterday\'s)**', `**${kB(withHistory.length)}**`],
  ['the same, format 2 (Yjs\'s diff: the whole delete set, both state vectors in full)', kB(formatTwo(history, historyHeader, historyMorning).length)],
  ['a first bundle for someone (format 3, nothing known of their deletions)', kB(createBundle(history, historyHeader, historyMorning).length)],
]);
