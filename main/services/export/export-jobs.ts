/**
 * Handler-ready export and import for one open report, for the hosts' request handlers
 * (Electron's IPC, the browser host's WebSocket). Each export runs as a job with an id
 * the renderer chose, reports progress as `ExportProgressEvent`s and can be cancelled by
 * that id. The Electron shell supplies a printer built on `webContents.printToPDF`; the
 * browser host `launchChromiumPrinter().print`.
 */
import type * as Y from 'yjs';
import type { SignatureVerifier } from '../../../shared/stance-status.ts';
import { annexOfReport } from '../../../shared/export/annex-from-consensus.ts';
import type {
  ExportFormatName, ExportProgressEvent, ExportReportResult, ImportDraftResult, ImportTarget,
} from '../../../shared/export/export-request.ts';
import type { ExportOptions } from '../../../shared/export/model.ts';
import { exportReportFile, ExportError, type AnnexReader } from './export-report.ts';
import type { HtmlPrinter } from './pdf.ts';
import { importFile } from '../import/import-file.ts';
import { insertDraft, seedReportWithDraft } from '../import/insert-draft.ts';

export interface ExportJobsOptions {
  /** The open report's authoritative doc (main's session doc). */
  doc: Y.Doc;
  /** The session's verifier, so the annex reuses signatures already checked. */
  verifier?: SignatureVerifier;
  /**
   * Where the annex comes from; by default a consensus engine built for the export on
   * `verifier`. A host that keeps a live engine passes `(_, doc) => annexFromEngine(engine, doc, roster)`,
   * which costs milliseconds instead of a full tally.
   */
  annexOf?: AnnexReader;
  printer?: HtmlPrinter;
  emit: (event: ExportProgressEvent) => void;
}

export class ExportJobs {
  private readonly running = new Map<string, AbortController>();
  private readonly options: ExportJobsOptions;

  constructor(options: ExportJobsOptions) {
    this.options = options;
  }

  async exportReport(format: ExportFormatName, options: ExportOptions, path: string, jobId: string): Promise<ExportReportResult> {
    if (this.running.has(jobId)) throw new ExportError('An export with this id is already running.');
    const controller = new AbortController();
    this.running.set(jobId, controller);
    const { doc, verifier, printer, emit } = this.options;
    try {
      return await exportReportFile(doc, { format, options, path }, {
        signal: controller.signal,
        printer,
        annexOf: this.options.annexOf ?? ((y, d) => annexOfReport(y, d, verifier)),
        onProgress: ({ phase, fraction }) => emit({ type: 'export-progress', jobId, phase, fraction }),
      });
    } finally {
      this.running.delete(jobId);
    }
  }

  /** Stops a running export; false when no job has that id (it may have finished). */
  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    controller?.abort();
    return controller !== undefined;
  }

  /** Stops every export (the window is closing). */
  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}

/**
 * Imports a file into the open report (before block `target`, or at the end). For
 * 'new', `seedNewReport` is the host's way to create and open a new report file and
 * hand back its doc and path; the draft is written into it.
 */
export async function importDraftInto(
  doc: Y.Doc,
  path: string,
  target: ImportTarget,
  seedNewReport?: () => Promise<{ doc: Y.Doc; path: string }>,
): Promise<ImportDraftResult> {
  // Read and convert first: a bad file throws ImportError before anything is touched.
  const draft = await importFile(path);
  if (target === 'new') {
    if (!seedNewReport) throw new ExportError('This host cannot create a new report from an import.');
    const created = await seedNewReport();
    seedReportWithDraft(created.doc, draft);
    return { blocks: draft.blockCount, dropped: draft.dropped, reportPath: created.path };
  }
  const blocks = insertDraft(doc, draft, target);
  return { blocks, dropped: draft.dropped };
}
