/**
 * The browser host: `npm run web -- [--port N] [--data DIR] [--report FILE] [--changes FILE]…`.
 *
 * Runs the same main/services as the desktop app and serves the built renderer on
 * 127.0.0.1, bridging PlenaryApi over one WebSocket per page, so the real editor can be
 * used (and tested) in a browser. Defaults: a free port, the user's data folder, the
 * sample report (copied there on first run). Prints `Plenary web at http://127.0.0.1:N/`
 * once ready; on SIGTERM or SIGINT closes the sockets, flushes and closes the reports
 * and exits 0. Each --changes file is imported by the first page that opens the report it
 * is for, as a double-click on one does in the desktop app.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { makeFolder } from '../services/make-folder.ts';
import { defaultDataDir, ensureSampleReport } from '../services/user-data.ts';
import { startWebHost } from './web-server.ts';
import { parseWebArgs, UsageError, WEB_USAGE } from './web-args.ts';
import { RecentReports } from '../services/recent-reports.ts';
import { openReportFile } from '../services/open-report.ts';
import { logUnhandledRejections } from './log-unhandled-rejections.ts';
import { listenProblem } from '../services/sync/listen-problem.ts';
import { queueChangesFile, WaitingChangesFiles } from '../services/opened-changes-files.ts';

/** dist/host/web.mjs serves dist/renderer; run from source, the same built folder. */
function rendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseWebArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${WEB_USAGE}`);
      process.exit(2);
    }
    throw error;
  }
  if (args.help) {
    console.log(WEB_USAGE);
    return;
  }
  const dataDir = resolve(args.dataDir ?? defaultDataDir());
  makeFolder(dataDir);
  const defaultReport = args.report ? resolve(args.report) : ensureSampleReport(dataDir);
  try {
    // Refuse a bad --report now, in its own words, rather than on the first page load.
    openReportFile(defaultReport);
  } catch (error) {
    console.error(`Cannot open ${defaultReport}: ${(error as Error).message}`);
    process.exit(1);
  }
  const dir = rendererDir();
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`No built renderer in ${dir}: run \`npm run build\` first (npm run web does).`);
    process.exit(1);
  }
  logUnhandledRejections((reason) => console.error(`A task failed with nobody waiting on it (the host keeps running): ${reason}`));
  const recent = new RecentReports(dataDir);
  const waitingChanges = new WaitingChangesFiles();
  for (const path of args.changes.map((p) => resolve(p))) {
    try {
      const report = await queueChangesFile(path, () => recent.list(), waitingChanges);
      console.log(`${path} is imported when a page opens ${report.path}.`);
    } catch (error) {
      console.error(`Cannot import ${path}: ${(error as Error).message}`);
    }
  }
  const host = await startWebHost({
    port: args.port,
    dataDir,
    defaultReport,
    rendererDir: dir,
    recent,
    meetingHost: args.meetingHost ?? undefined,
    waitingChanges,
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: closing reports…`);
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Could not close cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Only now: whoever waits for this line may stop the host the moment it reads it, and a
  // signal with no handler yet would kill it without closing its reports.
  console.log(`Plenary web at ${host.url}`);
}

main().catch((error: unknown) => {
  console.error(`Plenary web could not start: ${listenProblem(error, { sameKind: 'another Plenary web host' })}`);
  process.exit(1);
});
