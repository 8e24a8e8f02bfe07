/**
 * The status line's "Sync" button and its menu of the four sync dialogs, as a menu button
 * (WAI-ARIA Authoring Practices): Enter, Space or ArrowDown open it on the first item,
 * ArrowUp on the last; arrows, Home and End move between items; Escape closes it back to
 * the button; Tab or a click elsewhere closes it.
 *
 * Choosing an item puts the focus back on the button before the dialog opens: a dialog
 * gives the focus back on closing to what had it, and a hidden menu item cannot take it
 * (it went to the page, and a keyboard user had to find their way back).
 */
import type { SyncDialog } from '../../shared/api.ts';
import { button } from '../export-ui/dialog-parts.ts';

const ITEMS: [SyncDialog, string][] = [
  ['export-changes', 'Export changes…'],
  ['import-changes', 'Import changes…'],
  ['connect', 'Connect to server…'],
  ['meeting', 'Host a meeting…'],
];

export function syncMenuButton(showDialog: (which: SyncDialog) => void): HTMLElement {
  const wrap = document.createElement('span');
  wrap.className = 'sync-menu';
  const toggle = button('Sync');
  toggle.id = 'sync-menu-button';
  toggle.setAttribute('aria-haspopup', 'menu');
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', 'sync-menu');
  const menu = document.createElement('div');
  menu.className = 'sync-menu-items';
  menu.id = 'sync-menu';
  menu.setAttribute('role', 'menu');
  menu.setAttribute('aria-label', 'Sync');
  menu.hidden = true;

  const items = ITEMS.map(([which, label]) => {
    const item = button(label);
    item.setAttribute('role', 'menuitem');
    item.tabIndex = -1;
    item.addEventListener('click', () => {
      close(true);
      showDialog(which);
    });
    return item;
  });
  menu.append(...items);

  const focusItem = (index: number): void => items[(index + items.length) % items.length]!.focus();
  const open = (index: number): void => {
    menu.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    focusItem(index);
  };
  function close(refocus: boolean): void {
    if (menu.hidden) return;
    menu.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    if (refocus) toggle.focus();
  }

  toggle.addEventListener('click', () => (menu.hidden ? open(0) : close(true)));
  toggle.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      open(event.key === 'ArrowDown' ? 0 : items.length - 1);
    }
  });
  menu.addEventListener('keydown', (event) => {
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      focusItem(moves[event.key]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    }
  });
  document.addEventListener('pointerdown', (event) => {
    if (!wrap.contains(event.target as Node)) close(false);
  });
  wrap.append(toggle, menu);
  return wrap;
}
