/**
 * The user's data folder and the sample report in it.
 *
 * The folder is where Electron keeps `app.getPath('userData')` for an app named
 * Plenary, so the desktop app and the browser host share it:
 * - Linux: `$XDG_CONFIG_HOME/Plenary`, or `~/.config/Plenary`;
 * - macOS: `~/Library/Application Support/Plenary`;
 * - Windows: `%APPDATA%\Plenary`.
 * `PLENARY_DATA` overrides it (tests, portable installs); the Electron shell passes
 * `app.getPath('userData')` explicitly instead of calling `defaultDataDir`.
 *
 * Reports the app makes live in `<data>/Reports/`. On first run the sample report is
 * written there; on later runs the same file is returned, reopened with the user's
 * edits, never re-seeded. (If the user deletes it, the next run writes a fresh one.)
 */
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { SAMPLE_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { ReportFileError } from './report-errors.ts';
import { REPORT_EXTENSION } from './report-store-schema.ts';
import { writeReportFile } from './open-report.ts';

export const APP_FOLDER_NAME = 'Plenary';

/** The sample report's file name in the Reports folder. */
export const SAMPLE_REPORT_FILE = `WGIG sample report.${REPORT_EXTENSION}`;

export interface DataDirEnvironment {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The user's data folder for this platform (see the module doc). */
export function defaultDataDir(options: DataDirEnvironment = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  if (env.PLENARY_DATA) return resolve(env.PLENARY_DATA);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, APP_FOLDER_NAME);
}

/** Where reports made by the app (the sample, File → New in the browser host) go. */
export function reportsDir(dataDir: string): string {
  return join(dataDir, 'Reports');
}

/**
 * The sample report's path, writing it first if it is not there yet. Does not open it;
 * a damaged sample is reported when it is opened, not overwritten here.
 */
export function ensureSampleReport(dataDir: string): string {
  const folder = reportsDir(dataDir);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, SAMPLE_REPORT_FILE);
  if (existsSync(path)) return path;
  try {
    writeReportFile(path, SAMPLE_REPORT_TEMPLATE);
  } catch (error) {
    // Another instance wrote it a moment ago: theirs is as good as ours.
    if (!(error instanceof ReportFileError && error.code === 'exists')) throw error;
  }
  return path;
}
