/**
 * `RequestHandlers` for one page of the browser host. The host has no file dialogs, so
 * requests that would ask the user for a path need one; new reports go to the data
 * folder's Reports directory. A page that opens or creates a report navigates to it
 * (`/?report=<path>`), as a new Electron window would.
 */
import { mkdirSync } from 'node:fs';
import { ApiError, type RequestHandlers, type ReportSummary } from '../../shared/api.ts';
import { REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { createReportFile, openReportFile, type OpenReport } from '../services/open-report.ts';
import { reportsDir } from '../services/user-data.ts';
import { untitledReportPath } from '../services/file-names.ts';
import { checkReportPath } from './report-paths.ts';
import { stanceHandlers, type Signer } from '../services/report-requests.ts';
import { syncHandlers } from '../services/sync-handlers.ts';
import type { LinkSigner } from '../services/sync/member-proof.ts';
import { changesFilesIn, checkBundleFolder, checkBundlePath, checkBundlePaths } from './bundle-paths.ts';
import type { HostEvent } from '../../shared/api.ts';
import { exportHandlers, exportJobsFor } from '../services/export-requests.ts';
import type { WebExports } from './web-exports.ts';

export interface RecentList {
  add(summary: ReportSummary): void;
  list(): ReportSummary[];
}

export interface WebHandlerContext {
  report: OpenReport;
  dataDir: string;
  recent: RecentList;
  /** The identity that signs for this page (web-identities.ts): its stances, and its links to a standing server. */
  identity: () => Signer & LinkSigner;
  /** Export folders, downloads and the PDF printer (web-exports.ts). */
  exports: WebExports;
  /** Sends an event to this page (export progress). */
  emit: (event: HostEvent) => void;
  /** The interface hosted meetings listen on. */
  meetingHost?: string;
  /** Changes files named on the host's command line for this report; taken once. */
  changesFilesToImport?: () => string[];
}

export function webHandlers({ report, dataDir, recent, identity, exports, emit, meetingHost, changesFilesToImport }: WebHandlerContext): RequestHandlers {
  const base = reportsDir(dataDir);
  const remember = (opened: OpenReport): ReportSummary => {
    const summary = opened.summary();
    try {
      recent.add(summary);
    } catch {
      // The list is a convenience; the report itself opened.
    }
    return summary;
  };
  return {
    ...stanceHandlers(report.doc, identity),
    ...syncHandlers({
      report,
      dataDir,
      identity,
      // No name given: the one main suggests ("Changes for Bo.plenary-changes"), in the Reports folder.
      chooseExportPath: (path, suggestedName) => checkBundlePath(path ?? suggestedName, base),
      chooseExportFolder: (path, suggestedName) => checkBundleFolder(path ?? suggestedName, base),
      chooseImportPaths: (paths) => checkBundlePaths(paths, base),
      changesFilesHere: () => changesFilesIn(base),
      changesFilesToImport,
      meetingHost,
      progress: emit,
      // The page then loads the joined report (`/?report=…`).
      join: { folder: base, recentReports: () => recent.list(), opened: remember },
    }),
    ...exportHandlers({
      doc: report.doc,
      jobs: exportJobsFor({ doc: report.doc, emit, printer: exports.printer, annexOf: report.session.consensus.annexOf }),
      exportPath: (requested, suggested, format) => exports.exportPath(requested, suggested, format),
      importPath: (requested) => exports.importPath(requested),
      importDone: (path) => exports.discardUpload(path),
      prepare: () => exports.prepare(),
      seedNewReport: () => {
        mkdirSync(base, { recursive: true });
        const created = createReportFile(untitledReportPath(base), REPORT_TEMPLATE);
        remember(created);
        return Promise.resolve({ doc: created.doc, path: created.path });
      },
    }),
    currentReport: () => report.summary(),
    recentReports: () => recent.list(),
    newReport: () => {
      mkdirSync(base, { recursive: true });
      return remember(createReportFile(untitledReportPath(base), REPORT_TEMPLATE));
    },
    openReport: (path) => {
      if (path === null) throw new ApiError('The browser host has no file dialog: give the path of a .plenary file.');
      return remember(openReportFile(checkReportPath(path, base)));
    },
    saveCopyAs: (path) => {
      if (path === null) throw new ApiError('The browser host has no file dialog: give the path for the copy.');
      return report.saveCopyAs(checkReportPath(path, base));
    },
  };
}
