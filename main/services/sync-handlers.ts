/**
 * The sync requests (shared/sync-requests.ts) for one open report, the same in the
 * Electron shell and the browser host; each host says how a path is chosen (a dialog,
 * or a name the page gave, checked) and who the user is.
 */
import { BundleError } from '../../shared/bundle.ts';
import { ApiError, type ReportSummary } from '../../shared/api.ts';
import { type ChangesFileEntry, type ChangesProgressEvent, type SyncRequestMap } from '../../shared/sync-requests.ts';
import { colleagueNames, memberByPublicKey, readRoster, UNNAMED_SENDER } from '../../shared/roster.ts';
import type { OpenReport } from './open-report.ts';
import { BundlePeers, exportBundle, importBundles, prepareBundleImport } from './bundles.ts';
import { changesFileNameFor, exportBundlesForEveryone } from './bundle-export-everyone.ts';
import { ExportWriteError } from './export/write-file.ts';
import { ReportLinks } from './report-links.ts';
import { joinReport } from './join-report.ts';
import { takeInvitation } from './take-invitation.ts';
import { invitedMemberIn, withoutInvitation } from '../../shared/report-address.ts';
import type { LinkIdentity } from './sync/member-proof.ts';

export type SyncHandlers = {
  [K in keyof SyncRequestMap]: (...args: SyncRequestMap[K]['args']) => Promise<SyncRequestMap[K]['result']> | SyncRequestMap[K]['result'];
};

export interface SyncHandlerContext {
  report: OpenReport;
  dataDir: string;
  /**
   * The user: their public key names them as a bundle's sender and goes on the entry an
   * invitation is for; their key signs their links to a standing server (member-proof.ts).
   */
  identity: LinkIdentity;
  /** The file to write: `requested` checked, or chosen by the user when null; null when the user cancelled. */
  chooseExportPath: (requested: string | null, suggestedName: string) => Promise<string | null> | string | null;
  /**
   * Where Export changes… for everyone puts its folder (named `suggestedName`): `requested`
   * checked, or chosen by the user when null; null when cancelled.
   */
  chooseExportFolder: (requested: string | null, suggestedName: string) => Promise<string | null> | string | null;
  /** The files to read (one or several): `requested` checked, or chosen by the user when null; null when cancelled. */
  chooseImportPaths: (requested: string[] | null) => Promise<string[] | null> | string[] | null;
  /** The changes files Import changes… can offer by name (the browser host); none where a file dialog shows them. */
  changesFilesHere?: () => ChangesFileEntry[];
  /** Changes files opened with the app that wait for this report (opened-changes-files.ts); taken once. */
  changesFilesToImport?: () => string[];
  /** Tells the window how far Import changes… (or an export for everyone) has got. */
  progress?: (event: ChangesProgressEvent) => void;
  /** Where a meeting listens (tests: 127.0.0.1); default the local network. */
  meetingHost?: string;
  /** Joining a report by its address: where its file goes, the reports known here, and how the host shows it. */
  join: {
    folder: string;
    recentReports: () => ReportSummary[];
    /** Records the joined report (recent list) and opens it where the host opens reports. */
    opened: (report: OpenReport) => ReportSummary;
  };
}

/** "2026-11-29 10.42": the time in a folder's name (no colon, which Windows refuses). */
function folderStamp(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}.${two(at.getMinutes())}`;
}

/** A refusal's message is for the user; keep it as an ApiError so hosts pass it on (and do not log it as a bug). */
function asApiError(error: unknown): never {
  if (error instanceof BundleError || error instanceof ExportWriteError) throw new ApiError(error.message);
  throw error;
}

export function syncHandlers(context: SyncHandlerContext): SyncHandlers {
  const { report, dataDir } = context;
  const peers = new BundlePeers(dataDir);
  const links = (): ReportLinks => ReportLinks.for(report, dataDir, { meetingHost: context.meetingHost, identity: context.identity });
  const publicKey = (): string => context.identity().publicKey();
  const senderName = (): string => {
    try {
      return memberByPublicKey(readRoster(report.doc), publicKey())?.name ?? UNNAMED_SENDER;
    } catch {
      return UNNAMED_SENDER;
    }
  };
  return {
    exportChanges: async (recipient, requested, complete) => {
      const path = await context.chooseExportPath(requested, changesFileNameFor(recipient));
      if (path === null) return null;
      try {
        const result = await exportBundle({ doc: report.doc, path, recipient, sender: senderName(), complete, peers });
        return { path: result.path, bytes: result.bytes, complete: result.complete };
      } catch (error) {
        return asApiError(error);
      }
    },
    exportChangesForEveryone: async (requested, complete) => {
      const recipients = colleagueNames(readRoster(report.doc), publicKey());
      if (recipients.length === 0) throw new ApiError('The roster names no one else yet: add the members in Roster, or export for one person by name.');
      const folder = await context.chooseExportFolder(requested, `Changes for every member ${folderStamp(new Date())}`);
      if (folder === null) return null;
      try {
        return await exportBundlesForEveryone({ doc: report.doc, folder, recipients, sender: senderName(), complete, peers, onProgress: context.progress });
      } catch (error) {
        return asApiError(error);
      }
    },
    importChanges: async (requested) => {
      // The decoding worker starts while the user picks the files.
      const done = prepareBundleImport();
      try {
        const paths = await context.chooseImportPaths(requested);
        if (paths === null || paths.length === 0) return null;
        // All at once, in one transaction: forty members back from a week offline merge as one change.
        const result = await importBundles({ doc: report.doc, paths, peers, onProgress: context.progress });
        return { senders: result.bundles.map((bundle) => bundle.sender), changed: result.changed };
      } catch (error) {
        return asApiError(error);
      } finally {
        done();
      }
    },
    changesFilesHere: () => context.changesFilesHere?.() ?? [],
    changesFilesToImport: () => context.changesFilesToImport?.() ?? [],
    connectServer: (url) => {
      // An invitation to this very report: the user becomes its entry first (take-invitation.ts).
      const invitedAs = invitedMemberIn(url);
      if (invitedAs) takeInvitation(report.doc, invitedAs, publicKey());
      return links().connect(withoutInvitation(url), { as: context.identity });
    },
    joinReport: async (address) => {
      const joined = await joinReport({ address, dataDir, identity: context.identity, folder: context.join.folder, recentReports: context.join.recentReports, meetingHost: context.meetingHost, onProgress: context.progress });
      return context.join.opened(joined);
    },
    disconnectServer: () => links().disconnect(),
    retryNow: () => links().retryNow(),
    syncStatus: () => links().status(),
    hostMeeting: () => links().hostMeeting(),
    stopMeeting: () => links().stopMeeting(),
  };
}
