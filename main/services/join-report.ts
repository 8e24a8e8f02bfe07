/**
 * Joining a report from its address: a member who was sent `ws://HOST:N/<report id>`
 * (the standing server; `?member=<entry id>` when the secretariat invited them as an
 * entry of the roster) or a meeting's invitation (`…/<report id>#<code>`) gets the
 * report onto their machine, as a report file of their own linked to that server or
 * meeting, and works on it from then on like any other, offline included.
 *
 * A report already on this machine (open, or in the recent list) is opened and linked
 * rather than fetched again: two files with one report id would be two copies that
 * never learn of each other's edits. Nothing is written unless the whole report
 * arrived and checked out (fetch-report.ts).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as Y from 'yjs';
import { ApiError, type ReportSummary } from '../../shared/api.ts';
import { reportIdInAddress, type ChangesProgressEvent } from '../../shared/sync-requests.ts';
import { readMeta } from '../../shared/ydoc.ts';
import { ReportStore } from './report-store.ts';
import { REPORT_EXTENSION } from './report-store-schema.ts';
import { openReportFile, openReportList, type OpenReport } from './open-report.ts';
import { FetchReportError, fetchReport } from './sync/fetch-report.ts';
import { inviteIn, ReportLinks } from './report-links.ts';
import { memberCredential, type LinkIdentity } from './sync/member-proof.ts';
import { invitedMemberIn } from '../../shared/report-address.ts';
import { takeInvitation } from './take-invitation.ts';
import { fileNameTitle, freshPath } from './file-names.ts';

export interface JoinOptions {
  /** As the user typed it, already checked by `checkServerAddress`. */
  address: string;
  dataDir: string;
  /** The user: their key proves them to the server, and an invitation's entry becomes theirs (take-invitation.ts). */
  identity: LinkIdentity;
  /** Where a fetched report's file goes. */
  folder: string;
  /** Reports this machine knows, to find a copy already here. */
  recentReports: () => ReportSummary[];
  meetingHost?: string;
  timeoutMs?: number;
  /** How far the fetch has got, for the Connect dialog. */
  onProgress?: (progress: ChangesProgressEvent) => void;
}

/** `ws://HOST:N` and the report id (and a meeting's code, or the entry a server's invitation is for) an address names. */
function target(address: string): { url: string; reportId: string; meetingCode?: string; invitedAs?: string } {
  const invite = inviteIn(address);
  if (invite?.reportId) return { url: invite.url, reportId: invite.reportId, meetingCode: invite.code };
  if (invite) throw new ApiError('To get a report you do not have yet, enter the meeting\'s whole invitation, with the report id: ws://HOST:N/<report id>#CODE, as the host\'s screen shows it.');
  const reportId = reportIdInAddress(address);
  if (!reportId) throw new ApiError('To get a report you do not have yet, give its full address: ws://HOST:N/<report id>, as the secretariat sent it, or a meeting invitation.');
  const url = /^wss?:\/\/[^/#?]+/i.exec(address.trim())![0];
  return { url, reportId, invitedAs: invitedMemberIn(address) ?? undefined };
}

/** The report `reportId` on this computer, opened: an open one, else the newest recent file that still exists; null when neither. */
export function localCopy(reportId: string, recent: () => ReportSummary[]): OpenReport | null {
  const open = openReportList().find((report) => report.summary().id === reportId);
  if (open) return open;
  let known: ReportSummary | undefined;
  try {
    known = recent().find((summary) => summary.id === reportId && existsSync(summary.path));
  } catch {
    // No usable list: fetch it.
  }
  return known ? openReportFile(known.path) : null;
}

/** Writes the fetched report to a new file and opens it; nothing stays behind on failure. */
function keep(doc: Y.Doc, reportId: string, folder: string): OpenReport {
  mkdirSync(folder, { recursive: true });
  // "Report of the WGIG.plenary", or "… 2.plenary" when that name is taken.
  const path = freshPath(folder, `${fileNameTitle(readMeta(doc).title, 100) || 'Joined report'}.${REPORT_EXTENSION}`);
  ReportStore.create(path, { reportId, initialUpdate: Y.encodeStateAsUpdate(doc) }).close();
  try {
    return openReportFile(path);
  } catch (error) {
    rmSync(path, { force: true });
    throw error;
  }
}

/** Gets (or finds) the report `options.address` names, links it there, and returns it open. */
export async function joinReport(options: JoinOptions): Promise<OpenReport> {
  const { url, reportId, meetingCode, invitedAs } = target(options.address);
  let report = localCopy(reportId, options.recentReports);
  if (!report) {
    let doc: Y.Doc;
    try {
      doc = await fetchReport({
        url, reportId, timeoutMs: options.timeoutMs,
        credential: meetingCode === undefined ? memberCredential(options.identity, reportId, null, invitedAs) : { meetingCode },
        onReceived: (bytes) => options.onProgress?.({ type: 'changesProgress', phase: 'fetching', done: bytes, total: 0 }),
        onResuming: (bytes) => options.onProgress?.({ type: 'changesProgress', phase: 'resuming', done: bytes, total: 0 }),
      });
    } catch (error) {
      if (error instanceof FetchReportError) throw new ApiError(error.message);
      throw error;
    }
    try {
      // The user may have opened it meanwhile (another window, a second try).
      report = localCopy(reportId, options.recentReports) ?? keep(doc, reportId, options.folder);
    } finally {
      doc.destroy();
    }
  }
  if (meetingCode === undefined && invitedAs) takeInvitation(report.doc, invitedAs, options.identity().publicKey());
  // A meeting is joined by its invitation; a server is remembered for the report.
  const links = ReportLinks.for(report, options.dataDir, { meetingHost: options.meetingHost, identity: options.identity });
  links.connect(meetingCode === undefined ? url : options.address, { as: options.identity });
  return report;
}
