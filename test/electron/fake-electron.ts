/**
 * A stand-in for the parts of Electron's main-process API that main/electron uses, so
 * the real bundle (dist/main/electron.cjs as scripts/build.mjs makes it) can run in Node
 * where no Electron binary exists. It records what the app asks of Electron and lets a
 * test play the part of the renderer and the operating system. It checks nothing of
 * Chromium's own behaviour: that needs the real binary (test/electron/app.test.ts).
 */
import { EventEmitter } from 'node:events';

export interface FakeFrame {
  url: string;
  processId: number;
  routingId: number;
  parent: FakeFrame | null;
}

export class FakeWebContents extends EventEmitter {
  readonly id: number;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly mainFrame: FakeFrame;
  url = '';
  reloads = 0;
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;

  constructor(id: number) {
    super();
    this.id = id;
    this.mainFrame = { url: '', processId: 100 + id, routingId: 1, parent: null };
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  reload(): void {
    this.reloads++;
  }
  getURL(): string {
    return this.url;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** Simulates the page finishing a load of `url`. */
  navigated(url: string): void {
    this.url = url;
    this.mainFrame.url = url;
  }
}

let nextContentsId = 1;

export function createFakeElectron() {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    name: 'Plenary',
    paths: new Map<string, string>([['documents', '/nonexistent/Documents']]),
    recentDocuments: [] as string[],
    quitCalls: 0,
    lockGranted: true,
    readyResolve: null as null | (() => void),
    getPath(name: string): string {
      const path = this.paths.get(name);
      if (!path) throw new Error(`no path ${name}`);
      return path;
    },
    setPath(name: string, value: string): void {
      this.paths.set(name, value);
    },
    getVersion: () => '0.0.0-test',
    sandboxEnabled: false,
    enableSandbox(): void {
      this.sandboxEnabled = true;
    },
    requestSingleInstanceLock(): boolean {
      return this.lockGranted;
    },
    whenReady(): Promise<void> {
      return new Promise((resolve) => (this.readyResolve = resolve));
    },
    quitting: false,
    /**
     * As Electron's: "before-quit", then every window is asked to close; a window that stops
     * its close cancels the quit (no "will-quit"), and the windows it closes on the way do
     * not emit "window-all-closed".
     */
    quit(): void {
      this.quitCalls++;
      if (this.quitting) return;
      let stopped = false;
      this.quitting = true;
      try {
        app.emit('before-quit', { preventDefault: () => (stopped = true) });
        if (!stopped) for (const window of FakeBrowserWindow.getAllWindows()) window.close();
      } finally {
        this.quitting = false;
      }
      if (!stopped && FakeBrowserWindow.getAllWindows().length === 0) app.emit('will-quit', { preventDefault() {} });
    },
    exit(): void {
      this.quitCalls++;
    },
    addRecentDocument(path: string): void {
      this.recentDocuments.push(path);
    },
    clearRecentDocuments(): void {
      this.recentDocuments = [];
    },
  });

  const windows: FakeBrowserWindow[] = [];
  const focus = { window: null as FakeBrowserWindow | null };

  class FakeBrowserWindow extends EventEmitter {
    readonly options: Record<string, unknown>;
    readonly webContents: FakeWebContents;
    title: string;
    loadedUrl: string | null = null;
    focusCount = 0;
    destroyed = false;
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      this.title = String(options.title ?? '');
      this.webContents = new FakeWebContents(nextContentsId++);
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getFocusedWindow(): FakeBrowserWindow | null {
      return focus.window;
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((w) => !w.destroyed);
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.navigated(url);
    }
    setTitle(title: string): void {
      this.title = title;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    show(): void {}
    focus(): void {
      this.focusCount++;
      focus.window = windows.find((w) => w === this) ?? null;
    }
    /** As Electron's: "close" first, which a listener may stop with preventDefault(). */
    close(): void {
      if (this.destroyed) return;
      let stopped = false;
      this.emit('close', { preventDefault: () => (stopped = true) });
      if (!stopped) this.destroy();
    }
    /** Closes without asking anyone ("close" is not emitted), as Electron's destroy(). */
    destroy(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      if (focus.window === this) focus.window = null;
      this.emit('closed');
      if (FakeBrowserWindow.getAllWindows().length === 0 && !app.quitting) app.emit('window-all-closed');
    }
  }

  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipcMain = {
    handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown): void {
      handlers.set(channel, handler);
    },
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void {
      listeners.set(channel, listener);
    },
  };

