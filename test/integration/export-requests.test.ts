/**
 * The export/import request handlers both hosts spread in (main/services/export-requests.ts):
 * a running export is cancelled by its id and leaves no file; a PDF with no printer says
 * how to get one; refusals reach the page as ApiErrors with the library's message.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api.ts';
import type { ExportProgressEvent } from '../../shared/export/export-request.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { closeAllReports, createReportFile } from '../../main/services/open-report.ts';
import { exportHandlers, exportJobsFor } from '../../main/services/export-requests.ts';
import type { HtmlPrinter } from '../../main/services/export/pdf.ts';

const dir = mkdtempSync(join(tmpdir(), 'plenary-export-requests-'));
const report = createReportFile(join(dir, 'r.plenary'), REPORT_TEMPLATE, { title: 'Tunis: final / report' });
afterAll(() => closeAllReports());

const OPTIONS = { titlePage: true, toc: true, annex: true, clean: false };

function handlersWith(printer: () => Promise<HtmlPrinter>, events: ExportProgressEvent[] = []) {
  return exportHandlers({
    doc: report.doc,
    jobs: exportJobsFor({ doc: report.doc, emit: (event) => events.push(event), printer }),
    exportPath: (requested, suggested) => requested ?? join(dir, suggested),
    importPath: (requested) => requested,
  });
}

describe('export requests', () => {
  test('Cancel stops a running PDF export by its id; no file is left under the name', async () => {
    let printing!: () => void;
    const started = new Promise<void>((resolve) => (printing = resolve));
    // A printer that is slow until told to stop, as a long report would be.
    const slow: HtmlPrinter = (_html, signal) => new Promise((_resolve, reject) => {
      printing();
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    const events: ExportProgressEvent[] = [];
    const handlers = handlersWith(() => Promise.resolve(slow), events);
    const path = join(dir, 'cancelled.pdf');
    const running = handlers.exportReport('pdf', OPTIONS, path, 'job-a');
    await started;
    expect(await handlers.cancelExport('job-a')).toBe(true);
    await expect(running).rejects.toThrow(new ApiError('The export was cancelled; no file was written.'));
    expect(existsSync(path)).toBe(false);
    expect(events.map((e) => e.phase)).toContain('printing');
    expect(await handlers.cancelExport('job-a')).toBe(false);
  });

  test('a PDF with no printer says what to do; the suggested name is the title without path characters', async () => {
    const handlers = handlersWith(() => Promise.reject(new Error('Chromium is not installed; export HTML instead.')));
    await expect(handlers.exportReport('pdf', OPTIONS, null, 'job-b')).rejects.toThrow(/Could not print the report to PDF: Chromium is not installed/);
    expect(existsSync(join(dir, 'Tunis final report.pdf'))).toBe(false);
    const html = await handlers.exportReport('html', OPTIONS, null, 'job-c');
    expect(html?.path).toBe(join(dir, 'Tunis final report.html'));
  });

  test('an unreadable import is an ApiError with the reader\'s message', async () => {
    const handlers = handlersWith(() => Promise.reject(new Error('unused')));
    const file = join(dir, 'empty.md');
    writeFileSync(file, '');
    await expect(handlers.importDraft(file, 'end')).rejects.toThrow(ApiError);
    await expect(handlers.importDraft(file, 'end')).rejects.toThrow(/contains no text to import/);
  });
});
