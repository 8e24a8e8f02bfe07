/**
 * The report services the desktop shell uses (main/services, written to run without
 * Electron), gathered behind one small interface so the shell's wiring can be read in
 * one place. All of them are synchronous: SQLite writes are, and a window waits for
 * nothing else.
 */
import type { ReportSummary } from '../../shared/api.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../services/open-report.ts';
import { RecentReports } from '../services/recent-reports.ts';
import { ensureSampleReport } from '../services/user-data.ts';
import { Identity } from '../services/identity.ts';

export interface ReportServices {
  /** The open report at `path` (the same instance while it is open); throws ReportFileError. */
  openReportFile(path: string): OpenReport;
  /** Writes a new report from the File → New template at `path` and opens it. */
  createReportFile(path: string): OpenReport;
  /** The sample report in the user's data folder, written there on first run. */
  ensureSampleReport(): string;
  /** Recently opened reports that still exist, newest first. */
  recentReports(): ReportSummary[];
  rememberRecent(summary: ReportSummary): void;
  forgetRecent(path: string): void;
  clearRecent(): void;
  closeAll(): void;
  /** The user's member identity (key pair made on first use; the private key stays in main). */
  identity(): Identity;
}

export function reportServices(dataDir: string): ReportServices {
  const recent = new RecentReports(dataDir);
  let identity: Identity | undefined;
  return {
    identity: () => (identity ??= Identity.open(dataDir)),
    openReportFile: (path) => openReportFile(path),
    createReportFile: (path) => createReportFile(path, REPORT_TEMPLATE),
    ensureSampleReport: () => ensureSampleReport(dataDir),
    recentReports: () => recent.list(),
    rememberRecent: (summary) => recent.add(summary),
    forgetRecent: (path) => recent.remove(path),
    clearRecent: () => recent.clear(),
    closeAll: () => closeAllReports(),
  };
}
