/**
 * The formatting toolbar: one tab stop (roving tabindex; arrow keys, Home and End move
 * between buttons), real <button>s with labels and shortcuts, `aria-pressed` on the
 * buttons that show a state (bold, heading level…). It keeps no state of its own: after
 * every editor update it asks the editor what is active and what can run.
 */
import type { MenuCommand } from '../../shared/api.ts';

export interface ToolbarItem {
  command: MenuCommand;
  /** Accessible name. */
  label: string;
  /** What the button shows. */
  glyph: string;
  glyphClass?: string;
  /** Shown in the tooltip, e.g. "Ctrl+B". */
  shortcut?: string;
  /** Whether the button shows a pressed state. */
  toggle: boolean;
}

export interface ToolbarState {
  isActive(command: MenuCommand): boolean;
  isEnabled(command: MenuCommand): boolean;
}

const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
export const MOD = isMac ? '⌘' : 'Ctrl+';

export const TOOLBAR_GROUPS: ToolbarItem[][] = [
  [
    { command: 'undo', label: 'Undo', glyph: '↶', glyphClass: 'glyph-history', shortcut: `${MOD}Z`, toggle: false },
    { command: 'redo', label: 'Redo', glyph: '↷', glyphClass: 'glyph-history', shortcut: isMac ? '⇧⌘Z' : 'Ctrl+Y', toggle: false },
  ],
  [
    { command: 'paragraph', label: 'Body paragraph', glyph: 'Text', glyphClass: 'glyph-text', shortcut: isMac ? '⌥⌘0' : 'Ctrl+Alt+0', toggle: true },
    { command: 'heading-1', label: 'Heading level 1 (I.)', glyph: 'H1', shortcut: isMac ? '⌥⌘1' : 'Ctrl+Alt+1', toggle: true },
    { command: 'heading-2', label: 'Heading level 2 (A.)', glyph: 'H2', shortcut: isMac ? '⌥⌘2' : 'Ctrl+Alt+2', toggle: true },
    { command: 'heading-3', label: 'Heading level 3 (1.)', glyph: 'H3', shortcut: isMac ? '⌥⌘3' : 'Ctrl+Alt+3', toggle: true },
    { command: 'heading-4', label: 'Heading level 4 ((a))', glyph: 'H4', shortcut: isMac ? '⌥⌘4' : 'Ctrl+Alt+4', toggle: true },
  ],
  [
    { command: 'bold', label: 'Bold', glyph: 'B', glyphClass: 'glyph-bold', shortcut: `${MOD}B`, toggle: true },
    { command: 'italic', label: 'Italic', glyph: 'I', glyphClass: 'glyph-italic', shortcut: `${MOD}I`, toggle: true },
    { command: 'link', label: 'Link…', glyph: 'Link', shortcut: `${MOD}K`, toggle: true },
  ],
  [
    { command: 'bullet-list', label: 'Bulleted list', glyph: '• List', shortcut: isMac ? '⇧⌘8' : 'Ctrl+Shift+8', toggle: true },
    { command: 'ordered-list', label: 'Numbered list', glyph: '1. List', shortcut: isMac ? '⇧⌘9' : 'Ctrl+Shift+9', toggle: true },
    { command: 'blockquote', label: 'Quotation', glyph: '“ Quote', shortcut: isMac ? '⌃>' : 'Ctrl+>', toggle: true },
  ],
];

export class Toolbar {
  private readonly buttons: { item: ToolbarItem; button: HTMLButtonElement }[] = [];
  private current = 0;
  private readonly root: HTMLElement;

