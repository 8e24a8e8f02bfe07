// A member's week offline, for the merge and bundle-size benchmarks: 500 edits on their
// own copy of a 300-paragraph report with 40 members on its roster (70 % typing bursts of
// 1–6 words at a random place, 20 % deletions of up to 30 characters, 10 % new
// paragraphs), then 50 Ed25519-signed stances. Made two ways:
// - `typedWeek` (the realistic one): through the editor binding, as the app makes them —
//   y-prosemirror's updateYFragment with the block-id plugin, one Yjs transaction per
//   keystroke at the caret (placed first, as a click does), a deletion as a selection
//   deleted, a new paragraph as Enter at the end of one (splitBlock) and then typed.
//   y-prosemirror finds what changed by diffing the paragraph's text; unpatched, when the
//   key typed equalled the character after the caret it placed the insertion after that
//   character, and a typed run split into several Yjs items (≈ 3.5× as many items as
//   runs; see RESULTS.md). Our patch places the change at the caret.
// - `directWeek` (the first version of the bench): each burst inserted with one
//   Y.XmlText.insert, each new paragraph built as a Y.XmlElement; one item per burst.
// Both deterministic (seeded). Each member's result is returned as a v1 update against the
// base report.
import * as Y from 'yjs';
import { TextSelection, type Transaction } from 'prosemirror-state';
import { splitBlock } from 'prosemirror-commands';
import type { Node as PMNode } from 'prosemirror-model';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, endorsementsOf, Origin, writeMeta } from '../../shared/ydoc.ts';
import { addCreatorAsChair, addMember } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { signEndorsement, type EndorsementFields } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { textHash } from '../../shared/text-hash.ts';
import { blockIdPlugin, ensureUniqueIds } from '../../shared/block-ids.ts';
import { EditorHost } from '../unit/y-prosemirror-host.ts';
import { reportBody, seeded } from './report-generator.ts';

export const MEMBERS = 40;
export const EDITS = 500;
export const STANCES = 50;
export const PARAGRAPHS = 300;
export const REPORT_ID = 'merge-bench';

const WORDS = 'the forum should be open inclusive and transparent with governments private sector civil society'.split(' ');

export interface Member { id: string; publicKey: string; privateKey: string }

export function members(count = MEMBERS): Member[] {
  return Array.from({ length: count }, (_, i) => ({ id: `m${i}`, ...generateKeyPair() }));
}

/** The report all members start from: 300 paragraphs, the roster signed by the chair (m0). */
export function baseReport(roster: Member[]): Y.Doc {
  const random = seeded(7);
  const doc = createReportDoc();
  writeMeta(doc, { id: REPORT_ID, title: 'Merge bench', consensusRule: 'default', created: '2026-11-28T00:00:00.000Z' }, Origin.seed);
  let n = 0;
  doc.transact(() => prosemirrorJSONToYXmlFragment(schema, ensureUniqueIds(reportBody(PARAGRAPHS), () => `blk-${n++}`).doc, bodyOf(doc)), Origin.seed);
  roster.forEach((member, i) => {
    const group = ['government', 'private-sector', 'civil-society', 'international-organization'][Math.floor(random() * 4)]!;
    const input = { id: member.id, name: `Member ${i}`, group, region: 'african', development: 'developing', gender: 'woman', publicKey: member.publicKey };
    if (i === 0) addCreatorAsChair(doc, input, Origin.seed);
    else addMember(doc, { ...input, role: 'member' }, Origin.seed);
  });
  return doc;
}

