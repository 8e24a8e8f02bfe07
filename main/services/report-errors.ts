/**
 * Why a report file could not be opened or written, in words a user can act on.
 *
 * Every refusal has its own `code` (for tests, logs and the UI's choice of dialog) and
 * its own `message`, written for the person who double-clicked the file. A refused file
 * is never modified: see report-store.ts for how that is guaranteed.
 */
import { basename } from 'node:path';

export type ReportFileErrorCode =
  /** No file at that path. */
  | 'missing'
  /** The path is a folder or something else that is not a regular file. */
  | 'not-a-file'
  /** The operating system refused to read (or write) the file. */
  | 'unreadable'
  /** The file is not a SQLite database at all (random bytes, a text file, a zip…). */
  | 'not-sqlite'
  /** A SQLite file that was cut short, typically by an interrupted copy or download. */
  | 'truncated'
  /** A valid SQLite database that is not a Plenary report (another app's file). */
  | 'not-a-report'
  /** A Plenary report written in a newer format than this app knows. */
  | 'newer-version'
  /** A Plenary report whose contents are damaged (bad pages, undecodable updates). */
  | 'corrupt'
  /** Creating a report where a file already exists. */
  | 'exists';

export class ReportFileError extends Error {
  override name = 'ReportFileError';
  readonly code: ReportFileErrorCode;
  readonly path: string;

  constructor(code: ReportFileErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}

/** The file's name in quotes, as messages show it (the full path is in `error.path`). */
function quoted(path: string): string {
  return `“${basename(path)}”`;
}

/** Builds the user-facing message for each refusal; `detail` adds what was found. */
export function reportFileError(code: ReportFileErrorCode, path: string, detail?: string, cause?: unknown): ReportFileError {
  const name = quoted(path);
  const messages: Record<ReportFileErrorCode, string> = {
    'missing': `${name} cannot be found. It may have been moved, renamed or deleted.`,
    'not-a-file': `${name} is a folder or a special file, not a report.`,
    'unreadable': `${name} cannot be read: the system refused access${detail ? ` (${detail})` : ''}.`,
    'not-sqlite': `${name} is not a Plenary report: it is not a report file at all (perhaps a different kind of document renamed).`,
    'truncated': `${name} is incomplete: the file is shorter than its own header says${detail ? ` (${detail})` : ''}. It was probably cut short while being copied or downloaded; try copying it again from its source.`,
    'not-a-report': `${name} is a database file, but not a Plenary report. It belongs to another application.`,
    'newer-version': `${name} was made by a newer version of Plenary${detail ? ` (${detail})` : ''}. Update Plenary to open it; this version leaves the file untouched.`,
    'corrupt': `${name} is a Plenary report, but it is damaged and cannot be opened safely${detail ? ` (${detail})` : ''}. The file has not been changed; open a copy or a backup instead.`,
    'exists': `${name} already exists; choose another name.`,
  };
  return new ReportFileError(code, path, messages[code], cause === undefined ? undefined : { cause });
}

/** What the user is told when edits cannot be written to the report file. */
export function saveFailureMessage(path: string, error: unknown): string {
  const reason = (error as { code?: unknown }).code === 'SQLITE_BUSY'
    ? 'another program is writing to the file'
    : (error as Error).message ?? String(error);
  return `Plenary cannot save your changes to ${quoted(path)} (${reason}). They are kept while Plenary stays open and saved as soon as the file can be written; free some disk space, close the other program, or use “Save a copy as…”.`;
}
