import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../shared/export/html.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS, walkBlocks, type ExportOptions } from '../../shared/export/model.ts';
import { schema } from '../../shared/schema.ts';
import { fixtureAnnex, fixtureDoc, fixtureMeta } from './export-fixture.ts';

function model(options: Partial<ExportOptions> = {}, doc = fixtureDoc(), meta = fixtureMeta) {
  return buildExportDocument({ doc, numbers: blockNumbers(doc), meta, options: { ...DEFAULT_EXPORT_OPTIONS, ...options }, annex: fixtureAnnex });
}

describe('export model', () => {
  it('carries the editor\'s numbers: paragraphs 1.–7. continuously, headings I./A./1.', () => {
    const m = model();
    const numbered = [...walkBlocks(m.blocks)].filter((b) => (b.kind === 'paragraph' || b.kind === 'heading') && b.num);
    expect(numbered.map((b) => (b.kind === 'heading' || b.kind === 'paragraph' ? b.num : ''))).toEqual([
      '1.', 'I.', '2.', '3.', 'II.', 'A.', '4.', '5.', '1.', '6.', 'B.', '7.',
    ]);
    expect(m.paragraphCount).toBe(7);
    // Paragraphs inside lists and quotes carry no number.
    const inner = [...walkBlocks(m.blocks)].filter((b) => b.kind === 'paragraph' && !b.num);
    expect(inner).toHaveLength(6);
    expect(m.toc.map((t) => `${t.num} ${t.text}`)).toEqual(['I. Introduction', 'II. Public policy issues', 'A. Infrastructure', '1. Costs', 'B. Security']);
  });

  it('marks paragraphs with standing reservations only outside clean mode and with the annex on', () => {
    const standing = (options: Partial<ExportOptions>) =>
      [...walkBlocks(model(options).blocks)].flatMap((b) => (b.kind === 'paragraph' && b.standing ? [`${b.id}:${b.standing}`] : []));
    expect(standing({})).toEqual(['para-two:1', 'para-six:1']);
    expect(standing({ clean: true })).toEqual([]);
    expect(standing({ annex: false })).toEqual([]);
    expect(model({ annex: false }).annex).toBeNull();
  });
});

describe('HTML export', () => {
  it('is one self-contained file: inline CSS with @page, no scripts, no external resources', () => {
    const html = renderHtml(model());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toMatch(/<style>[\s\S]*@page[\s\S]*<\/style>/);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\bsrc=/i);
    // The only outside address is the report's own (safe) link.
    expect(html.match(/https?:\/\/[^"'\s<]+/g)).toEqual(['https://www.wgig.org/mandate']);
    expect(html).not.toContain('javascript');
  });

  it('prints the numbers, the title page, the contents and the annex', () => {
    const html = renderHtml(model());
    const paraNumbers = [...html.matchAll(/<span class="pnum">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(paraNumbers).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.']);
    expect(html).toContain('<h2 id="h-sec-infra"><span class="hnum">A.</span> Infrastructure</h2>');
    expect(html).toContain('<p class="place-date">Château de Bossey, 2005-06-18</p>');
    expect(html).toContain('<a href="#h-sec-costs">1. Costs</a>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<blockquote');
    expect(html).toContain('Line one<br>line two.');
    expect(html).toContain('<td class="s-objection">Objection</td>');
    expect(html).toContain('25 %');
    expect(html).toContain('<td>2.</td><td>Objection</td><td>Ana &lt;Civil&gt; Society</td>');
    expect(html).toContain('href="#standing-para-two"');
    expect(html).toContain('<tr id="standing-para-two">');
  });

  it('escapes text, attributes and the title', () => {
    const doc = schema.nodeFromJSON({ type: 'doc', content: [
      { type: 'paragraph', attrs: { id: 'xss-test' }, content: [
        { type: 'text', text: '</p><script>alert(1)</script>' },
        { type: 'text', text: 'q', marks: [{ type: 'link', attrs: { href: 'https://e.example/?a="><script>', title: null } }] },
      ] },
    ] });
    const html = renderHtml(model({}, doc, { ...fixtureMeta, title: '</title><script>x</script>' }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>');
  });

  it('leaves out what the options turn off; clean mode drops the banner, markers and block ids', () => {
    const bare = renderHtml(model({ titlePage: false, toc: false, annex: false, clean: true }));
    expect(bare).not.toContain('class="title-page"');
    expect(bare).not.toContain('class="toc"');
    expect(bare).not.toContain('class="annex"');
    expect(bare).not.toContain('class="draft-banner"');
    expect(bare).not.toContain('class="standing-mark"');
    expect(bare).not.toContain('id="p-');
    expect(bare).toContain('<span class="pnum">7.</span>');
    const draft = renderHtml(model());
    expect(draft).toContain('class="draft-banner"');
    expect(draft).toContain('id="p-para-two"');
  });
});
