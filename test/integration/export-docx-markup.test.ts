/**
 * The DOCX markup kept small for a long report: a numbered block's number shares the
 * first run of its text, and the annex tables' look — 0.5-point #555555 borders on every side, cell margins,
 * 9-point text, bold header row and first column, status fills — set once per table and
 * in two paragraph styles, so a long report's annex stays small: repeated on each of a
 * 264-page report's ~4,000 cells it was 70 % of document.xml and most of the export's CPU.
 * (LibreOffice draws both forms alike: test/bench/RESULTS.md; export-docx.test.ts reads
 * the file through LibreOffice.)
 */
import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { renderDocx } from '../../main/services/export/docx.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import type { AnnexData } from '../../shared/export/annex.ts';
import { fixtureAnnex, fixtureDoc, fixtureMeta } from '../unit/export-fixture.ts';

async function docxParts(annex: AnnexData): Promise<{ document: string; styles: string }> {
  const doc = fixtureDoc();
  const files = unzipSync(await renderDocx(buildExportDocument({ doc, numbers: blockNumbers(doc), meta: fixtureMeta, options: DEFAULT_EXPORT_OPTIONS, annex })));
  return { document: strFromU8(files['word/document.xml']!), styles: strFromU8(files['word/styles.xml']!) };
}

const tablesOf = (xml: string): string[] => xml.match(/<w:tbl>.*?<\/w:tbl>/gs) ?? [];
const border = (side: string): RegExp => new RegExp(`<w:${side} (?=[^>]*w:val="single")(?=[^>]*w:color="555555")(?=[^>]*w:sz="4")[^>]*/>`);

describe('DOCX annex tables', () => {
  it('draw every border, inside ones included, and the cell margins from the table', async () => {
    const { document } = await docxParts(fixtureAnnex);
    const tables = tablesOf(document);
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      const borders = table.match(/<w:tblBorders>.*?<\/w:tblBorders>/s)?.[0] ?? '';
      for (const side of ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']) expect(borders).toMatch(border(side));
      const margins = table.match(/<w:tblCellMar>.*?<\/w:tblCellMar>/s)?.[0] ?? '';
      expect(margins).toMatch(/<w:top w:type="dxa" w:w="40"\/>/);
      expect(margins).toMatch(/<w:left w:type="dxa" w:w="80"\/>/);
      expect(margins).toMatch(/<w:bottom w:type="dxa" w:w="40"\/>/);
      expect(margins).toMatch(/<w:right w:type="dxa" w:w="80"\/>/);
      // No cell overrides them.
      expect(table).not.toContain('<w:tcBorders>');
      expect(table).not.toContain('<w:tcMar>');
    }
  });

  it('set cells in 9-point text, the header row and first column bold, with the status fills', async () => {
    const { document, styles } = await docxParts(fixtureAnnex);
    const style = (id: string): string => styles.match(new RegExp(`<w:style [^>]*w:styleId="${id}".*?</w:style>`, 's'))?.[0] ?? '';
    expect(style('AnnexCell')).toMatch(/<w:sz w:val="18"\/>/);
    expect(style('AnnexCell')).toMatch(/<w:spacing w:after="0"\/>/);
    expect(style('AnnexHeaderCell')).toMatch(/<w:basedOn w:val="AnnexCell"\/>/);
    expect(style('AnnexHeaderCell')).toMatch(/<w:b\/>/);
    const [sections, standing] = tablesOf(document);
    const rows = (table: string): string[] => table.match(/<w:tr>.*?<\/w:tr>/gs) ?? [];
    const cellStyles = (row: string): string[] => Array.from(row.matchAll(/<w:pStyle w:val="(\w+)"\/>/g), (m) => m[1]!);
    for (const table of [sections!, standing!]) {
      const [header, ...body] = rows(table);
      expect(cellStyles(header!).every((s) => s === 'AnnexHeaderCell')).toBe(true);
      expect(header).toContain('<w:tblHeader/>');
      for (const row of body) {
        const [first, ...rest] = cellStyles(row);
        expect(first).toBe('AnnexHeaderCell');
        expect(rest.every((s) => s === 'AnnexCell')).toBe(true);
      }
    }
    // The sections × groups cells keep their status colours.
    const fills = new Set(Array.from(sections!.matchAll(/w:fill="(\w+)"/g), (m) => m[1]));
    expect([...fills].sort()).toEqual(expect.arrayContaining(['EEEEEE', 'DCFCE7']));
  });

  it('grow by little more than their text per row', async () => {
    const standing = Array.from({ length: 400 }, (_, i) => ({
      stance: 'reserve' as const, blockId: `b${i}`, ref: `${i + 1}.`, memberName: `Member ${i}`, groupLabel: 'Civil society', note: 'Too broad.',
    }));
    const { document } = await docxParts({ ...fixtureAnnex, standing });
    const table = tablesOf(document)[1]!;
    const text = standing.reduce((n, s) => n + s.ref.length + 11 + s.memberName.length + 13 + s.note.length, 0);
    // Five cells a row: ~150 bytes of markup each with the look set per table, ~600 with it per cell.
    expect((table.length - text) / (standing.length * 5)).toBeLessThan(250);
  });
});

describe('DOCX numbered blocks', () => {
  it('carry the number and its tab in the first run when the text starts plain, in a run of their own when it starts marked', async () => {
    const { document } = await docxParts(fixtureAnnex);
    const paragraphs = document.match(/<w:p>.*?<\/w:p>/gs) ?? [];
    const firstRunText = (numbered: RegExp): string => {
      const p = paragraphs.find((x) => numbered.test(x)) ?? '';
      return p.match(/<w:r>(?:(?!<\/w:r>).)*?<w:t[^>]*>([^<]*)<\/w:t><\/w:r>/s)?.[1] ?? '';
    };
    // Paragraph 3 starts with plain words; heading I. is plain; paragraph 2 starts plain too.
    expect(firstRunText(/>3\.\t/)).toBe('3.\tMembers served in their ');
    expect(firstRunText(/>I\.\t/)).toBe('I.\tIntroduction');
    const doc = fixtureDoc();
    const bold = buildExportDocument({ doc, numbers: blockNumbers(doc), meta: fixtureMeta, options: DEFAULT_EXPORT_OPTIONS, annex: null });
    const first = bold.blocks.find((b) => b.kind === 'paragraph' && b.num === '3.');
    if (first?.kind !== 'paragraph') throw new Error('fixture changed');
    first.inlines = [{ text: 'Bold start', bold: true, italic: false }, ...first.inlines];
    const xml = strFromU8(unzipSync(await renderDocx(bold))['word/document.xml']!);
    expect(xml).toMatch(/<w:r><w:t xml:space="preserve">3\.\t<\/w:t><\/w:r><w:r><w:rPr><w:b\/>/);
  });
});