function burst(random: () => number): string {
  return Array.from({ length: 1 + Math.floor(random() * 6) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ') + ' ';
}

/** The member's 50 stances on paragraphs of their copy, signed, each its own transaction. */
function stances(doc: Y.Doc, index: number, member: Member, paragraphs: { id: string; text: string }[]): void {
  for (let s = 0; s < STANCES; s++) {
    const p = paragraphs[(index * 7 + s) % paragraphs.length]!;
    const fields: EndorsementFields = {
      blockId: p.id, memberId: member.id, stance: 'endorse', textHash: textHash(p.text), text: p.text, note: '',
      at: new Date(Date.UTC(2026, 10, 20 + (s % 7))).toISOString(),
    };
    doc.transact(() => endorsementsOf(doc).set(endorsementKey(fields.blockId, fields.memberId), signEndorsement(REPORT_ID, fields, member.privateKey)), Origin.local);
  }
}

/**
 * A week typed through the editor binding (y-prosemirror's real ySyncPlugin, patched, on
 * a DOM-free host), keystroke by keystroke, each written to Yjs before the next as the
 * app does between key events.
 */
export async function typedWeek(base: Uint8Array, index: number, member: Member): Promise<Uint8Array> {
  const random = seeded(1000 + index);
  const doc = createReportDoc();
  Y.applyUpdate(doc, base, Origin.load);
  const before = Y.encodeStateVector(doc);
  const editor = new EditorHost(doc, [blockIdPlugin()]);
  const keystroke = async (tr: Transaction): Promise<void> => {
    editor.dispatch(tr);
    await editor.settle();
  };
  const paragraphs = (): { node: PMNode; offset: number }[] => {
    const out: { node: PMNode; offset: number }[] = [];
    editor.state.doc.forEach((node, offset) => {
      if (node.type.name === 'paragraph') out.push({ node, offset });
    });
    return out;
  };
  const type = async (at: number, text: string): Promise<void> => {
    await keystroke(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, at)));
    for (const ch of text) await keystroke(editor.state.tr.insertText(ch));
  };
  for (let e = 0; e < EDITS; e++) {
    const all = paragraphs();
    const { node, offset } = all[Math.floor(random() * all.length)]!;
    const length = node.content.size;
    const roll = random();
    if (roll < 0.7) {
      await type(offset + 1 + Math.floor(random() * (length + 1)), burst(random));
    } else if (roll < 0.9 && length > 10) {
      const at = Math.floor(random() * (length - 5));
      const from = offset + 1 + at;
      await keystroke(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, from, from + Math.min(length - at, 1 + Math.floor(random() * 30)))));
      await keystroke(editor.state.tr.deleteSelection());
    } else {
      await keystroke(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, offset + 1 + length)));
      let split: Transaction | null = null;
      splitBlock(editor.state, (tr) => (split = tr));
      if (split) await keystroke(split);
      await type(editor.state.selection.from, `New paragraph by member ${index}.`);
    }
  }
  stances(doc, index, member, paragraphs().map(({ node }) => ({ id: String(node.attrs.id), text: node.textContent })));
  editor.destroy();
  return Y.encodeStateAsUpdate(doc, before);
}

/** A week written straight into Yjs: one item per burst (the bench's first workload). */
export function directWeek(base: Uint8Array, index: number, member: Member): Uint8Array {
  const random = seeded(2000 + index);
  const doc = createReportDoc();
  Y.applyUpdate(doc, base, Origin.load);
  const before = Y.encodeStateVector(doc);
  const paragraphs = (): Y.XmlElement[] => bodyOf(doc).toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === 'paragraph');
  const textOf = (p: Y.XmlElement): Y.XmlText | null => (p.get(0) instanceof Y.XmlText ? p.get(0) as Y.XmlText : null);
  for (let e = 0; e < EDITS; e++) {
    const all = paragraphs();
    const text = textOf(all[Math.floor(random() * all.length)]!);
    const roll = random();
    doc.transact(() => {
      if (roll < 0.7 && text) {
        text.insert(Math.floor(random() * (text.length + 1)), burst(random));
      } else if (roll < 0.9 && text && text.length > 10) {
        const at = Math.floor(random() * (text.length - 5));
        text.delete(at, Math.min(text.length - at, 1 + Math.floor(random() * 30)));
      } else {
        const fresh = new Y.XmlElement('paragraph');
        fresh.setAttribute('id', `p-${index}-${e}`);
        fresh.insert(0, [new Y.XmlText(`New paragraph by member ${index}.`)]);
        bodyOf(doc).insert(Math.floor(random() * bodyOf(doc).length), [fresh]);
      }
    }, Origin.local);
  }
  stances(doc, index, member, paragraphs().map((p) => ({ id: String(p.getAttribute('id')), text: textOf(p)?.toString() ?? '' })));
  return Y.encodeStateAsUpdate(doc, before);
}
