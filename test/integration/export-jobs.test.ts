import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import { ExportJobs, importDraftInto } from '../../main/services/export/export-jobs.ts';
import { ImportError } from '../../main/services/import/import-file.ts';
import type { ExportProgressEvent } from '../../shared/export/export-request.ts';
import { validateExportReportArgs, validateImportDraftArgs, ExportRequestError } from '../../shared/export/export-request.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc } from '../../shared/ydoc.ts';
import { reportWithStances } from '../unit/export-fixture.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plenary-export-jobs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('export jobs and import for the request handlers', () => {
  it('runs an export as a job with progress events under its id', async () => {
    const events: ExportProgressEvent[] = [];
    const jobs = new ExportJobs({ doc: reportWithStances().doc, emit: (e) => events.push(e) });
    const result = await jobs.exportReport('akn', DEFAULT_EXPORT_OPTIONS, join(dir, 'report.xml'), 'job-1');
    expect(result.path).toBe(join(dir, 'report.xml'));
    expect(events.every((e) => e.type === 'export-progress' && e.jobId === 'job-1')).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'done', fraction: 1 });
    expect(jobs.cancel('job-1')).toBe(false);
  });

  it('cancels a running job by its id', async () => {
    let jobs: ExportJobs | null = null;
    jobs = new ExportJobs({
      doc: reportWithStances().doc,
      emit: (e) => {
        if (e.phase === 'rendering') jobs?.cancel('job-2');
      },
    });
    await expect(jobs.exportReport('docx', DEFAULT_EXPORT_OPTIONS, join(dir, 'cancelled.docx'), 'job-2')).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(dir)).not.toContain('cancelled.docx');
  });

  it('imports into the open report at an index; a bad file changes nothing', async () => {
    const doc = reportWithStances().doc;
    const md = join(dir, 'draft.md');
    await writeFile(md, '# Consultation input\n\nA new paragraph.\n');
    expect(await importDraftInto(doc, md, 2)).toEqual({ blocks: 2, dropped: {} });
    const pm = yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema);
    expect(pm.child(2).textContent).toBe('Consultation input');
    const before = Y.encodeStateAsUpdate(doc);
    await writeFile(join(dir, 'bad.docx'), 'not a zip');
    await expect(importDraftInto(doc, join(dir, 'bad.docx'), 0)).rejects.toBeInstanceOf(ImportError);
    expect(Buffer.from(Y.encodeStateAsUpdate(doc)).equals(Buffer.from(before))).toBe(true);
    const created = createReportDoc();
    const result = await importDraftInto(doc, md, 'new', async () => ({ doc: created, path: '/reports/new.plenary' }));
    expect(result).toEqual({ blocks: 2, dropped: {}, reportPath: '/reports/new.plenary' });
    expect(yXmlFragmentToProseMirrorRootNode(bodyOf(created), schema).childCount).toBe(2);
  });

  it('validates request arguments from the renderer', () => {
    expect(validateExportReportArgs(['pdf', DEFAULT_EXPORT_OPTIONS, null, 'j1'])).toEqual(['pdf', DEFAULT_EXPORT_OPTIONS, null, 'j1']);
    expect(() => validateExportReportArgs(['exe', DEFAULT_EXPORT_OPTIONS, null, 'j1'])).toThrow(ExportRequestError);
    expect(() => validateExportReportArgs(['pdf', { ...DEFAULT_EXPORT_OPTIONS, annex: 'yes' }, null, 'j1'])).toThrow('"annex"');
    expect(() => validateExportReportArgs(['pdf', DEFAULT_EXPORT_OPTIONS, 'a\0b', 'j1'])).toThrow('file path');
    expect(() => validateExportReportArgs(['pdf', DEFAULT_EXPORT_OPTIONS, null, '../x'])).toThrow('job id');
    expect(validateImportDraftArgs(['/x.md', 'end'])).toEqual(['/x.md', 'end']);
    expect(() => validateImportDraftArgs(['/x.md', -1])).toThrow(ExportRequestError);
    expect(() => validateImportDraftArgs(['/x.md', 1.5])).toThrow(ExportRequestError);
  });
});
