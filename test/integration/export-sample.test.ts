import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReportDoc } from '../../shared/ydoc.ts';
import { SAMPLE_REPORT_TEMPLATE, seedReport } from '../../shared/report-template.ts';
import { numberBlocks } from '../../shared/numbering.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { parseMarkdown } from '../../shared/export/markdown.ts';
import { exportReportFile, exportSourceOf } from '../../main/services/export/export-report.ts';
import { importFile } from '../../main/services/import/import-file.ts';
import { assertWellFormed, parseXml } from '../unit/export-xml.ts';

describe('exporting the sample report', () => {
  let dir: string;
  const ydoc = createReportDoc();
  seedReport(ydoc, SAMPLE_REPORT_TEMPLATE);
  const source = exportSourceOf(ydoc, null);
  const labels = numberBlocks(source.doc).filter((b) => b.kind === 'paragraph').map((b) => b.label);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plenary-export-sample-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('HTML carries every paragraph number of the editor, in order', async () => {
    const path = join(dir, 'sample.html');
    await exportReportFile(ydoc, { format: 'html', options: DEFAULT_EXPORT_OPTIONS, path });
    const html = await readFile(path, 'utf8');
    expect(labels.length).toBeGreaterThan(5);
    expect([...html.matchAll(/<span class="pnum">([^<]*)<\/span>/g)].map((m) => m[1])).toEqual(labels);
    expect(html).toContain('Château de Bossey, June 2005');
  });

  it('Akoma Ntoso is well-formed with a valid date though the report says "June 2005"', async () => {
    const path = join(dir, 'sample.xml');
    await exportReportFile(ydoc, { format: 'akn', options: DEFAULT_EXPORT_OPTIONS, path });
    const xml = await readFile(path, 'utf8');
    assertWellFormed(xml);
    const dom = parseXml(xml);
    const date = dom.getElementsByTagName('docDate')[0]!;
    expect(date.textContent).toBe('June 2005');
    expect(date.getAttribute('date')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const nums = Array.from(dom.getElementsByTagName('paragraph')).flatMap((p) => {
      const num = Array.from(p.childNodes).find((n) => n.nodeName === 'num');
      return num ? [num.textContent] : [];
    });
    expect(nums).toEqual(labels);
  });

  it('Markdown and DOCX exports import back to the same text', async () => {
    const clean = { titlePage: false, toc: false, annex: false, clean: true };
    const md = join(dir, 'sample.md');
    const docx = join(dir, 'sample.docx');
    await exportReportFile(ydoc, { format: 'markdown', options: DEFAULT_EXPORT_OPTIONS, path: md });
    await exportReportFile(ydoc, { format: 'docx', options: clean, path: docx });
    const texts = (doc: typeof source.doc): string[] => {
      const out: string[] = [];
      doc.forEach((n) => out.push(`${n.type.name}: ${n.textContent}`));
      return out;
    };
    expect(texts(parseMarkdown(await readFile(md, 'utf8')).doc)).toEqual(texts(source.doc));
    expect(texts((await importFile(docx)).doc)).toEqual(texts(source.doc));
  });
});
