import { describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportReportFile, exportSourceOf, type ExportProgress } from '../../main/services/export/export-report.ts';
import { printableHtml, renderPdf } from '../../main/services/export/pdf.ts';
import { renderHtml } from '../../shared/export/html.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { reportWithStances } from '../unit/export-fixture.ts';
import { FIXTURE_ANNEX, FIXTURE_PARAGRAPHS, pdfText, positionsInOrder, usePrintRoom } from './export-helpers.ts';

describe('PDF export through Chromium', () => {
  const room = usePrintRoom('plenary-export-pdf-');

  it('prints the HTML rendering: title page, numbered paragraphs in order, annex table', async () => {
    const path = join(room.dir, 'report.pdf');
    const progress: ExportProgress[] = [];
    const result = await exportReportFile(reportWithStances().doc, { format: 'pdf', options: DEFAULT_EXPORT_OPTIONS, path }, {
      printer: room.printer.print,
      onProgress: (p) => progress.push(p),
    });
    const bytes = await readFile(path);
    expect(result.bytes).toBe(bytes.length);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(path);
    positionsInOrder(text, [/Working Group on Internet Governance/, /Report of the Working Group on Internet/, /Contents/]);
    positionsInOrder(text.slice(text.indexOf('Draft')), FIXTURE_PARAGRAPHS);
    positionsInOrder(text, FIXTURE_ANNEX);
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['preparing', 'rendering', 'printing', 'writing', 'done']));
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
  });

  it('clean mode without title page, contents and annex prints the final text only', async () => {
    const path = join(room.dir, 'clean.pdf');
    await exportReportFile(reportWithStances().doc, { format: 'pdf', options: { titlePage: false, toc: false, annex: false, clean: true }, path }, { printer: room.printer.print });
    const text = await pdfText(path);
    positionsInOrder(text, FIXTURE_PARAGRAPHS);
    expect(text).not.toMatch(/Draft|Contents|Annex|Standing reservations|\[1\]/);
  });

  it('the rule that skips throw-away layouts leaves the printed pages as they were', async () => {
    const { doc, meta, annex } = exportSourceOf(reportWithStances().doc);
    const html = renderHtml(buildExportDocument({ doc, numbers: blockNumbers(doc), meta, options: DEFAULT_EXPORT_OPTIONS, annex }));
    const plain = join(room.dir, 'plain.pdf');
    const printable = join(room.dir, 'printable.pdf');
    await writeFile(plain, await room.printer.print(html));
    await writeFile(printable, await room.printer.print(printableHtml(html)));
    const [plainText, printableText] = [await pdfText(plain), await pdfText(printable)];
    expect(printableText).toContain('Standing reservations and objections');
    expect(printableText).toBe(plainText);
  });

  it('prints asked for at once (two at a time, on the two warm pages; the third waits) each come out with their own text', async () => {
    const html = (text: string): string => `<!DOCTYPE html><html><head><title>${text}</title></head><body><p>${text}</p></body></html>`;
    const texts = ['First report in the queue', 'Second report in the queue', 'Third report in the queue'];
    const pdfs = await Promise.all(texts.map((text) => renderPdf(html(text), room.printer.print)));
    for (const [i, pdf] of pdfs.entries()) {
      const path = join(room.dir, `queued-${i}.pdf`);
      await writeFile(path, pdf);
      const text = await pdfText(path);
      expect(text).toContain(texts[i]);
      for (const other of texts.filter((_, j) => j !== i)) expect(text).not.toContain(other);
    }
  });

  it('a cancelled print leaves the old file under the chosen name and no temporary file', async () => {
    const path = join(room.dir, 'cancelled.pdf');
    await writeFile(path, 'previous export');
    const controller = new AbortController();
    const attempt = exportReportFile(reportWithStances().doc, { format: 'pdf', options: DEFAULT_EXPORT_OPTIONS, path }, {
      printer: room.printer.print,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'printing') controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readFile(path, 'utf8')).toBe('previous export');
    expect((await readdir(room.dir)).filter((f) => f.startsWith('.cancelled'))).toEqual([]);
    // The printer still works after a cancelled job.
    await exportReportFile(reportWithStances().doc, { format: 'pdf', options: DEFAULT_EXPORT_OPTIONS, path }, { printer: room.printer.print });
    expect((await readFile(path)).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