  type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
  type PermissionCheckHandler = (contents: unknown, permission: string) => boolean;
  type BeforeRequestHandler = (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void;
  type HeadersReceivedHandler = (
    details: { responseHeaders?: Record<string, string[]> },
    callback: (response: { responseHeaders: Record<string, string[]> }) => void,
  ) => void;
  type ProtocolHandler = (request: Request) => Promise<Response> | Response;
  const recorded = {
    permissionRequestHandler: null as PermissionRequestHandler | null,
    permissionCheckHandler: null as PermissionCheckHandler | null,
    beforeRequest: null as BeforeRequestHandler | null,
    headersReceived: null as HeadersReceivedHandler | null,
    protocolHandlers: new Map<string, ProtocolHandler>(),
  };
  const session = {
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      recorded.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler): void {
      recorded.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(): void {},
    setDisplayMediaRequestHandler(): void {},
    webRequest: {
      onBeforeRequest(handler: BeforeRequestHandler): void {
        recorded.beforeRequest = handler;
      },
      onHeadersReceived(handler: HeadersReceivedHandler): void {
        recorded.headersReceived = handler;
      },
    },
    protocol: {
      handle(scheme: string, handler: ProtocolHandler): void {
        recorded.protocolHandlers.set(scheme, handler);
      },
    },
  };

  const privilegedSchemes: unknown[] = [];
  const externalOpened: string[] = [];
  const errorBoxes: Array<{ title: string; message: string }> = [];
  let menuTemplate: unknown[] = [];
  /**
   * What the next save / open dialog answers (null: cancelled); `open` may pick several
   * files; `message` is the index of the button a message box's user clicks.
   */
  const dialogAnswers = { save: null as string | null, open: null as string | string[] | null, message: 0 };
  /** The options each message box was shown with. */
  const messageBoxes: Array<{ message?: string; detail?: string; buttons?: string[]; cancelId?: number }> = [];
  /** The options each open dialog was shown with. */
  const openDialogs: Array<{ title?: string; properties?: string[] }> = [];

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    session: { defaultSession: session },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]): void {
        privilegedSchemes.push(...schemes);
      },
    },
    shell: {
      async openExternal(url: string): Promise<void> {
        externalOpened.push(url);
      },
    },
    dialog: {
      showErrorBox(title: string, message: string): void {
        errorBoxes.push({ title, message });
      },
      async showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> {
        void args;
        return dialogAnswers.save ? { canceled: false, filePath: dialogAnswers.save } : { canceled: true };
      },
      async showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
        openDialogs.push(args.at(-1) as { title?: string; properties?: string[] });
        const answer = dialogAnswers.open;
        return answer ? { canceled: false, filePaths: typeof answer === 'string' ? [answer] : answer } : { canceled: true, filePaths: [] };
      },
      async showMessageBox(...args: unknown[]): Promise<{ response: number }> {
        messageBoxes.push(args.at(-1) as (typeof messageBoxes)[number]);
        return { response: dialogAnswers.message };
      },
    },
    Menu: {
      buildFromTemplate(template: unknown[]): unknown[] {
        return template;
      },
      setApplicationMenu(menu: unknown[]): void {
        menuTemplate = menu;
      },
    },
  };

  return {
    electron,
    app,
    windows: () => FakeBrowserWindow.getAllWindows(),
    /** What the app set on the default session. */
    session: recorded,
    privilegedSchemes,
    externalOpened,
    errorBoxes,
    dialogAnswers,
    openDialogs,
    messageBoxes,
    menu: () => menuTemplate,
    /** Calls the app's `ipcMain.handle` handler as a page would through invoke(). */
    invoke(channel: string, event: unknown, ...args: unknown[]): unknown {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`nothing handles ${channel}`);
      return handler(event, ...args);
    },
    /** Delivers a message to the app's `ipcMain.on` listener as a page's send() would. */
    send(channel: string, event: unknown, ...args: unknown[]): void {
      const listener = listeners.get(channel);
      if (!listener) throw new Error(`nothing listens on ${channel}`);
      listener(event, ...args);
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