  constructor(root: HTMLElement, run: (command: MenuCommand) => void) {
    this.root = root;
    for (const group of TOOLBAR_GROUPS) {
      const box = document.createElement('div');
      box.className = 'toolbar-group';
      box.setAttribute('role', 'group');
      for (const item of group) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'tool';
        button.dataset.command = item.command;
        button.setAttribute('aria-label', item.label);
        if (item.shortcut) button.setAttribute('aria-keyshortcuts', ariaShortcut(item.shortcut));
        button.title = item.shortcut ? `${item.label} (${item.shortcut})` : item.label;
        const glyph = document.createElement('span');
        glyph.textContent = item.glyph;
        glyph.setAttribute('aria-hidden', 'true');
        if (item.glyphClass) glyph.className = item.glyphClass;
        button.append(glyph);
        if (item.toggle) button.setAttribute('aria-pressed', 'false');
        button.tabIndex = -1;
        // Keep the editor's selection: a mouse press must not move focus first.
        button.addEventListener('mousedown', (event) => event.preventDefault());
        button.addEventListener('click', () => {
          this.current = this.buttons.findIndex((b) => b.button === button);
          run(item.command);
        });
        box.append(button);
        this.buttons.push({ item, button });
      }
      root.append(box);
    }
    this.buttons[0]!.button.tabIndex = 0;
    root.addEventListener('keydown', (event) => this.onKeyDown(event));
    root.addEventListener('focusin', (event) => {
      const index = this.buttons.findIndex((b) => b.button === event.target);
      if (index >= 0) this.rove(index, false);
    });
  }

  private pending: ToolbarState | null = null;

  /**
   * Reflects the editor's state at the next frame: several transactions in one frame
   * (a remote update, the id plugin's follow-up) cost one toolbar update, outside the
   * keystroke's dispatch.
   */
  scheduleUpdate(state: ToolbarState): void {
    if (this.pending === null) requestAnimationFrame(() => {
      const latest = this.pending;
      this.pending = null;
      if (latest) this.update(latest);
    });
    this.pending = state;
  }

  /** Reflects the editor's state now. */
  update(state: ToolbarState): void {
    for (const { item, button } of this.buttons) {
      const pressed = item.toggle && state.isActive(item.command);
      // A style already applied (Text in a paragraph) has nothing to do, but it shows
      // where the caret is: it stays pressed, not greyed out.
      const enabled = pressed || state.isEnabled(item.command);
      if (button.disabled !== !enabled) button.disabled = !enabled;
      if (item.toggle && button.getAttribute('aria-pressed') !== String(pressed)) button.setAttribute('aria-pressed', String(pressed));
    }
    // A disabled button cannot hold the toolbar's tab stop.
    if (this.buttons[this.current]!.button.disabled) {
      const first = this.buttons.findIndex((b) => !b.button.disabled);
      if (first >= 0) this.rove(first, false);
    }
  }

  private rove(index: number, focus: boolean): void {
    this.buttons[this.current]!.button.tabIndex = -1;
    this.current = index;
    const { button } = this.buttons[index]!;
    button.tabIndex = 0;
    if (focus) button.focus();
  }

  private onKeyDown(event: KeyboardEvent): void {
    const enabled = this.buttons.map((b, i) => (b.button.disabled ? -1 : i)).filter((i) => i >= 0);
    if (enabled.length === 0) return;
    const at = Math.max(0, enabled.indexOf(this.current));
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = enabled[(at + 1) % enabled.length]!;
    else if (event.key === 'ArrowLeft') next = enabled[(at - 1 + enabled.length) % enabled.length]!;
    else if (event.key === 'Home') next = enabled[0]!;
    else if (event.key === 'End') next = enabled[enabled.length - 1]!;
    if (next === null) return;
    event.preventDefault();
    this.rove(next, true);
  }

  get element(): HTMLElement {
    return this.root;
  }
}

/** "Ctrl+Shift+8" → "Control+Shift+8" (ARIA spells modifier names out). */
function ariaShortcut(shortcut: string): string {
  return shortcut.replace('Ctrl+', 'Control+').replace('⌘', 'Meta+').replace('⇧', 'Shift+').replace('⌥', 'Alt+').replace('⌃', 'Control+');
}
