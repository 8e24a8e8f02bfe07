/**
 * The application menu. File actions run in main (desktop.ts); editing commands are
 * carried out by the renderer's editor, so they are sent to the focused window as a
 * `menu` HostEvent — Undo and Redo included, so they reach the Yjs undo manager (per
 * user) rather than Chromium's native undo, which knows nothing of the document.
 *
 * Editor shortcuts (the same as shared/editor/keymap.ts) are shown on the menu items but
 * not registered as accelerators
 * (`registerAccelerator: false`, Linux and Windows): the keystroke goes to the editor's
 * own keymap, so a shortcut never runs twice. On macOS the menu owns key equivalents and
 * the editor receives the menu event instead.
 */
import { Menu, app, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { FileDialog, MenuCommand, ReportSummary, SyncDialog } from '../../shared/api.ts';
import { APP_NAME } from './window-title.ts';

export interface MenuActions {
  newReport(window: BrowserWindow | undefined): void;
  open(window: BrowserWindow | undefined): void;
  openRecent(path: string): void;
  clearRecent(): void;
  saveCopyAs(window: BrowserWindow | undefined): void;
  /** Opens one of the renderer's sync dialogs (Export/Import changes, Connect, Host a meeting). */
  syncDialog(window: BrowserWindow | undefined, dialog: SyncDialog): void;
  /** Opens the renderer's Export… or Import… dialog. */
  fileDialog(window: BrowserWindow | undefined, dialog: FileDialog): void;
  /** Sends an editing command to the window's editor. */
  command(window: BrowserWindow | undefined, command: MenuCommand): void;
  about(window: BrowserWindow | undefined): void;
}

export interface MenuState {
  recent: readonly ReportSummary[];
  isDevelopment: boolean;
}

const isMac = process.platform === 'darwin';

function editorItem(label: string, command: MenuCommand, accelerator: string | undefined, actions: MenuActions): MenuItemConstructorOptions {
  return {
    label,
    accelerator,
    registerAccelerator: false,
    click: (_item, window) => actions.command(window as BrowserWindow | undefined, command),
  };
}

function recentSubmenu(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  if (state.recent.length === 0) return [{ label: 'No recent reports', enabled: false }];
  return [
    ...state.recent.slice(0, 12).map((summary): MenuItemConstructorOptions => ({
      // Menus treat & as a mnemonic marker; double it so titles show as typed.
      label: `${(summary.title || summary.path).replace(/&/g, '&&')}`,
      sublabel: summary.path,
      toolTip: summary.path,
      click: () => actions.openRecent(summary.path),
    })),
    { type: 'separator' },
    { label: 'Clear recent reports', click: () => actions.clearRecent() },
  ];
}

export function menuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const win = (window: unknown): BrowserWindow | undefined => window as BrowserWindow | undefined;
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: '&New report…', accelerator: 'CmdOrCtrl+N', click: (_i, w) => actions.newReport(win(w)) },
      { label: '&Open…', accelerator: 'CmdOrCtrl+O', click: (_i, w) => actions.open(win(w)) },
      { label: 'Open &recent', submenu: recentSubmenu(state, actions) },
      { type: 'separator' },
      { label: 'Save a &copy as…', accelerator: 'CmdOrCtrl+Shift+S', click: (_i, w) => actions.saveCopyAs(win(w)) },
      { type: 'separator' },
      { label: 'Expor&t report…', click: (_i, w) => actions.fileDialog(win(w), 'export') },
      { label: 'Import a &draft…', click: (_i, w) => actions.fileDialog(win(w), 'import') },
      { type: 'separator' },
      { label: '&Export changes…', click: (_i, w) => actions.syncDialog(win(w), 'export-changes') },
      { label: '&Import changes…', click: (_i, w) => actions.syncDialog(win(w), 'import-changes') },
      { label: 'Connect to &server…', click: (_i, w) => actions.syncDialog(win(w), 'connect') },
      { label: '&Host a meeting…', click: (_i, w) => actions.syncDialog(win(w), 'meeting') },
      { type: 'separator' },
      { label: '&Close', role: 'close' },
      ...(isMac ? [] : [{ type: 'separator' } as const, { label: '&Quit', role: 'quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      editorItem('&Undo', 'undo', 'CmdOrCtrl+Z', actions),
      editorItem('&Redo', 'redo', isMac ? 'Shift+Cmd+Z' : 'Ctrl+Y', actions),
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  };
  const format: MenuItemConstructorOptions = {
    label: 'F&ormat',
    submenu: [
      editorItem('&Bold', 'bold', 'CmdOrCtrl+B', actions),
      editorItem('&Italic', 'italic', 'CmdOrCtrl+I', actions),
      editorItem('&Link…', 'link', 'CmdOrCtrl+K', actions),
      { type: 'separator' },
      editorItem('Heading &1', 'heading-1', 'CmdOrCtrl+Alt+1', actions),
      editorItem('Heading &2', 'heading-2', 'CmdOrCtrl+Alt+2', actions),
      editorItem('Heading &3', 'heading-3', 'CmdOrCtrl+Alt+3', actions),
      editorItem('Heading &4', 'heading-4', 'CmdOrCtrl+Alt+4', actions),
      editorItem('&Paragraph', 'paragraph', 'CmdOrCtrl+Alt+0', actions),
      { type: 'separator' },
      editorItem('Bulleted li&st', 'bullet-list', 'CmdOrCtrl+Shift+8', actions),
      editorItem('&Numbered list', 'ordered-list', 'CmdOrCtrl+Shift+9', actions),
      editorItem('&Quote', 'blockquote', 'CmdOrCtrl+Shift+.', actions),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(state.isDevelopment
        ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [{ label: `&About ${APP_NAME}`, click: (_i, w) => actions.about(win(w)) }],
  };
  const macApp: MenuItemConstructorOptions[] = isMac
    ? [{ label: app.name, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] }]
    : [];
  return [...macApp, file, edit, format, view, help];
}

export function installMenu(state: MenuState, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(state, actions)));
}
