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
