/**
 * One BrowserWindow per open report. The window's renderer is a peer of the report's
 * ReportSession (main holds the document and writes the file); the peer is attached on
 * the renderer's first message and dropped whenever the page goes away (reload,
 * navigation, crash), so every page load starts a fresh y-protocols sync.
 *
 * Opening a report that already has a window focuses that window instead.
 */
import { BrowserWindow } from 'electron';
import type { HostEvent } from '../../shared/api.ts';
import type { SessionPeer } from '../services/report-session.ts';
import type { OpenReport } from '../services/open-report.ts';
import { RENDERER_ENTRY_URL } from './content-policy.ts';
import { IpcChannel } from './ipc-channels.ts';
import { windowTitle } from './window-title.ts';

export interface ReportWindow {
  readonly window: BrowserWindow;
  readonly report: OpenReport;
  /** The renderer's link to the report's session, while a page is loaded. */
  peer: SessionPeer | null;
}

export interface ReportWindowsOptions {
  preloadPath: string;
  iconPath: string | undefined;
  allowDevTools: boolean;
  /** Called after a window closed and its report was released. */
  onClosed: (report: OpenReport) => void;
}

/** A crashed renderer is reloaded (the document lives in main); a crash loop is not. */
const MAX_RELOADS_PER_MINUTE = 3;

export class ReportWindows {
  private readonly byPath = new Map<string, ReportWindow>();
  private readonly byContentsId = new Map<number, ReportWindow>();
  private readonly options: ReportWindowsOptions;

  constructor(options: ReportWindowsOptions) {
    this.options = options;
  }

  get count(): number {
    return this.byPath.size;
  }

  forPath(path: string): ReportWindow | undefined {
    return this.byPath.get(path);
  }

  /** The window whose webContents sent an IPC message, if it is one of ours. */
  forContentsId(id: number): ReportWindow | undefined {
    return this.byContentsId.get(id);
  }

  forBrowserWindow(window: BrowserWindow | null | undefined): ReportWindow | undefined {
    if (!window || window.isDestroyed()) return undefined;
    return this.byContentsId.get(window.webContents.id);
  }

  /** The focused report window, else the one most recently opened. */
  current(): ReportWindow | undefined {
    return this.forBrowserWindow(BrowserWindow.getFocusedWindow()) ?? [...this.byPath.values()].at(-1);
  }

  focus(entry: ReportWindow): void {
    if (entry.window.isMinimized()) entry.window.restore();
    entry.window.show();
    entry.window.focus();
  }

  /** Shows `report` in its window, creating the window when it has none. */
  show(report: OpenReport): ReportWindow {
    const existing = this.byPath.get(report.path);
    if (existing) {
      this.focus(existing);
      return existing;
    }
    const window = new BrowserWindow({
      width: 1120,
      height: 860,
      minWidth: 520,
      minHeight: 400,
      show: false,
      backgroundColor: '#ffffff',
      title: windowTitle(report.summary().title),
      icon: this.options.iconPath,
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: true,
        devTools: this.options.allowDevTools,
        preload: this.options.preloadPath,
      },
    });
    const entry: ReportWindow = { window, report, peer: null };
    const contentsId = window.webContents.id;
    this.byPath.set(report.path, entry);
    this.byContentsId.set(contentsId, entry);

    // The title is the report's, not the page's.
    window.on('page-title-updated', (event) => event.preventDefault());
    const stopTitle = report.onDidChangeTitle((title) => {
      if (!window.isDestroyed()) window.setTitle(windowTitle(title));
    });
    window.once('ready-to-show', () => window.show());

    const contents = window.webContents;
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.detachPeer(entry);
    });
    const reloads: number[] = [];
    contents.on('render-process-gone', (_event, details) => {
      this.detachPeer(entry);
      if (details.reason === 'clean-exit' || window.isDestroyed()) return;
      const now = Date.now();
      while (reloads.length > 0 && now - reloads[0]! > 60_000) reloads.shift();
      if (reloads.length >= MAX_RELOADS_PER_MINUTE) {
        console.error(`The report window for ${report.path} keeps crashing (${details.reason}); not reloading it again.`);
        return;
      }
      reloads.push(now);
      console.warn(`The report window's renderer is gone (${details.reason}); reloading it. The report is intact in main.`);
      contents.reload();
    });

    window.on('closed', () => {
      stopTitle();
      this.detachPeer(entry);
      this.byPath.delete(report.path);
      this.byContentsId.delete(contentsId);
      this.options.onClosed(report);
    });

    void window.loadURL(RENDERER_ENTRY_URL);
    return entry;
  }

  /** Feeds a y-protocols message from the window's renderer to its report's session. */
  receive(entry: ReportWindow, message: Uint8Array): void {
    if (entry.window.isDestroyed()) return;
    let peer = entry.peer;
    if (!peer) {
      const contents = entry.window.webContents;
      peer = entry.report.session.connect((reply: Uint8Array) => {
        if (!contents.isDestroyed()) contents.send(IpcChannel.message, reply);
      });
      entry.peer = peer;
    }
    try {
      peer.receive(message);
    } catch (error) {
      // The document is unchanged (the session refuses malformed input whole); start the
      // link over so the page resynchronises from a known state.
      this.detachPeer(entry);
      this.sendEvent(entry, { type: 'error', message: `A change from this window was refused: ${(error as Error).message}` });
    }
  }

  sendEvent(entry: ReportWindow, event: HostEvent): void {
    if (!entry.window.isDestroyed()) entry.window.webContents.send(IpcChannel.event, event);
  }

  private detachPeer(entry: ReportWindow): void {
    entry.peer?.close();
    entry.peer = null;
  }

  all(): ReportWindow[] {
    return [...this.byPath.values()];
  }
}
