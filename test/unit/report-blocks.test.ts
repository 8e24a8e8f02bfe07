import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Node as PMNode } from 'prosemirror-model';
import { schema } from '../../shared/schema.ts';
import { diffBlocks, extractBlocks, sectionsOf, updateBlocks } from '../../shared/report-blocks.ts';
import { textHash } from '../../shared/text-hash.ts';

const p = (id: string | null, text: string): PMNode => schema.node('paragraph', { id }, text ? [schema.text(text)] : []);
const h = (id: string, level: number, text: string): PMNode => schema.node('heading', { id, level }, [schema.text(text)]);
const li = (id: string, ...content: PMNode[]): PMNode => schema.node('list_item', { id }, content);
const doc = (...blocks: PMNode[]): PMNode => schema.node('doc', null, blocks);

describe('endorsable blocks', () => {
  it('lists top-level headings, paragraphs, quotes and the items of top-level lists, in order', () => {
    const d = doc(
      h('h1', 1, 'I. Introduction'),
      p('p1', 'First  paragraph\u00a0here. '),
      schema.node('bullet_list', null, [li('l1', p('lp1', 'one'), schema.node('bullet_list', null, [li('l1a', p('lp2', 'nested'))])), li('l2', p('lp3', 'two'))]),
      schema.node('blockquote', { id: 'q1' }, [p('qp1', 'quoted'), p('qp2', 'more')]),
      p(null, 'no id yet'),
    );
    const { blocks } = extractBlocks(d);
    expect(blocks.map((b) => [b.id, b.kind, b.text])).toEqual([
      ['h1', 'heading', 'I. Introduction'],
      ['p1', 'paragraph', 'First paragraph here.'],
      ['l1', 'list_item', 'one nested'],
      ['l2', 'list_item', 'two'],
      ['q1', 'blockquote', 'quoted more'],
    ]);
    expect(blocks[0]?.headingLevel).toBe(1);
    expect(blocks[1]?.textHash).toBe(textHash('First paragraph here.'));
  });

  it('a hard break reads as a space and text is NFC-normalized', () => {
    const d = doc(schema.node('paragraph', { id: 'p1' }, [schema.text('Cafe\u0301'), schema.node('hard_break'), schema.text('ouvert')]));
    expect(extractBlocks(d).blocks[0]?.text).toBe('Caf\u00e9 ouvert');
  });

  it('nests sections: a heading holds the blocks up to the next heading of its level or higher', () => {
    const d = doc(h('A', 1, 'A'), p('a1', 'x'), h('B', 2, 'B'), p('b1', 'y'), h('C', 3, 'C'), p('c1', 'z'), h('D', 2, 'D'), p('d1', 'w'), h('E', 1, 'E'), p('e1', 'v'));
    const index = extractBlocks(d);
    expect(index.byId.get('c1')?.sectionPath).toEqual(['A', 'B', 'C']);
    expect(index.byId.get('d1')?.sectionPath).toEqual(['A', 'D']);
    const sections = sectionsOf(index);
    expect(sections.map((s) => [s.id, s.parentId ?? null, s.blockIds.join(' ')])).toEqual([
      ['A', null, 'A a1 B b1 C c1 D d1'],
      ['B', 'A', 'B b1 C c1'],
      ['C', 'B', 'C c1'],
      ['D', 'A', 'D d1'],
      ['E', null, 'E e1'],
    ]);
  });

  it('keeps the first of two blocks with one id', () => {
    const { blocks } = extractBlocks(doc(p('p1', 'a'), p('p1', 'b')));
    expect(blocks.map((b) => b.text)).toEqual(['a']);
  });

  it('an edit re-reads only the touched block and reports it', () => {
    const before = doc(h('A', 1, 'A'), p('p1', 'one'), p('p2', 'two'));
    const index = extractBlocks(before);

    // Typing one character into p2 through a real transform:
    const typed = before.copy(before.content.replaceChild(2, p('p2', 'twos')));
    const { index: next, changes } = updateBlocks(index, typed);
    expect(changes).toEqual({ added: [], removed: [], changed: ['p2'], sectionsChanged: false });
    expect(next.byId.get('p1')).toBe(index.byId.get('p1'));
    expect(next.byId.get('p2')?.textHash).toBe(textHash('twos'));
    expect(updateBlocks(next, typed).changes.changed).toEqual([]);

  });

  it('stays equal to a full read over many edits of distinct blocks (its lookup is layered)', () => {
    let current = doc(...Array.from({ length: 200 }, (_, i) => p(`p${i}`, `text ${i}`)));
    let index = extractBlocks(current);
    for (let k = 0; k < 150; k += 1) {
      const at = (k * 37) % current.childCount;
      // Every tenth edit replaces a block by a new one (one id gone, one added).
      const id = k % 10 === 9 ? `n${k}` : current.child(at).attrs.id as string;
      current = current.copy(current.content.replaceChild(at, p(id, `edited ${k}`)));
      index = updateBlocks(index, current).index;
    }
    const full = extractBlocks(current);
    expect(index.blocks).toEqual(full.blocks);
    expect(index.byId.size).toBe(full.byId.size);
    expect(new Map(index.byId)).toEqual(new Map(full.byId));
  });

  it('incremental extraction equals a full read after any sequence of edits', () => {
    const blockArb = fc.record({
      kind: fc.constantFrom('p', 'h1', 'h2', 'h3', 'list', 'quote'),
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'),
      text: fc.constantFrom('alpha', 'beta  gamma', 'delta', ''),
    });
    const build = (spec: { kind: string; id: string; text: string }): PMNode => {
      if (spec.kind === 'p') return p(`p-${spec.id}`, spec.text);
      if (spec.kind === 'list') return schema.node('bullet_list', null, [li(`l-${spec.id}`, p(null, spec.text)), li(`m-${spec.id}`, p(null, 'x'))]);
      if (spec.kind === 'quote') return schema.node('blockquote', { id: `q-${spec.id}` }, [p(null, spec.text || 'q')]);
      return h(`h-${spec.id}`, Number(spec.kind[1]), spec.text || 'H');
    };
    const op = fc.record({ at: fc.nat(), remove: fc.nat(3), insert: fc.array(blockArb, { maxLength: 3 }) });
    fc.assert(fc.property(fc.array(blockArb, { minLength: 1, maxLength: 12 }), fc.array(op, { maxLength: 8 }), (initial, ops) => {
      let current = doc(...initial.map(build));
      let index = extractBlocks(current);
      for (const { at, remove, insert } of ops) {
        const children: PMNode[] = [];
        current.forEach((n) => children.push(n));
        const start = at % (children.length + 1);
        children.splice(start, remove, ...insert.map(build));
        if (children.length === 0) children.push(p('p-z', 'z'));
        current = doc(...children);
        const previousEntries = [...index.byId.entries()].sort();
        const update = updateBlocks(index, current);
        expect([...index.byId.entries()].sort()).toEqual(previousEntries);
        const full = extractBlocks(current);
        const expected = diffBlocks(index, full);
        for (const field of ['added', 'removed', 'changed'] as const) expect([...update.changes[field]].sort()).toEqual([...expected[field]].sort());
        if (expected.sectionsChanged) expect(update.changes.sectionsChanged).toBe(true);
        index = update.index;
        expect(index.blocks).toEqual(full.blocks);
        expect([...index.byId.keys()].sort()).toEqual([...full.byId.keys()].sort());
        expect(index.counts).toEqual(full.counts);
        expect(index.starts).toEqual(full.starts);
        expect(index.order).toEqual(full.order);
        expect(index.byId.size).toBe(full.byId.size);
      }
    }), { numRuns: 300 });
  });
});
