import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Node as PMNode } from 'prosemirror-model';
import { schema } from '../../shared/schema.ts';
import { parseMarkdown, serializeMarkdown } from '../../shared/export/markdown.ts';

/**
 * doc → Markdown → doc keeps structure, text and marks for any document the schema
 * allows, with what Markdown cannot say taken out of the generator: text that begins
 * or ends with spaces (Markdown trims blocks), empty headings, and a mark that starts or
 * ends between a punctuation character and a letter with no space ("**U.S.**A": by
 * CommonMark's flanking rules such a "**" is not emphasis).
 */
const word = fc.stringMatching(/^[A-Za-z0-9*_[\]()#>+.!\\`<&~|:;"'=-]{1,8}$/);
const text = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' '));
const markSet = fc.record({ strong: fc.boolean(), em: fc.boolean(), link: fc.option(fc.constantFrom('https://a.example/x', 'mailto:b@c.example', 'https://d.example/p?q=1&r=(2)'), { nil: null }) });

type J = Record<string, unknown>;
const inline = fc.array(fc.tuple(text, markSet, fc.boolean()), { minLength: 1, maxLength: 4 }).map((parts) => {
  const out: J[] = [];
  parts.forEach(([t, m, breakAfter], i) => {
    const marks: J[] = [];
    if (m.link) marks.push({ type: 'link', attrs: { href: m.link, title: null } });
    if (m.em) marks.push({ type: 'em' });
    if (m.strong) marks.push({ type: 'strong' });
    // Separate runs by a space so marks never meet mid-word (Markdown cannot close "**a**b" reliably).
    out.push({ type: 'text', text: i < parts.length - 1 && !breakAfter ? `${t} ` : t, ...(marks.length ? { marks } : {}) });
    if (breakAfter && i < parts.length - 1) out.push({ type: 'hard_break' });
  });
  return out;
});
// Empty paragraphs too (blank lines the drafters kept): written as "&nbsp;", read back empty.
const paragraph = fc.oneof(
  { weight: 5, arbitrary: inline.map((content) => ({ type: 'paragraph', attrs: { id: null }, content })) },
  { weight: 1, arbitrary: fc.constant({ type: 'paragraph', attrs: { id: null } }) },
);
// Headings hold no hard breaks in the editor; a space keeps their runs apart.
const heading = fc.tuple(fc.integer({ min: 1, max: 4 }), inline).map(([level, content]) => ({
  type: 'heading', attrs: { id: null, level },
  content: content.map((n) => (n.type === 'hard_break' ? { type: 'text', text: ' ' } : n)),
}));
const { block } = fc.letrec<{ block: J; item: J }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    paragraph, heading,
    fc.array(tie('item'), { minLength: 1, maxLength: 3 }).map((content) => ({ type: 'bullet_list', content })),
    fc.tuple(fc.integer({ min: 1, max: 30 }), fc.array(tie('item'), { minLength: 1, maxLength: 3 })).map(([order, content]) => ({ type: 'ordered_list', attrs: { order }, content })),
    fc.array(tie('block'), { minLength: 1, maxLength: 2 }).map((content) => ({ type: 'blockquote', attrs: { id: null }, content })),
  ),
  item: fc.tuple(paragraph, fc.array(tie('block'), { maxLength: 1 })).map(([first, rest]) => ({ type: 'list_item', attrs: { id: null }, content: [first, ...rest] })),
}));
const docArb = fc.array(block, { minLength: 1, maxLength: 6 }).map((content) => schema.nodeFromJSON({ type: 'doc', content }));

/**
 * Structure, attributes, text, and the marks on every character that is not a space:
 * Markdown moves spaces out of emphasis ("*a *b" is not emphasis), which changes nothing
 * a reader sees.
 */
function shape(node: PMNode): unknown {
  if (node.isTextblock) {
    const marks: string[] = [];
    node.descendants((child) => {
      if (child.isText) {
        const names = child.marks.map((m) => (m.type.name === 'link' ? `link:${String(m.attrs.href)}` : m.type.name)).sort().join('+');
        for (const ch of child.text ?? '') if (ch !== ' ') marks.push(`${ch}${names}`);
      } else marks.push(child.type.name);
    });
    return { type: node.type.name, attrs: node.attrs, text: node.textContent, marks };
  }
  const children: unknown[] = [];
  node.forEach((child) => children.push(shape(child)));
  return { type: node.type.name, attrs: node.attrs, children };
}

describe('Markdown round-trip (property)', () => {
  it('doc → md → doc is the identity on structure, text and marks', () => {
    fc.assert(fc.property(docArb, (doc) => {
      const md = serializeMarkdown(doc);
      expect(shape(parseMarkdown(md).doc)).toEqual(shape(doc));
    }), { numRuns: 300 });
  });

  it('md → doc → md is stable', () => {
    fc.assert(fc.property(docArb, (doc) => {
      const md = serializeMarkdown(doc);
      expect(serializeMarkdown(parseMarkdown(md).doc)).toBe(md);
    }), { numRuns: 300 });
  });
});
