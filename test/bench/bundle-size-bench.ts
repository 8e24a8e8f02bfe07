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
// Since formats 4 and 5 (2026-11-28 13:35 and 13:42 UTC) the headline is the bundle the app writes:
// Brotli (main's codec, bundle-codecs.ts) and, in format 5, stance texts by reference to
// the paragraphs' items the recipient has (shared/bundle-stances.ts); format 3 (DEFLATE,
// every stance whole) is printed beside it. A "typical day" table (600 words, 5 stances)
// is added beside the heavy 2,000-word day, which stays the headline workload.
// Run: `npm run bench -- bundle-size` (or `node test/bench/bundle-size-bench.ts`).
import { deflateRawSync } from 'node:zlib';
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
import { createBundle, decodeBundle, encodeBundle, type BundleHeader } from '../../shared/bundle.ts';
import { brotliCodec } from '../../main/services/bundles.ts';
import { deletionsOfSnapshot } from '../../shared/bundle-deletions.ts';
import { baseReport, directWeek, members, REPORT_ID as HISTORY_REPORT_ID } from './week-of-edits.ts';
import { HeadlessPeer } from '../unit/helpers/headless-peer.ts';
import { reportBody } from './report-generator.ts';

const CHARACTERS = 12_000;
/** A typical day beside the heavy one: about 600 words and 5 stances. */
const TYPICAL_CHARACTERS = 3_600;
const TYPICAL_STANCES = 5;
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
function typeADay(doc: Y.Doc, reportId: string, memberId: string, privateKey: string, morning: Uint8Array, characters = CHARACTERS, stanceCount = 20): Day {
  const editor = new HeadlessPeer(doc, [blockIdPlugin()]);
  const t0 = performance.now();
  let cursor = 0;
  editor.state.doc.forEach((node, offset, index) => {
    if (index === 150) cursor = offset + node.nodeSize - 1;
  });
  let typed = 0;
  let backspaces = 0;
  let paragraphs = 0;
  while (typed < characters) {
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
  for (let s = 0; s < stanceCount; s++) {
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
const brotli = (bytes: Uint8Array): number => brotliCodec.compress(bytes).length;
function freshDay(title: string, characters: number, stanceCount: number, full: boolean): void {
  const keys = generateKeyPair();
  const doc = createReportDoc();
  writeMeta(doc, { id: REPORT_ID, title: 'Bundle bench', consensusRule: 'default', created: '2026-11-28T00:00:00.000Z' }, Origin.seed);
  let n = 0;
  doc.transact(() => prosemirrorJSONToYXmlFragment(schema, ensureUniqueIds(reportBody(300), () => `blk-${n++}`).doc, bodyOf(doc)), Origin.seed);
  addCreatorAsChair(doc, { id: 'm0', name: 'Ana', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', publicKey: keys.publicKey }, Origin.seed);
  const morning = Y.encodeStateVector(doc);
  const wholeMorning = Y.encodeStateAsUpdate(doc).length;
  const day = typeADay(doc, REPORT_ID, 'm0', keys.privateKey, morning, characters, stanceCount);
  const header: BundleHeader = { reportId: REPORT_ID, reportTitle: 'Bundle bench', sender: 'Ana', recipient: 'Bo', createdAt: new Date().toISOString() };
  const five = createBundle(doc, header, morning, { brotli: brotliCodec });
  const decoded = decodeBundle(five, { brotli: brotliCodec.decompress });
  const four = encodeBundle({ ...decoded, version: 4, update: Y.encodeStateAsUpdateV2(doc, morning), stanceRefs: [] }, brotliCodec);
  const three = createBundle(doc, header, morning);
  const v2 = Y.encodeStateAsUpdateV2(doc, morning);
  const typedText = new TextEncoder().encode(PROSE.slice(0, day.typed));
  const typing = brotli(day.typingOnly);
  const items = Y.decodeUpdateV2(day.typingOnly).structs.length;
  const rows: [string, string][] = [
    ['characters typed (keystrokes, one transaction each)', `${day.typed.toLocaleString('en')} + ${day.backspaces} backspaces, ${day.paragraphs} new paragraphs`],
    ['signed stances taken (on paragraphs of the morning\'s report)', String(stanceCount)],
    ['baseline: the text typed, as UTF-8', kB(typedText.length)],
    ['**floor: the text typed, deflated / Brotli (what the words alone cost compressed)**', `**${kB(deflated(typedText))} / ${kB(brotli(typedText))}**`],
    ['**the evening\'s bundle, format 5 (as the app writes it: Brotli, stance texts by reference)**', `**${kB(five.length)}**`],
    ['of which the typing alone (v2 update before the stances, Brotli)', `${kB(typing)} (${items.toLocaleString('en')} Yjs items)`],
    [`of which the ${stanceCount} stances (signature, stance, time, block and member ids; text and hash by reference: ${decoded.stanceRefs?.length ?? 0} of ${stanceCount})`, `${kB(five.length - typing)} (${((five.length - typing) / stanceCount / 1024).toFixed(2)} kB each)`],
    ['the same day, format 4 (Brotli, every stance whole: what a stance on a paragraph typed that day costs)', `${kB(four.length)} (stances ${((four.length - typing) / stanceCount / 1024).toFixed(2)} kB each)`],
    ['the same day, format 3 (DEFLATE, every stance whole; before 2026-11-28 13:35 UTC)', kB(three.length)],
  ];
  if (full) {
    rows.push(
      ['deleted text the bundle still carries (backspaced characters; the doc keeps them, gc: false)', `${day.backspaces} characters`],
      ['the same day as a format 2 / format 1 bundle', `${kB(formatTwo(doc, header, morning).length)} / ${kB(formatOne(doc, header, morning).length)}`],
      ['the day\'s update: v1 / v2 encoding, uncompressed', `${kB(Y.encodeStateAsUpdate(doc, morning).length)} / ${kB(v2.length)}`],
      ['a complete bundle (whole report), format 5 / format 3 / format 1', `${kB(createBundle(doc, header, undefined, { brotli: brotliCodec }).length)} / ${kB(createBundle(doc, header).length)} / ${kB(formatOne(doc, header).length)} (the morning's report: ${kB(wholeMorning)})`],
      ['time to type the day through the editor binding', `${(day.ms / 1000).toFixed(1)} s`],
    );
  }
  print(title, rows);
}
freshDay('A heavy day of typing on a fresh report (2,000 words, 20 stances)', CHARACTERS, 20, true);
freshDay(`A typical day on a fresh report (${TYPICAL_CHARACTERS / 6} words, ${TYPICAL_STANCES} stances; added 2026-11-28, beside the heavy day)`, TYPICAL_CHARACTERS, TYPICAL_STANCES, false);

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
const historyHeader: BundleHeader = { reportId: HISTORY_REPORT_ID, reportTitle: 'Bundle bench', sender: 'Ana', recipient: 'Bo', createdAt: new Date().toISOString() };
const withHistory = createBundle(history, historyHeader, historyMorning, { known: yesterday, brotli: brotliCodec });
const withHistoryThree = createBundle(history, historyHeader, historyMorning, { known: yesterday });
const typedText = new TextEncoder().encode(PROSE.slice(0, CHARACTERS));
let deletedRanges = 0;
for (const ranges of Y.createDeleteSetFromStructStore(history.store).clients.values()) deletedRanges += ranges.length;
print('The same day on a report with a week of 40 members\' history', [
  ['the morning\'s report', `${kB(historyBytes)} of Yjs state, ${Y.decodeStateVector(historyMorning).size} clients, ${deletedRanges.toLocaleString('en')} deleted ranges by evening`],
  ['**floor: the text typed, deflated / Brotli**', `**${kB(deflated(typedText))} / ${kB(brotli(typedText))}**`],
  ['**the evening\'s bundle for Bo, format 5 (he got yesterday\'s)**', `**${kB(withHistory.length)}** (stance texts by reference: ${decodeBundle(withHistory, { brotli: brotliCodec.decompress }).stanceRefs?.length ?? 0} of 20)`],
  ['the same, format 3 (DEFLATE, stances whole)', kB(withHistoryThree.length)],
  ['the same, format 2 (Yjs\'s diff: the whole delete set, both state vectors in full)', kB(formatTwo(history, historyHeader, historyMorning).length)],
  ['a first bundle for someone (format 5 / format 3, nothing known of their deletions)', `${kB(createBundle(history, historyHeader, historyMorning, { brotli: brotliCodec }).length)} / ${kB(createBundle(history, historyHeader, historyMorning).length)}`],
]);
