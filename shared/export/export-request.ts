/**
 * The export and import requests as they cross the renderer ⇄ main contract, ready to
 * be added to `RequestMap` in shared/api.ts (with their validators) by whoever adds the
 * handlers, so the contract never names a request nobody serves:
 *
 *   exportReport: { args: ExportReportArgs; result: ExportReportResult | null };
 *   cancelExport: { args: [jobId: string]; result: boolean };
 *   importDraft:  { args: ImportDraftArgs; result: ImportDraftResult | null };
 *
 * and in `validators`: `exportReport: validateExportReportArgs`,
 * `cancelExport: (a) => [validateJobId(a[0])]`, `importDraft: validateImportDraftArgs`.
 * A null path asks the host to show its save/open dialog (null result: the user
 * cancelled it). Progress reaches the renderer as the host event `ExportProgressEvent`.
 */
import type { ExportOptions } from './model.ts';

export const EXPORT_FORMAT_NAMES = ['docx', 'pdf', 'html', 'markdown', 'akn'] as const;
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number];

export const EXPORT_FORMAT_LABELS: Readonly<Record<ExportFormatName, { label: string; extension: string }>> = {
  docx: { label: 'Word document (.docx)', extension: 'docx' },
  pdf: { label: 'PDF', extension: 'pdf' },
  html: { label: 'Web page, one file (.html)', extension: 'html' },
  markdown: { label: 'Markdown (.md)', extension: 'md' },
  akn: { label: 'Akoma Ntoso XML (.xml)', extension: 'xml' },
};

export type ExportReportArgs = [format: ExportFormatName, options: ExportOptions, path: string | null, jobId: string];
export interface ExportReportResult {
  path: string;
  bytes: number;
}

/** Where an import goes: before the top-level block at an index, at the end, or into a new report. */
export type ImportTarget = number | 'end' | 'new';
export type ImportDraftArgs = [path: string | null, target: ImportTarget];
export interface ImportDraftResult {
  /** Top-level blocks imported. */
  blocks: number;
  /** What the schema could not hold, by kind (image, table…), for the message. */
  dropped: Record<string, number>;
  /** For 'new': the new report's path. */
  reportPath?: string;
}

export interface ExportProgressEvent {
  type: 'export-progress';
  jobId: string;
  phase: 'preparing' | 'rendering' | 'printing' | 'writing' | 'done';
  fraction: number;
}

/** Thrown for malformed arguments; the host maps it onto its ApiError. */
export class ExportRequestError extends Error {
  override name = 'ExportRequestError';
}

const MAX_PATH = 4096;

function path(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH || value.includes('\0')) {
    throw new ExportRequestError(`${what} must be a file path.`);
  }
  return value;
}

export function validateJobId(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new ExportRequestError('An export job id is 1–64 letters, digits, - or _.');
  return value;
}

export function validateExportOptions(value: unknown): ExportOptions {
  if (typeof value !== 'object' || value === null) throw new ExportRequestError('Export options must be an object.');
  const o = value as Record<string, unknown>;
  const flag = (key: keyof ExportOptions): boolean => {
    if (typeof o[key] !== 'boolean') throw new ExportRequestError(`Export option "${key}" must be true or false.`);
    return o[key] as boolean;
  };
  return { titlePage: flag('titlePage'), toc: flag('toc'), annex: flag('annex'), clean: flag('clean') };
}

export function validateExportReportArgs(args: unknown[]): ExportReportArgs {
  const format = args[0];
  if (typeof format !== 'string' || !(EXPORT_FORMAT_NAMES as readonly string[]).includes(format)) {
    throw new ExportRequestError(`The export format must be one of ${EXPORT_FORMAT_NAMES.join(', ')}.`);
  }
  return [format as ExportFormatName, validateExportOptions(args[1]), path(args[2], 'The export\'s location'), validateJobId(args[3])];
}

export function validateImportDraftArgs(args: unknown[]): ImportDraftArgs {
  const target = args[1];
  const ok = target === 'end' || target === 'new' || (typeof target === 'number' && Number.isInteger(target) && target >= 0 && target <= 10_000_000);
  if (!ok) throw new ExportRequestError('An import goes before a block (its index), at the end, or into a new report.');
  return [path(args[0], 'The file to import'), target as ImportTarget];
}
