/**
 * UN paragraph numbering, computed from the document and never stored.
 *
 * Exports (stable; the editor's margin and every export use the same numbers):
 * - `numberBlocks(doc)`   → `NumberedBlock[]` in document order, one per numbered block;
 * - `numberReport(doc)`   → `Map<blockId, label>` (blocks without an id are left out);
 * - `sameNumbering(a, b)` → true when two docs number identically, so a renderer can keep
 *                           its last result (typing inside a paragraph never renumbers);
 * - `numberingKey(doc)`   → a string equal for docs that number identically (for caches
 *                           that want a key; `sameNumbering` is cheaper per keystroke);
 * - `createNumberingCache()` → `(doc) => NumberedBlock[]` that recomputes only when
 *                           `sameNumbering` says the structure changed;
 * - `toRoman(n)`, `toAlpha(n)` — the label helpers.
 *
 * The rules, as UN reports use them:
 * - Only top-level blocks are numbered. Body paragraphs are numbered 1., 2., 3. …
 *   continuously through the whole report, across headings. Empty paragraphs are numbered
 *   too (as a numbered paragraph style in a word processor does), so pressing Enter and
 *   then typing never renumbers twice.
 * - Headings: level 1 → I., II. …; level 2 → A., B. …; level 3 → 1., 2. …; level 4 →
 *   (a), (b) …. A heading restarts the counters of every deeper level.
 * - Lists, block quotes and anything inside them carry no paragraph number.
 * - A heading below a missing level (a level-3 heading with no level-2 heading since the
 *   last level-1 one) is numbered within its own level as usual, starting from 1.; the
 *   missing level is not invented. So "I. / 1. / 2." is what a level-1 heading followed by
 *   two level-3 headings gets. Headings deeper than 4 are numbered as level 4.
 */
import type { Node as PMNode } from 'prosemirror-model';
import { HEADING_LEVELS, headingLevel } from './schema.ts';

export interface NumberedBlock {
  /** The block's id, or null while the id plugin has not given it one yet. */
  id: string | null;
  /** What the margin shows: "12.", "IV.", "B.", "3.", "(c)". */
  label: string;
  kind: 'paragraph' | 'heading';
  /** Heading level (1–4); absent for paragraphs. */
  level?: number;
  /** Index of the block among the doc's top-level children. */
  index: number;
  /** The counter behind the label: the paragraph's number, or the heading's within its level. */
  ordinal: number;
}

const ROMAN: readonly [number, string][] = [
  [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'],
  [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];

/** Upper-case Roman numeral for 1 ≤ n ≤ 3999; plain digits outside that range. */
export function toRoman(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 3999) return String(n);
  let rest = n;
  let out = '';
  for (const [value, symbol] of ROMAN) {
    while (rest >= value) {
      out += symbol;
      rest -= value;
    }
  }
  return out;
}

/** Spreadsheet-style letters: 1 → A, 26 → Z, 27 → AA; lower-case when asked. */
export function toAlpha(n: number, lowerCase = false): string {
  if (!Number.isInteger(n) || n < 1) return String(n);
  let rest = n;
  let out = '';
  while (rest > 0) {
    const digit = (rest - 1) % 26;
    out = String.fromCharCode(65 + digit) + out;
    rest = Math.floor((rest - 1) / 26);
  }
  return lowerCase ? out.toLowerCase() : out;
}

/** The label a heading of `level` (1–4) gets for its `ordinal` within that level. */
export function headingLabel(level: number, ordinal: number): string {
  switch (level) {
    case 1: return `${toRoman(ordinal)}.`;
    case 2: return `${toAlpha(ordinal)}.`;
    case 3: return `${ordinal}.`;
    default: return `(${toAlpha(ordinal, true)})`;
  }
}

function blockId(node: PMNode): string | null {
  const id: unknown = node.attrs.id;
  return typeof id === 'string' ? id : null;
}

/** Every numbered top-level block of `doc`, in document order. */
export function numberBlocks(doc: PMNode): NumberedBlock[] {
  const out: NumberedBlock[] = [];
  // counters[1..4]: the last heading ordinal at each level since a shallower heading.
  const counters = [0, 0, 0, 0, 0];
  let paragraphs = 0;
  const count = doc.childCount;
  for (let index = 0; index < count; index++) {
    const node = doc.child(index);
    const type = node.type.name;
    if (type === 'paragraph') {
      paragraphs++;
      out.push({ id: blockId(node), label: `${paragraphs}.`, kind: 'paragraph', index, ordinal: paragraphs });
    } else if (type === 'heading') {
      const level = headingLevel(node.attrs.level);
      const ordinal = ++counters[level]!;
      for (let deeper = level + 1; deeper <= HEADING_LEVELS; deeper++) counters[deeper] = 0;
      out.push({ id: blockId(node), label: headingLabel(level, ordinal), kind: 'heading', level, index, ordinal });
    }
  }
  return out;
}

/** Block id → label, for every numbered block that has an id. */
export function numberReport(doc: PMNode): Map<string, string> {
  const labels = new Map<string, string>();
  for (const block of numberBlocks(doc)) {
    if (block.id !== null) labels.set(block.id, block.label);
  }
  return labels;
}

/** True when the two top-level nodes contribute the same to the numbering. */
export function sameNumberingRole(a: PMNode, b: PMNode): boolean {
  if (a === b) return true;
  if (a.type !== b.type) return false;
  const name = a.type.name;
  if (name === 'paragraph') return a.attrs.id === b.attrs.id;
  if (name === 'heading') return a.attrs.id === b.attrs.id && a.attrs.level === b.attrs.level;
  return true; // lists and quotes are not numbered, whatever they hold
}

/**
 * True when `a` and `b` get the same numbering. Costs one pointer comparison per
 * top-level block when nothing structural changed (ProseMirror shares unchanged nodes).
 */
export function sameNumbering(a: PMNode, b: PMNode): boolean {
  if (a === b) return true;
  const count = a.childCount;
  if (count !== b.childCount) return false;
  for (let i = 0; i < count; i++) {
    if (!sameNumberingRole(a.child(i), b.child(i))) return false;
  }
  return true;
}

/** A string that is equal for two docs exactly when they number the same. */
export function numberingKey(doc: PMNode): string {
  const parts: string[] = [];
  const count = doc.childCount;
  for (let i = 0; i < count; i++) {
    const node = doc.child(i);
    const name = node.type.name;
    if (name === 'paragraph') parts.push(`p${String(node.attrs.id)}`);
    else if (name === 'heading') parts.push(`h${String(node.attrs.level)}${String(node.attrs.id)}`);
    else parts.push('-');
  }
  return parts.join('\u0001');
}

/** Memoises `numberBlocks` across transactions that leave the block structure alone. */
export function createNumberingCache(): (doc: PMNode) => NumberedBlock[] {
  let lastDoc: PMNode | null = null;
  let lastBlocks: NumberedBlock[] = [];
  return (doc) => {
    if (lastDoc === null || !sameNumbering(lastDoc, doc)) lastBlocks = numberBlocks(doc);
    lastDoc = doc;
    return lastBlocks;
  };
}
