import { describe, expect, it } from 'vitest';
import type { Node as PMNode } from 'prosemirror-model';
import { parseMarkdown, serializeMarkdown } from '../../shared/export/markdown.ts';
import { renderMarkdownExport } from '../../shared/export/markdown-export.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { schema } from '../../shared/schema.ts';
import { fixtureAnnex, fixtureDoc, fixtureJson, fixtureMeta } from './export-fixture.ts';

/** Structure and text without ids (an import gives fresh ones) and with unsafe links gone. */
function shape(doc: PMNode): unknown {
  const walk = (node: PMNode): unknown => {
    if (node.isText) return { text: node.text, marks: node.marks.map((m) => (m.type.name === 'link' ? `link:${String(m.attrs.href)}` : m.type.name)) };
    const attrs = { ...node.attrs };
    delete attrs.id;
    const children: unknown[] = [];
    node.forEach((child) => children.push(walk(child)));
    return { type: node.type.name, attrs, children };
  };
  return walk(doc);
}

/** The fixture with its javascript: link reduced to plain text, as every writer does. */
function fixtureWithoutUnsafeLinks(): PMNode {
  const json = JSON.parse(JSON.stringify(fixtureJson), (key, value: unknown) =>
    key === 'marks' && Array.isArray(value)
      ? value.filter((m: { attrs?: { href?: string } }) => !m.attrs?.href?.startsWith('javascript'))
      : value) as typeof fixtureJson;
  return schema.nodeFromJSON(json);
}

