/**
 * Plenary's Electron main process: app lifecycle, the security baseline, one window per
 * open report, the menu, and the IPC bridge to the sandboxed renderer. Everything that
 * does not need Electron lives in main/services and runs in Node as well.
 *
 * Start-up: take the single-instance lock (a second instance hands its files over and
 * exits), make sure the sample report exists in the user's data folder, then open the
 * files named on the command line (or by macOS "open-file"), else the most recent
 * report that still exists, else the sample. A changes file among them opens the report
 * it is for, which imports it.
 */
import { app, dialog, session, type BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MenuCommand, ReportSummary } from '../../shared/api.ts';
import { registerAppScheme, serveRenderer } from './app-protocol.ts';
import { Desktop } from './desktop.ts';
import { hardenAllWebContents, hardenSession } from './harden.ts';
import { registerIpc } from './ipc.ts';
import { filePathsFromArgv } from './launch-args.ts';
import { installMenu, type MenuActions } from './menu.ts';
import { reportServices, type ReportServices } from './report-services.ts';
import { ReportWindows } from './report-windows.ts';
import { APP_NAME } from './window-title.ts';

/** dist/main → the app's root (the project folder, or app.asar when packaged). */
const appRoot = join(__dirname, '..', '..');
const isDevelopment = !app.isPackaged;

// PLENARY_DATA points the app at another data folder (tests, portable use), as it does
// the browser host (main/services/user-data.ts). The single-instance lock is per data
// folder, so each folder gets its own instance.
const dataDirOverride = process.env.PLENARY_DATA;
if (dataDirOverride) app.setPath('userData', resolve(dataDirOverride));

/** Files macOS asked us to open before we were ready. */
const pendingOpen: string[] = [];
let desktop: Desktop | null = null;

function startMainInstance(): void {
  // Every renderer sandboxed, whatever a window's own options say.
  app.enableSandbox();
  registerAppScheme();
  hardenAllWebContents();

  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (desktop) void desktop.openFiles([path]);
    else pendingOpen.push(path);
  });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (!desktop) return;
    const paths = filePathsFromArgv(argv, workingDirectory);
    if (paths.length > 0) void desktop.openFiles(paths);
    else focusOrOpenSomething();
  });

  void app.whenReady().then(onReady).catch((error: unknown) => {
    dialog.showErrorBox(`${APP_NAME} could not start`, error instanceof Error ? error.stack ?? error.message : String(error));
    app.exit(1);
  });
}

let windows: ReportWindows | null = null;
let services: ReportServices | null = null;

async function onReady(): Promise<void> {
  hardenSession(session.defaultSession, { allowDevTools: isDevelopment });
  serveRenderer(session.defaultSession, join(appRoot, 'dist', 'renderer'));

  services = reportServices(app.getPath('userData'));
  const iconPath = join(appRoot, 'resources', 'icons', '512x512.png');
  windows = new ReportWindows({
    preloadPath: join(__dirname, 'preload.cjs'),
    iconPath: existsSync(iconPath) ? iconPath : undefined,
    allowDevTools: isDevelopment,
    onClosed: (report) => {
      try {
        report.close();
      } catch (error) {
        console.error(`Closing ${report.path} failed:`, error);
      }
    },
  });
  desktop = new Desktop(windows, services, refreshMenu);
  registerIpc(windows, (entry) => desktop!.handlersFor(entry));
  refreshMenu();

  const sample = services.ensureSampleReport();
  const requested = [...filePathsFromArgv(process.argv, process.cwd()), ...pendingOpen.splice(0)];
  if (requested.length > 0) await desktop.openFiles(requested);
  if (windows.count === 0) openLastOrSample(sample);
  // Nothing could be opened (the user was told why): do not linger without a window.
  if (windows.count === 0 && process.platform !== 'darwin') app.quit();
}

function openLastOrSample(sample: string): void {
  const recent = services!.recentReports().find((summary) => existsSync(summary.path));
  desktop!.openPaths([recent?.path ?? sample]);
}

function focusOrOpenSomething(): void {
  const current = windows!.current();
  if (current) windows!.focus(current);
  else openLastOrSample(services!.ensureSampleReport());
}

function reportError(title: string): (error: unknown) => void {
  return (error) => desktop?.showError(title, error);
}

const menuActions: MenuActions = {
  newReport: (window) => void desktop?.newReport(window).catch(reportError('Plenary could not create the report')),
  open: (window) => void desktop?.openWithDialog(window).catch(reportError('Plenary could not open the report')),
  openRecent: (path) => desktop?.openPaths([path]),
  clearRecent: () => {
    services?.clearRecent();
    app.clearRecentDocuments();
    refreshMenu();
  },
  saveCopyAs: (window) => {
    const entry = windows?.forBrowserWindow(window) ?? windows?.current();
    if (entry) void desktop?.saveCopy(entry, null).catch(reportError('Plenary could not save the copy'));
  },
  fileDialog: (window, dialog) => {
    const entry = windows?.forBrowserWindow(window) ?? windows?.current();
    if (entry) windows!.sendEvent(entry, { type: 'fileDialog', dialog });
  },
  syncDialog: (window, dialog) => {
    const entry = windows?.forBrowserWindow(window) ?? windows?.current();
    if (entry) windows!.sendEvent(entry, { type: 'syncDialog', dialog });
  },
  command: (window: BrowserWindow | undefined, command: MenuCommand) => {
    const entry = windows?.forBrowserWindow(window) ?? windows?.current();
    if (entry) windows!.sendEvent(entry, { type: 'menu', command });
  },
  about: (window) => {
    const options = {
      type: 'info' as const,
      title: `About ${APP_NAME}`,
      message: `${APP_NAME} ${app.getVersion()}`,
      detail: 'Drafting one consensus report together, and seeing which stakeholder groups recognize themselves in it.\n\n'
        + `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}.`,
    };
    void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  },
};

function refreshMenu(): void {
  let recent: ReportSummary[] = [];
  try {
    recent = services?.recentReports() ?? [];
  } catch (error) {
    console.warn(`Could not read the recent reports: ${(error as Error).message}`);
  }
  installMenu({ recent, isDevelopment }, menuActions);
}

app.on('window-all-closed', () => {
  // On macOS an app stays active without windows, as users expect there.
  if (process.platform !== 'darwin') app.quit();
});

app.on('activate', () => {
  if (desktop && windows?.count === 0) focusOrOpenSomething();
});

// Every update is on disk as it arrives (the session persists each one before it is
// forwarded); closing flushes the store's last batch and checkpoints the WAL. Windows
// close their reports as they go; this catches any report still open.
app.on('will-quit', () => services?.closeAll());

if (app.requestSingleInstanceLock()) startMainInstance();
else app.quit();
