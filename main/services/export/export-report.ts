/**
 * File → Export…: renders the report in the chosen format and writes it atomically
 * under the chosen name. Reports progress (0–1, with a phase for the UI) and stops
 * when its AbortSignal fires; a stopped or failed export leaves no file under the
 * chosen name (`write-file.ts`).
 *
 * Handler-ready: `exportReportFile(ydoc, request, { printer, signal, onProgress })`.
 * PDF needs an `HtmlPrinter`: Electron's printToPDF in the desktop app, Chromium
 * (`chromium-printer.ts`) in the browser host and tests.
 */
import { availableParallelism } from 'node:os';
import type * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../../shared/schema.ts';
import { bodyOf, readMeta } from '../../../shared/ydoc.ts';
import type { AnnexData } from '../../../shared/export/annex.ts';
import { annexOfReport } from '../../../shared/export/annex-from-consensus.ts';
import {
  blockNumbers, buildExportDocument, type BlockNumbers, type ExportDocument, type ExportMeta, type ExportOptions,
} from '../../../shared/export/model.ts';
import { renderHtml } from '../../../shared/export/html.ts';
import { renderAkomaNtoso } from '../../../shared/export/akoma-ntoso.ts';
import { renderMarkdownExport } from '../../../shared/export/markdown-export.ts';
import { renderDocx } from './docx.ts';
import { printParts, type PrintSplit } from '../../../shared/export/print-parts.ts';
import { renderPdfParts, type HtmlPrinter } from './pdf.ts';
import { writeFileAtomic } from './write-file.ts';

export const EXPORT_FORMATS = ['docx', 'pdf', 'html', 'markdown', 'akn'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  docx: 'docx', pdf: 'pdf', html: 'html', markdown: 'md', akn: 'xml',
};

export type ExportPhase = 'preparing' | 'rendering' | 'printing' | 'writing' | 'done';

export interface ExportProgress {
  phase: ExportPhase;
  /** 0–1 over the whole export. */
  fraction: number;
}

export interface ExportControl {
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Required for PDF. */
  printer?: HtmlPrinter;
  /**
   * PDF: how a long report is printed: in two halves at once when the machine has two
   * cores or more (`printParts`, `renderPdfParts`); `{ parts: 1 }` prints whole.
   */
  pdfSplit?: { parts: number; split?: PrintSplit };
}

/** Two halves at once where there are two cores to print them on. */
export function defaultPdfParts(): number {
  return Math.min(2, availableParallelism());
}

/** What an export reads: the document, its meta and (when known) the annex figures. */
export interface ExportSource {
  doc: PMNode;
  meta: ExportMeta;
  annex: AnnexData | null;
}

export class ExportError extends Error {
  override name = 'ExportError';
}

export function exportMetaOf(ydoc: Y.Doc): ExportMeta {
  const meta = readMeta(ydoc);
  return { id: meta.id, title: meta.title, body: meta.body ?? '', place: meta.place ?? '', date: meta.date ?? '', created: meta.created };
}

/** The annex of the report as it stands, computed at once. */
export type SyncAnnexReader = (ydoc: Y.Doc, doc: PMNode) => AnnexData;

/**
 * The annex for an export: at once, or once the reader is ready (a live engine still
 * checking signatures in the background); should stop when `signal` aborts.
 */
export type AnnexReader = (ydoc: Y.Doc, doc: PMNode, signal?: AbortSignal) => AnnexData | Promise<AnnexData>;

/**
 * Reads a report's Y.Doc. With `annexOf` (by default the consensus engine over the same
 * doc, `annexOfReport`), the annex figures too; `null` leaves them out.
 */
export function exportSourceOf(ydoc: Y.Doc, annexOf: SyncAnnexReader | null = annexOfReport): ExportSource {
  const doc = yXmlFragmentToProseMirrorRootNode(bodyOf(ydoc), schema);
  return { doc, meta: exportMetaOf(ydoc), annex: annexOf ? annexOf(ydoc, doc) : null };
}

/** Renders the bytes of one format; exported for the benchmark and the tests. */
export async function renderExport(
  source: ExportSource,
  format: ExportFormat,
  options: ExportOptions,
  control: ExportControl = {},
): Promise<Uint8Array> {
  const { signal, onProgress } = control;
  const report = (phase: ExportPhase, fraction: number): void => {
    signal?.throwIfAborted();
    onProgress?.({ phase, fraction });
  };
  report('preparing', 0);
  const numbers: BlockNumbers = blockNumbers(source.doc);
  const model: ExportDocument = buildExportDocument({ doc: source.doc, numbers, meta: source.meta, options, annex: source.annex });
  // Rendering takes the first 60 % (PDF: 30 %, printing is slower than rendering).
  const renderShare = format === 'pdf' ? 0.3 : 0.6;
  const onBlocks = (done: number, total: number): void => report('rendering', 0.05 + renderShare * (total ? done / total : 1));
  report('rendering', 0.05);
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  switch (format) {
    case 'html':
      return encode(renderHtml(model, onBlocks));
    case 'akn':
      return encode(renderAkomaNtoso(model, onBlocks));
    case 'markdown': {
      const text = renderMarkdownExport(source.doc, numbers, model);
      onBlocks(1, 1);
      return encode(text);
    }
    case 'docx':
      return renderDocx(model, { onBlocks, signal });
    case 'pdf': {
      if (!control.printer) throw new ExportError('PDF export needs a printer, and none is available here.');
      const parts = printParts(model, control.pdfSplit ?? { parts: defaultPdfParts() }, onBlocks);
      report('printing', 0.4);
      return renderPdfParts(parts, control.printer, signal);
    }
  }
}

export interface ExportRequest {
  format: ExportFormat;
  options: ExportOptions;
  /** Absolute path chosen by the user; replaced atomically if it exists. */
  path: string;
}

export async function exportReport(source: ExportSource, request: ExportRequest, control: ExportControl = {}): Promise<{ path: string; bytes: number }> {
  if (!EXPORT_FORMATS.includes(request.format)) throw new ExportError(`Unknown export format ${JSON.stringify(request.format)}.`);
  const data = await renderExport(source, request.format, request.options, control);
  control.signal?.throwIfAborted();
  control.onProgress?.({ phase: 'writing', fraction: 0.9 });
  await writeFileAtomic(request.path, data, control.signal);
  control.onProgress?.({ phase: 'done', fraction: 1 });
  return { path: request.path, bytes: data.length };
}

/**
 * The handler-ready form: reads the open report's Y.Doc, renders, writes. The annex is
 * computed only when asked for; pass `annexOf` built on the session's SignatureVerifier
 * (`(y, d) => annexOfReport(y, d, verifier)`) so signatures already checked are not
 * checked again.
 */
export async function exportReportFile(
  ydoc: Y.Doc,
  request: ExportRequest,
  control: ExportControl & { annexOf?: AnnexReader } = {},
): Promise<{ path: string; bytes: number }> {
  const { doc, meta } = exportSourceOf(ydoc, null);
  let annex: AnnexData | null = null;
  if (request.options.annex) {
    control.onProgress?.({ phase: 'preparing', fraction: 0 });
    annex = await (control.annexOf ?? ((y: Y.Doc, d: PMNode) => annexOfReport(y, d)))(ydoc, doc, control.signal);
    control.signal?.throwIfAborted();
  }
  return exportReport({ doc, meta, annex }, request, control);
}
