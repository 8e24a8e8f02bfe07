/**
 * Report ids as they appear on the wire: the document name a client asks the sync
 * server for (`HocuspocusProvider({ url: 'ws://HOST:N', name: reportId })`) and the
 * file name the server stores the report under. Only a conservative charset is
 * accepted, so an id can never escape the data folder or confuse a log line.
 */
const REPORT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isValidReportId(id: unknown): id is string {
  return typeof id === 'string' && REPORT_ID.test(id);
}

export class InvalidReportIdError extends Error {
  override name = 'InvalidReportIdError';
}

export function assertValidReportId(id: unknown): asserts id is string {
  if (!isValidReportId(id)) {
    throw new InvalidReportIdError('A report id is 1 to 128 letters, digits, "-" or "_".');
  }
}

/**
 * The document a sync server stages a report's upload in parts in
 * (main/services/sync/incoming-copies.ts): `<report id>~incoming~<upload id>`. `~` is not
 * in a report id, so no report can be taken for an incoming copy, nor the reverse.
 */
const INCOMING_COPY = /^([A-Za-z0-9_-]{1,128})~incoming~([A-Za-z0-9]{8,64})$/;

export function incomingCopyName(reportId: string, uploadId: string): string {
  const name = `${reportId}~incoming~${uploadId}`;
  if (!INCOMING_COPY.test(name)) throw new InvalidReportIdError('An upload id is 8 to 64 letters or digits, for a valid report id.');
  return name;
}

/** The report an incoming copy is for, or null when `name` is not one. */
export function reportOfIncomingCopy(name: string): string | null {
  return INCOMING_COPY.exec(name)?.[1] ?? null;
}

/** True for a sync document that is a report's incoming copy, not a report. */
export function isIncomingCopy(name: string): boolean {
  return reportOfIncomingCopy(name) !== null;
}

/** The report a sync document is (a report id) or is staged for (an incoming copy); null for neither. */
export function reportOfDocument(name: string): string | null {
  return isValidReportId(name) ? name : reportOfIncomingCopy(name);
}
