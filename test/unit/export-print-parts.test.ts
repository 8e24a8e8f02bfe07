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

  it('cuts before the chapter nearest the middle: front matter and chapter I. first, chapter II. on and the annex second', () => {
    const m = model();
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
    expect(second).toContain('<section class="annex" id="annex">');
    // Every block is in exactly one half.
    const body = (html: string): string => html.slice(html.indexOf('<main>') + 7, html.indexOf('\n</main>'));
    const whole = renderHtml(m);
    expect(`${body(first!)}\n${body(second!)}`).toBe(body(whole));
  });

  it('leaves page numbers to the joiner: neither half prints any', () => {
    const { html } = printParts(model(), { parts: 2, split: ANY_SIZE });
    for (const half of html) expect(half).toContain(`${NO_PAGE_NUMBERS}\n</head>`);
  });

  it('gives each half a hidden stand-in for every target in the other half it links to, and a hidden link to each of its own the other links to', () => {
    const { html: [first, second] } = printParts(model(), { parts: 2, split: ANY_SIZE });
    const hidden = (html: string): string => html.slice(html.lastIndexOf('<div hidden>'));
    // The contents and the [1] marker of paragraph 2 (first half) point into the second.
    const across = ['h-sec-policy', 'h-sec-infra', 'h-sec-costs', 'h-sec-security', 'annex', 'standing-para-two'];
    expect(ids(hidden(first!)).sort()).toEqual([...across].sort());
    expect(links(hidden(second!)).sort()).toEqual([...across].sort());
    // No id twice in a half, and every link in a half has its target there.
    for (const half of [first!, second!]) {
      expect(new Set(ids(half)).size).toBe(ids(half).length);
      for (const target of links(half)) expect(ids(half)).toContain(target);
    }
  });

  it('prints whole when no chapter or section falls near the middle', () => {
    const m = model();
    expect(cutIndex(m, renderHtmlPieces(m), { minChars: 0, maxShare: 0.5 })).toBe(-1);
    expect(printParts(m, { parts: 2, split: { minChars: 0, maxShare: 0.5 } }).split).toBe(false);
  });

  it('can cut before the annex, which starts a page anyway', () => {
    const m = model({ toc: false, titlePage: false });
    const pieces = renderHtmlPieces(m);
    const bigAnnex = { ...pieces, annex: pieces.annex.repeat(3) };
    expect(cutIndex(m, bigAnnex, ANY_SIZE)).toBe(m.blocks.length);
  });
});
