import { describe, expect, it } from 'vitest';
import { renderHtml, renderHtmlPieces } from '../../shared/export/html.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS, type ExportOptions } from '../../shared/export/model.ts';
import { cutIndex, NO_PAGE_NUMBERS, printParts } from '../../shared/export/print-parts.ts';
import { fixtureAnnex, fixtureDoc, fixtureMeta } from './export-fixture.ts';

function model(options: Partial<ExportOptions> = {}) {
  const doc = fixtureDoc();
  return buildExportDocument({ doc, numbers: blockNumbers(doc), meta: fixtureMeta, options: { ...DEFAULT_EXPORT_OPTIONS, ...options }, annex: fixtureAnnex });
}

const ANY_SIZE = { minChars: 0, maxShare: 1 };
const ids = (html: string): string[] => Array.from(html.matchAll(/ id="([^"]+)"/g), (m) => m[1]!);
const links = (html: string): string[] => Array.from(html.matchAll(/ href="#([^"]+)"/g), (m) => m[1]!);

describe('HTML cut in two for a split print', () => {
  it('prints whole, byte for byte the HTML export, when asked for one part or when the report is short', () => {
    const m = model();
    for (const options of [{ parts: 1, split: ANY_SIZE }, { parts: 2 }]) {
      const parts = printParts(m, options);
      expect(parts.split).toBe(false);
      expect(parts.html).toEqual([renderHtml(m)]);
    }
  });

  it('without the annex, cuts before the chapter nearest the middle: front matter and chapter I. first, chapter II. on second', () => {
    const m = model({ annex: false });
    expect(cutIndex(m, renderHtmlPieces(m), ANY_SIZE)).toBe(4);
    const { html: [first, second], split } = printParts(m, { parts: 2, split: ANY_SIZE });
    expect(split).toBe(true);
    expect(first).toContain('class="title-page"');
    expect(first).toContain('<nav class="toc"');
    expect(first).toMatch(/<p class="para" id="p-para-three"><span class="pnum">3\.<\/span>[^]*<\/main>/);
    expect(first).not.toContain('Public policy issues</h1>');
    expect(second).not.toContain('class="title-page"');
    // Numbers carry on: the second half starts at chapter II. and paragraph 4.
    expect(second).toMatch(/<main>\n<h1 id="h-sec-policy"><span class="hnum">II\.<\/span>/);
    expect(second).toContain('<span class="pnum">4.</span>');
    // Every block is in exactly one half.
    const body = (html: string): string => html.slice(html.indexOf('<main>') + 7, html.indexOf('\n</main>'));
    expect(`${body(first!)}\n${body(second!)}`).toBe(body(renderHtml(m)));
  });

  it('cuts before a section when no chapter balances the halves nearly as well', () => {
    const m = model({ annex: false, toc: false });
    expect(cutIndex(m, renderHtmlPieces(m), ANY_SIZE)).toBe(5);
    expect(printParts(m, { parts: 2, split: ANY_SIZE }).html[1]).toMatch(/<main>\n<h2 id="h-sec-infra"><span class="hnum">A\.<\/span>/);
  });

  it('with the annex (its tables weigh double), cuts before the annex, which starts a page anyway, with no empty body before it', () => {
    const m = model();
    expect(cutIndex(m, renderHtmlPieces(m), ANY_SIZE)).toBe(m.blocks.length);
    const { html: [first, second] } = printParts(m, { parts: 2, split: ANY_SIZE });
    expect(first).toContain('<span class="pnum">7.</span>');
    expect(first).not.toContain('<section class="annex"');
    expect(second).toMatch(/<body>\n<section class="annex" id="annex">/);
    expect(second).not.toContain('<main>');
  });

  it('leaves page numbers to the joiner: neither half prints any', () => {
    const { html } = printParts(model(), { parts: 2, split: ANY_SIZE });
    for (const half of html) expect(half).toContain(`${NO_PAGE_NUMBERS}\n</head>`);
  });

  it('gives each half a hidden stand-in for every target in the other half it links to, and a hidden link to each of its own the other links to', () => {
    const hidden = (html: string): string => html.slice(html.lastIndexOf('<div hidden>'));
    const cases = [
      // The contents (first half) lists chapter II. and its sections (second half).
      { options: { annex: false }, across: ['h-sec-policy', 'h-sec-infra', 'h-sec-costs', 'h-sec-security'] },
      // The contents' annex entry and the [1] markers of paragraphs 2 and 6 point into the annex.
      { options: {}, across: ['annex', 'standing-para-two', 'standing-para-six'] },
    ];
    for (const { options, across } of cases) {
      const { html: [first, second] } = printParts(model(options), { parts: 2, split: ANY_SIZE });
      expect(ids(hidden(first!)).sort()).toEqual([...across].sort());
      expect(links(hidden(second!)).sort()).toEqual([...across].sort());
      // No id twice in a half, and every link in a half has its target there.
      for (const half of [first!, second!]) {
        expect(new Set(ids(half)).size).toBe(ids(half).length);
        for (const target of links(half)) expect(ids(half)).toContain(target);
      }
    }
  });

  it('prints whole when no chapter or section falls near the middle', () => {
    const m = model({ annex: false });
    expect(cutIndex(m, renderHtmlPieces(m), { minChars: 0, maxShare: 0.5 })).toBe(-1);
    expect(printParts(m, { parts: 2, split: { minChars: 0, maxShare: 0.5 } }).split).toBe(false);
  });

});
