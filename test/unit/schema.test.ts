import { describe, expect, it } from 'vitest';
import type { TagParseRule } from 'prosemirror-model';
import { BLOCK_ID_TYPES, HEADING_LEVELS, hasBlockId, schema } from '../../shared/schema.ts';
import { sanitizeLinkMarks } from '../../shared/links.ts';
import { ensureUniqueIds } from '../../shared/block-ids.ts';
import { numberBlocks } from '../../shared/numbering.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { renderHtml } from '../../shared/export/html.ts';
import { serializeMarkdown } from '../../shared/export/markdown.ts';
import { fixtureMeta } from './export-fixture.ts';

/** What parse rules read of an element; enough to call them without a DOM. */
const element = (attrs: Record<string, string>) => ({ getAttribute: (name: string) => attrs[name] ?? null, style: {} });
const tagRule = (typeName: string, tag?: string): TagParseRule => {
  const spec = schema.nodes[typeName]?.spec ?? schema.marks[typeName]!.spec;
  const rule = spec.parseDOM!.find((r) => 'tag' in r && (tag === undefined || r.tag === tag));
  return rule as TagParseRule;
};

describe('report schema', () => {
  it('gives every block but the list containers an id attribute, null until the plugin sets it', () => {
    const blockTypes = Object.values(schema.nodes).filter((t) => t.isBlock && t.name !== 'doc').map((t) => t.name);
    expect(blockTypes.filter((name) => !['bullet_list', 'ordered_list'].includes(name)).sort()).toEqual([...BLOCK_ID_TYPES].sort());
    for (const name of BLOCK_ID_TYPES) {
      expect(hasBlockId(name)).toBe(true);
      expect(schema.nodes[name]!.spec.attrs).toHaveProperty('id');
      expect(schema.nodes[name]!.create(null, name === 'paragraph' || name === 'heading' ? [] : schema.nodes.paragraph!.create()).attrs.id).toBeNull();
    }
    expect(hasBlockId('bullet_list')).toBe(false);
  });

  it('has four heading levels and writes the id to the DOM as data-block-id', () => {
    expect(HEADING_LEVELS).toBe(4);
    const heading = schema.nodes.heading!.create({ id: 'abcd', level: 3 }, schema.text('x'));
    expect(schema.nodes.heading!.spec.toDOM!(heading)).toEqual(['h3', { 'data-block-id': 'abcd' }, 0]);
    expect(tagRule('heading', 'h6').getAttrs!(element({}) as never)).toEqual({ id: null, level: 4 });
  });

  it('draws, numbers and exports a heading whose level another client wrote oddly at a level it has', () => {
    // The attribute is only checked to be a number: 9, 1.5, -1e21 or 1e21 are written as is.
    const doc = schema.node('doc', null, [9, 1.5, -1e21, 1e21, 2].map((level, i) => schema.node('heading', { id: `head${i}`, level }, schema.text(`Heading ${i}`))));
    expect(doc.content.content.map((heading) => (schema.nodes.heading!.spec.toDOM!(heading) as [string])[0])).toEqual(['h4', 'h1', 'h1', 'h4', 'h2']);
    expect(numberBlocks(doc).map((block) => block.label)).toEqual(['(a)', 'I.', 'II.', '(a)', 'A.']);
    const exported = buildExportDocument({ doc, numbers: blockNumbers(doc), meta: fixtureMeta, options: { ...DEFAULT_EXPORT_OPTIONS, annex: false }, annex: null });
    const headingTags = [...renderHtml(exported).matchAll(/<(h[^a-z>\s][^>\s]*)/g)].map((match) => match[1]);
    expect(headingTags.filter((tag) => !['h1', 'h2', 'h3', 'h4'].includes(tag!))).toEqual([]);
    expect(headingTags.length).toBeGreaterThanOrEqual(5);
    expect(serializeMarkdown(doc).split('\n').filter((line) => line.startsWith('#')).map((line) => line.split(' ')[0])).toEqual(['####', '#', '#', '####', '##']);
  });

  it('keeps only well-formed ids from pasted HTML', () => {
    const rule = tagRule('paragraph');
    expect(rule.getAttrs!(element({ 'data-block-id': 'Ab_-12' }) as never)).toEqual({ id: 'Ab_-12' });
    expect(rule.getAttrs!(element({ 'data-block-id': 'x"><script>' }) as never)).toEqual({ id: null });
    expect(rule.getAttrs!(element({}) as never)).toEqual({ id: null });
  });

  it('drops links to anything but http, https and mailto when parsing HTML', () => {
    const rule = tagRule('link');
    for (const href of ['javascript:alert(1)', 'java\tscript:x', 'data:text/html,x', '/relative', '//evil.example']) {
      expect(rule.getAttrs!(element({ href }) as never)).toBe(false);
    }
    expect(rule.getAttrs!(element({ href: 'https://example.org', title: 'Ex' }) as never)).toEqual({ href: 'https://example.org', title: 'Ex' });
  });

  it('renders a stored bad href as "#", whatever a peer wrote into the document', () => {
    const toDOM = schema.marks.link!.spec.toDOM!;
    for (const href of ['javascript:alert(1)', 'data:text/html,x', 'vbscript:x', 'relative']) {
      const [tag, attrs] = toDOM(schema.marks.link!.create({ href }), true) as [string, Record<string, string>];
      expect(tag).toBe('a');
      expect(attrs.href).toBe('#');
      expect(attrs.rel).toBe('noopener noreferrer');
    }
    const [, attrs] = toDOM(schema.marks.link!.create({ href: 'mailto:a@example.org' }), true) as [string, Record<string, string>];
    expect(attrs.href).toBe('mailto:a@example.org');
  });

  it('loads JSON through the sanitiser path: bad links dropped, ids made unique, content valid', () => {
    const json = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { id: 'h1h1', level: 1 }, content: [{ type: 'text', text: 'Introduction' }] },
        {
          type: 'paragraph', attrs: { id: 'h1h1' },
          content: [
            { type: 'text', text: 'click', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] },
            { type: 'text', text: ' or ', marks: [] },
            { type: 'text', text: 'here', marks: [{ type: 'link', attrs: { href: 'data:text/html,<b>' } }] },
            { type: 'text', text: ' and ', marks: [] },
            { type: 'text', text: 'there', marks: [{ type: 'link', attrs: { href: 'img/x.png' } }] },
            { type: 'text', text: ' but ', marks: [] },
            { type: 'text', text: 'this', marks: [{ type: 'link', attrs: { href: 'https://www.wgig.org' } }] },
          ],
        },
      ],
    };
    const doc = schema.nodeFromJSON(ensureUniqueIds(sanitizeLinkMarks(json).doc).doc);
    doc.check();
    const links: string[] = [];
    doc.descendants((node) => {
      for (const mark of node.marks) if (mark.type.name === 'link') links.push(mark.attrs.href as string);
    });
    expect(links).toEqual(['https://www.wgig.org']);
    expect(doc.textContent).toBe('Introductionclick or here and there but this');
    expect(doc.child(0).attrs.id).toBe('h1h1');
    expect(doc.child(1).attrs.id).not.toBe('h1h1');
  });

  it('refuses structures the schema does not allow', () => {
    expect(() => schema.nodeFromJSON({ type: 'doc', content: [{ type: 'list_item', content: [{ type: 'paragraph' }] }] }).check()).toThrow();
    expect(() => schema.nodeFromJSON({ type: 'doc', content: [{ type: 'bullet_list', content: [{ type: 'list_item', content: [{ type: 'heading' }] }] }] }).check()).toThrow();
    expect(() => schema.nodeFromJSON({ type: 'doc', content: [{ type: 'table' }] })).toThrow();
  });
});
