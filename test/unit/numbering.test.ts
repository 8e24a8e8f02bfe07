import { describe, expect, it } from 'vitest';
import type { Node as PMNode } from 'prosemirror-model';
import { schema } from '../../shared/schema.ts';
import {
  createNumberingCache, numberBlocks, numberingKey, numberReport, sameNumbering, toAlpha, toRoman,
} from '../../shared/numbering.ts';

const p = (id: string, text = `text of ${id}`): PMNode => schema.node('paragraph', { id }, text ? schema.text(text) : []);
const h = (level: number, id: string): PMNode => schema.node('heading', { id, level }, schema.text(`heading ${id}`));
const li = (id: string): PMNode => schema.node('list_item', { id }, [p(`${id}p`)]);
const ul = (...items: string[]): PMNode => schema.node('bullet_list', null, items.map(li));
const ol = (...items: string[]): PMNode => schema.node('ordered_list', null, items.map(li));
const quote = (id: string, ...inner: PMNode[]): PMNode => schema.node('blockquote', { id }, inner);
const doc = (...blocks: PMNode[]): PMNode => schema.node('doc', null, blocks);

const labels = (d: PMNode): string[] => numberBlocks(d).map((b) => `${b.id}=${b.label}`);

describe('label helpers', () => {
  it('writes Roman numerals', () => {
    expect([1, 2, 3, 4, 5, 9, 10, 14, 40, 49, 90, 1999, 3999].map(toRoman))
      .toEqual(['I', 'II', 'III', 'IV', 'V', 'IX', 'X', 'XIV', 'XL', 'XLIX', 'XC', 'MCMXCIX', 'MMMCMXCIX']);
  });
  it('writes letters past Z as AA, AB', () => {
    expect([1, 2, 26, 27, 28, 52, 53, 702, 703].map((n) => toAlpha(n))).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
    expect(toAlpha(3, true)).toBe('c');
  });
});

describe('numbering of a mixed report', () => {
  const report = doc(
    p('intro1'),
    h(1, 'I'),
    p('p1'),
    ul('a', 'b'),
    p('p2'),
    h(2, 'IA'),
    quote('q', p('inQuote')),
    p('p3'),
    h(3, 'IA1'),
    h(4, 'IA1a'),
    p('p4'),
    h(4, 'IA1b'),
    h(3, 'IA2'),
    h(4, 'IA2a'),
    h(2, 'IB'),
    h(3, 'IB1'),
    ol('c'),
    h(1, 'II'),
    h(2, 'IIA'),
    p('p5'),
  );

  it('numbers paragraphs continuously and headings per level with restarts', () => {
    expect(labels(report)).toEqual([
      'intro1=1.', 'I=I.', 'p1=2.', 'p2=3.', 'IA=A.', 'p3=4.', 'IA1=1.', 'IA1a=(a)', 'p4=5.',
      'IA1b=(b)', 'IA2=2.', 'IA2a=(a)', 'IB=B.', 'IB1=1.', 'II=II.', 'IIA=A.', 'p5=6.',
    ]);
  });

  it('gives lists, quotes and what is inside them no number', () => {
    const map = numberReport(report);
    for (const id of ['a', 'b', 'ap', 'c', 'q', 'inQuote']) expect(map.has(id)).toBe(false);
    expect(map.get('p5')).toBe('6.');
  });

  it('reports kind, level and top-level index', () => {
    const blocks = numberBlocks(report);
    expect(blocks[1]).toEqual({ id: 'I', label: 'I.', kind: 'heading', level: 1, index: 1, ordinal: 1 });
    expect(blocks.find((b) => b.id === 'p2')).toEqual({ id: 'p2', label: '3.', kind: 'paragraph', index: 4, ordinal: 3 });
  });

  it('numbers a heading below a missing level within its own level', () => {
    expect(labels(doc(h(1, 'I'), h(3, 'x'), h(3, 'y'), h(4, 'z'), h(2, 'A'), h(4, 'w'))))
      .toEqual(['I=I.', 'x=1.', 'y=2.', 'z=(a)', 'A=A.', 'w=(a)']);
    expect(labels(doc(h(2, 'A'), p('p'), h(1, 'I'), h(2, 'A2')))).toEqual(['A=A.', 'p=1.', 'I=I.', 'A2=A.']);
  });

  it('numbers empty paragraphs and leaves blocks without id out of the map only', () => {
    const d = doc(p('x', ''), schema.node('paragraph', null, [schema.text('no id')]), p('y'));
    expect(numberBlocks(d).map((b) => b.label)).toEqual(['1.', '2.', '3.']);
    expect([...numberReport(d)]).toEqual([['x', '1.'], ['y', '3.']]);
  });
});

describe('numbers follow the text', () => {
  const before = doc(h(1, 'I'), p('a'), p('b'), h(1, 'II'), p('c'));

  it('renumbers when a paragraph is deleted', () => {
    const bStart = before.child(0).nodeSize + before.child(1).nodeSize;
    const after = before.replace(bStart, bStart + before.child(2).nodeSize, before.slice(0, 0));
    expect(labels(after)).toEqual(['I=I.', 'a=1.', 'II=II.', 'c=2.']);
    expect(sameNumbering(before, after)).toBe(false);
  });

  it('renumbers when a paragraph is moved to another section', () => {
    const moved = doc(h(1, 'I'), p('b'), h(1, 'II'), p('c'), p('a'));
    expect(numberReport(moved).get('a')).toBe('3.');
    expect(numberReport(moved).get('b')).toBe('1.');
  });

  it('renumbers headings when a section heading is removed', () => {
    expect(labels(doc(h(1, 'II'), p('c')))).toEqual(['II=I.', 'c=1.']);
  });

  it('does not count typing inside a paragraph as a structural change', () => {
    const typed = before.replace(5, 5, before.slice(5, 7));
    expect(typed.eq(before)).toBe(false);
    expect(sameNumbering(before, typed)).toBe(true);
    expect(numberingKey(before)).toBe(numberingKey(typed));
    const cache = createNumberingCache();
    const first = cache(before);
    expect(cache(typed)).toBe(first);
    const relevelled = doc(h(2, 'I'), p('a'), p('b'), h(1, 'II'), p('c'));
    expect(sameNumbering(before, relevelled)).toBe(false);
    expect(numberingKey(before)).not.toBe(numberingKey(relevelled));
    expect(cache(relevelled)).not.toBe(first);
    expect(cache(relevelled)[0]!.label).toBe('A.');
  });
});
