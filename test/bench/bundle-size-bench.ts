// Bundle size for a day of one member's typing: a member opens a 300-paragraph report in
// the morning and types all day through the real editor binding (y-prosemirror's own
// conversion, one Yjs transaction per keystroke as in the app): 12,000 characters
// (≈ 2,000 words) with 8 % backspaces, a new paragraph every ≈ 500 characters, and 20
// signed stances. The evening's bundle for a colleague who has the morning's report
// holds exactly that day. The text typed does not repeat: words drawn with Zipf's law from
// 5,000 made-up words (about the entropy of English prose), so compression is not
// flattered by a repeated sentence. Compared against the bare text typed, that text
// deflated (no encoding of the day can be much smaller), format 1 bundles and the whole
// report. Prints a table; never fails.
// Run: `npm run bench -- bundle-size` (or `node test/bench/bundle-size-bench.ts`).
import { deflateRawSync, gzipSync } from 'node:zlib';
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

const keys = generateKeyPair();
const doc = createReportDoc();
writeMeta(doc, { id: REPORT_ID, title: 'Bundle bench', consensusRule: 'default', created: '2026-11-28T00:00:00.000Z' }, Origin.seed);
let n = 0;
doc.transact(() => prosemirrorJSONToYXmlFragment(schema, ensureUniqueIds(reportBody(300), () => `blk-${n++}`).doc, bodyOf(doc)), Origin.seed);
addCreatorAsChair(doc, { id: 'm0', name: 'Ana', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', publicKey: keys.publicKey }, Origin.seed);
const morning = Y.encodeStateVector(doc);
const wholeMorning = Y.encodeStateAsUpdate(doc).length;

const editor = new HeadlessPeer(doc, [blockIdPlugin()]);
const t0 = performance.now();
// Start typing at the end of a paragraph in the middle of the report.
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
const typingOnlyV2 = Y.encodeStateAsUpdateV2(doc, morning);
const blocks = extractBlocks(editor.state.doc);
for (let s = 0; s < 20; s++) {
  const blockId = blocks.order[s * 7]!;
  const context = { blockText: (id: string) => blocks.byId.get(id)?.text, roster: readRoster(doc) };
  const fields = prepareStance(context, { blockId, memberId: 'm0', stance: 'endorse' });
  putEndorsement(doc, REPORT_ID, signEndorsement(REPORT_ID, fields, keys.privateKey), context, Origin.local);
}
const typingMs = performance.now() - t0;

const header: BundleHeader = { reportId: REPORT_ID, reportTitle: 'Bundle bench', sender: 'Ana', recipient: 'Bo', createdAt: new Date().toISOString() };
const bundle = createBundle(doc, header, morning);
const update = Y.encodeStateAsUpdate(doc, morning);
const v2 = Y.encodeStateAsUpdateV2(doc, morning);
const formatOne = (base?: Uint8Array): Uint8Array => {
  const baseVector = base ?? Y.encodeStateVector(new Y.Doc());
  return encodeBundle({ ...header, version: 1, base: baseVector, after: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdate(doc, baseVector), updateFormat: 'v1' });
};
const typedText = new TextEncoder().encode(PROSE.slice(0, typed));
const kB = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;
const rows: [string, string][] = [
  ['characters typed (keystrokes, one transaction each)', `${typed.toLocaleString('en')} + ${backspaces} backspaces, ${paragraphs} new paragraphs`],
  ['signed stances taken', '20'],
  ['baseline: the text typed, as UTF-8', kB(typedText.length)],
  ['baseline: the text typed, deflated (what the words alone cost compressed)', kB(deflateRawSync(typedText, { level: 9 }).length)],
  ['**the evening\'s bundle, format 2 (v2 update, deflated)**', `**${kB(bundle.length)}**`],
  ['of which the typing alone (before the stances), v2 deflated', kB(deflateRawSync(typingOnlyV2, { level: 9 }).length)],
  ['the same day as a format 1 bundle (v1 update, as before)', kB(formatOne(morning).length)],
  ['the day\'s update: v1 / v2 encoding, uncompressed', `${kB(update.length)} / ${kB(v2.length)}`],
  ['the format 1 bundle gzipped (e-mail attachments often are)', kB(gzipSync(formatOne(morning)).length)],
  ['a complete bundle (whole report), format 2 / format 1', `${kB(createBundle(doc, header).length)} / ${kB(formatOne().length)} (the morning's report: ${kB(wholeMorning)})`],
  ['time to type the day through the editor binding', `${(typingMs / 1000).toFixed(1)} s`],
];
console.log('\n| measure | result |\n| --- | --- |');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
editor.destroy();