describe('Markdown', () => {
  it('doc → md → doc keeps structure, marks, links and text', () => {
    const md = serializeMarkdown(fixtureDoc());
    const back = parseMarkdown(md).doc;
    expect(shape(back)).toEqual(shape(fixtureWithoutUnsafeLinks()));
  });

  it('writes the constructs of the schema as Markdown', () => {
    const md = serializeMarkdown(fixtureDoc());
    expect(md).toContain('# Introduction\n');
    expect(md).toContain('### Costs\n');
    expect(md).toContain('The **Tunis** phase');
    expect(md).toContain('[the mandate](https://www.wgig.org/mandate)');
    expect(md).toContain('Line one\\\nline two.');
    expect(md).toContain('1. Interconnection costs\n2. Internet stability');
    expect(md).toContain('> The Internet is a global facility.');
    // An item holding a nested list makes its list loose (see markdown.ts).
    expect(md).toContain('* Spam\n\n  * Nested point\n\n* Cybercrime');
    expect(md).not.toContain('javascript');
  });

  it('md → doc → md is stable', () => {
    const sources = [
      '# Title\n\nSome *it* and **bold** and [a](https://a.example/x_(y)).\n\n- one\n- two\n\n> quoted\n',
      'Setext\n======\n\n1) first\n2) second\n\n3. three\n\n```\ncode\n```\n\n---\n\n![img](https://x/y.png) <b>raw</b>\n\n###### deep\n',
      'Tight list:\n* a\n* b\n    * c\n\ntext with trailing spaces  \nbreak and \\*escaped\\* and 1. not a list\n',
    ];
    for (const source of sources) {
      const once = serializeMarkdown(parseMarkdown(source).doc);
      const twice = serializeMarkdown(parseMarkdown(once).doc);
      expect(twice).toBe(once);
    }
  });

  it('keeps what the schema cannot hold as text and refuses unsafe links', () => {
    const { doc } = parseMarkdown('```\nx = 1\n```\n\n[click](javascript:alert(1)) ![i](https://x/y.png) <script>alert(1)</script>\n\n##### Five\n');
    const json = JSON.stringify(doc.toJSON());
    expect(json).not.toContain('"href":"javascript');
    expect(doc.textContent).toContain('x = 1');
    expect(doc.textContent).toContain('<script>alert(1)</script>');
    const headings: number[] = [];
    doc.forEach((n) => { if (n.type.name === 'heading') headings.push(n.attrs.level as number); });
    expect(headings).toEqual([4]);
  });

  it('an export with numbers, front matter, contents and annex imports back to the same text', () => {
    const doc = fixtureDoc();
    const numbers = blockNumbers(doc);
    const model = buildExportDocument({ doc, numbers, meta: fixtureMeta, options: DEFAULT_EXPORT_OPTIONS, annex: fixtureAnnex });
    const md = renderMarkdownExport(doc, numbers, model);
    expect(md).toContain('2\\. The **Tunis** phase');
    expect(md).toContain('# II. Public policy issues');
    expect(md).toContain('### 1\\. Costs');
    expect(md).toContain('| I. Introduction | Partly | Objection |');
    expect(md).toContain('| 2. | Objection | Ana \\<Civil\\> Society | Civil society |');
    const { doc: back, front } = parseMarkdown(md);
    expect(front).toMatchObject({ title: fixtureMeta.title, place: fixtureMeta.place, date: fixtureMeta.date, numbered: true });
    expect(shape(back)).toEqual(shape(fixtureWithoutUnsafeLinks()));
  });

  it('a long document (written in runs of blocks) round-trips, adjacent lists included', () => {
    const blocks: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      blocks.push(...fixtureWithoutUnsafeLinks().toJSON().content);
      // Two lists in a row around every run boundary: they need alternating markers.
      blocks.push({ type: 'bullet_list', content: [{ type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: `a${i}` }] }] }] });
      blocks.push({ type: 'bullet_list', content: [{ type: 'list_item', content: [{ type: 'paragraph', content: [{ type: 'text', text: `b${i}` }] }] }] });
    }
    const doc = schema.nodeFromJSON({ type: 'doc', content: blocks });
    expect(doc.childCount).toBeGreaterThan(500);
    const md = serializeMarkdown(doc);
    expect(shape(parseMarkdown(md).doc)).toEqual(shape(doc));
    expect(serializeMarkdown(parseMarkdown(md).doc)).toBe(md);
  });

  it('keeps empty paragraphs, numbered or not, at the top level, in lists and in quotes', () => {
    const p = (text?: string) => ({ type: 'paragraph', attrs: { id: null }, ...(text ? { content: [{ type: 'text', text }] } : {}) });
    const doc = schema.nodeFromJSON({ type: 'doc', content: [
      p(), p('First.'), p(), p(), p('After two blank ones.'),
      { type: 'bullet_list', content: [{ type: 'list_item', content: [p()] }, { type: 'list_item', content: [p('Item.'), p()] }] },
      { type: 'blockquote', content: [p(), p('Quoted.')] },
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'End' }] },
      p(),
    ] });
    const md = serializeMarkdown(doc);
    expect(md).toContain('&nbsp;\n\nFirst.\n\n&nbsp;\n\n&nbsp;\n\nAfter two blank ones.');
    expect(shape(parseMarkdown(md).doc)).toEqual(shape(doc));
    expect(serializeMarkdown(parseMarkdown(md).doc)).toBe(md);
    // The export writes the editor's numbers; empty paragraphs have theirs too, and lose them on import.
    const exported = renderMarkdownExport(doc, blockNumbers(doc), buildExportDocument({ doc, numbers: blockNumbers(doc), meta: fixtureMeta, options: { ...DEFAULT_EXPORT_OPTIONS, toc: false, annex: false }, annex: null }));
    expect(exported).toContain('1\\. &nbsp;\n\n2\\. First.\n\n3\\. &nbsp;');
    expect(shape(parseMarkdown(exported).doc)).toEqual(shape(doc));
  });

  it('underscores in text stay text, also in runs and next to emphasis', () => {
    const em = schema.marks.em!.create();
    const doc = schema.node('doc', null, [
      schema.node('paragraph', null, [schema.text('___+___ ` _')]),
      schema.node('paragraph', null, [schema.text('__'), schema.text('0 0', [em]), schema.text('__ a a')]),
      schema.node('paragraph', null, [schema.text('snake_case and __init__')]),
    ]);
    const md = serializeMarkdown(doc);
    expect(shape(parseMarkdown(md).doc)).toEqual(shape(doc));
    expect(serializeMarkdown(parseMarkdown(md).doc)).toBe(md);
  });

  it('an empty file parses to one empty paragraph', () => {
    const { doc } = parseMarkdown('');
    expect(doc.childCount).toBe(1);
    expect(doc.firstChild!.type.name).toBe('paragraph');
  });
});
