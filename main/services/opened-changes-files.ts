/**
 * Changes files the user opens with the app itself: a double-click on "Changes for Ana
 * Díaz.plenary-changes" in an e-mail, or the file named on the command line. Each is read
 * to learn which report it is for; that report is found among those this computer has
 * (open, or recently opened) and opened; the file then waits until the report's page
 * takes it (`changesFilesToImport`) and imports it as Import changes… does, with the same
 * checks, progress and refusals.
 */
import { ApiError, type ReportSummary } from '../../shared/api.ts';
import { BundleError, decodeBundle } from '../../shared/bundle.ts';
import { readBundleFile } from './bundle-import.ts';
import { brotliCodec, inflateNative, sha256Native } from './bundle-codecs.ts';
import { localCopy } from './join-report.ts';
import type { OpenReport } from './open-report.ts';

/** What opening a changes file needs to know of it. */
export interface ChangesFileTarget {
  path: string;
  reportId: string;
  reportTitle: string;
  sender: string;
}

/** Reads the changes file at `path` (checksum and all); throws ApiError with what is wrong with it. */
export async function readChangesFileTarget(path: string): Promise<ChangesFileTarget> {
  try {
    const bundle = decodeBundle(await readBundleFile(path), { inflate: inflateNative, sha256: sha256Native, brotli: brotliCodec.decompress });
    return { path, reportId: bundle.reportId, reportTitle: bundle.reportTitle, sender: bundle.sender };
  } catch (error) {
    if (error instanceof BundleError) throw new ApiError(error.message);
    throw error;
  }
}

/**
 * The report `target` is for, opened; throws ApiError when this computer does not have
 * it, saying how to get it.
 */
export function reportForChangesFile(target: ChangesFileTarget, recentReports: () => ReportSummary[]): OpenReport {
  const report = localCopy(target.reportId, recentReports);
  if (report) return report;
  const title = target.reportTitle ? `“${target.reportTitle}”` : `with the id ${target.reportId}`;
  const from = target.sender ? ` from ${target.sender}` : '';
  throw new ApiError(`These changes${from} are for the report ${title}, which has not been opened on this computer. Open that report (File → Open…, or Connect to server… with its address), then import the file with File → Import changes…. Nothing was imported.`);
}

/**
 * Reads the changes file at `path`, finds and opens the report it is for, and leaves the
 * file waiting for that report's page; the report, for the host to show. Throws ApiError
 * saying what is wrong (a damaged file, a report not on this computer).
 */
export async function queueChangesFile(path: string, recentReports: () => ReportSummary[], waiting: WaitingChangesFiles): Promise<OpenReport> {
  const target = await readChangesFileTarget(path);
  const report = reportForChangesFile(target, recentReports);
  waiting.add(target.reportId, path);
  return report;
}

/** Changes files waiting for their report's page, by report id. */
export class WaitingChangesFiles {
  private readonly byReport = new Map<string, string[]>();

  add(reportId: string, path: string): void {
    const waiting = this.byReport.get(reportId) ?? [];
    if (!waiting.includes(path)) waiting.push(path);
    this.byReport.set(reportId, waiting);
  }

  /** The files waiting for `reportId`, handed over once. */
  take(reportId: string): string[] {
    const waiting = this.byReport.get(reportId) ?? [];
    this.byReport.delete(reportId);
    return waiting;
  }
}
