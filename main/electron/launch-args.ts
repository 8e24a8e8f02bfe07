/**
 * Which files a command line asks us to open: reports, and changes files to import into
 * theirs. Used for our own argv at start and for the argv a second instance hands over
 * (`second-instance`), where relative paths are relative to the second instance's
 * working directory.
 */
import { isAbsolute, resolve } from 'node:path';
import { REPORT_EXTENSION } from '../services/report-store-schema.ts';
import { BUNDLE_EXTENSION } from '../../shared/sync-requests.ts';

/** What a report file's name ends with. */
export const REPORT_SUFFIX = `.${REPORT_EXTENSION}`;
const CHANGES_SUFFIX = `.${BUNDLE_EXTENSION}`;

/** Whether `path` names a changes file (an update bundle) rather than a report. */
export function isChangesFilePath(path: string): boolean {
  return path.toLowerCase().endsWith(CHANGES_SUFFIX);
}

/**
 * Report and changes-file paths in `argv`: arguments ending in .plenary or
 * .plenary-changes (any case) that are not switches, made absolute, without duplicates.
 * Electron's and Chromium's own arguments (`--flag=value`, the executable, the app's
 * path) never end so or start with `-`, so they are skipped. After a literal `--`, every
 * such argument is a file, even one that starts with `-`.
 */
export function filePathsFromArgv(argv: readonly string[], workingDirectory: string): string[] {
  const paths: string[] = [];
  let onlyFiles = false;
  for (const arg of argv) {
    if (!onlyFiles && arg === '--') {
      onlyFiles = true;
      continue;
    }
    if (!onlyFiles && arg.startsWith('-')) continue;
    if (!(arg.toLowerCase().endsWith(REPORT_SUFFIX) || isChangesFilePath(arg)) || arg.includes('\0')) continue;
    const full = isAbsolute(arg) ? arg : resolve(workingDirectory, arg);
    if (!paths.includes(full)) paths.push(full);
  }
  return paths;
}

/**
 * A report path the renderer named itself (not picked in one of our dialogs): it must be
 * absolute and end in .plenary, so a page cannot point main at arbitrary files.
 */
export function isRendererNamedReportPath(path: string): boolean {
  return isAbsolute(path) && path.toLowerCase().endsWith(REPORT_SUFFIX) && !path.includes('\0');
}
