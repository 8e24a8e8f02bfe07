/**
 * The one dialog the sync dialogs are shown in, and how their actions run: the action's
 * progress in the dialog, its outcome in the status line's notice once the dialog is
 * closed (or straight away when the user closed it meanwhile), its error in the dialog
 * while it is still shown.
 */
import { button } from '../export-ui/dialog-parts.ts';
import { ProgressLine } from './progress-line.ts';
import type { Notice } from './notice.ts';

export type Field = { input: HTMLInputElement; row: HTMLElement };

export function field(label: string, id: string, type = 'text', hint = ''): Field {
  const row = document.createElement('div');
  row.className = 'sync-field';
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label;
  const input = document.createElement('input');
  input.id = id;
  input.type = type;
  input.autocomplete = 'off';
  input.spellcheck = false;
  row.append(l, input);
  if (hint) {
    const p = document.createElement('p');
    p.className = 'sync-hint';
    p.textContent = hint;
    row.append(p);
  }
  return { input, row };
}

/** A dialog's action: resolves to what the notice says (null: nothing, the dialog stays). */
export type DialogAction = (stillShown: () => boolean) => Promise<Notice | null>;

export class DialogFrame {
  readonly progress = new ProgressLine();
  private readonly dialog: HTMLDialogElement;
  private readonly body: HTMLElement;
  private readonly message: HTMLElement;
  private readonly buttons: HTMLElement;
  private readonly notify: (notice: Notice) => void;
  /** Counts the dialogs opened, so a slow action can tell whether its dialog is still the one shown. */
  private opened = 0;

  constructor(notify: (notice: Notice) => void) {
    this.notify = notify;
    this.dialog = document.createElement('dialog');
    this.dialog.className = 'dialog sync-dialog';
    this.dialog.id = 'sync-dialog';
    this.dialog.setAttribute('aria-labelledby', 'sync-dialog-title');
    const title = document.createElement('h2');
    title.id = 'sync-dialog-title';
    this.body = document.createElement('div');
    this.message = document.createElement('p');
    this.message.className = 'field-error sync-message';
    this.message.id = 'sync-dialog-message';
    this.message.setAttribute('role', 'alert');
    this.buttons = document.createElement('div');
    this.buttons.className = 'dialog-buttons';
    this.dialog.append(title, this.body, this.progress.element, this.message, this.buttons);
    document.body.append(this.dialog);
  }

  /** Shows a dialog; `again` redraws the one shown (it is still the same dialog to a running action). */
  open(heading: string, content: HTMLElement[], actions: HTMLButtonElement[], again = false): void {
    if (!again) {
      this.opened += 1;
      // An action left running by the dialog before goes on, out of sight (its outcome goes to the notice).
      this.progress.stop();
    }
    (this.dialog.querySelector('h2') as HTMLElement).textContent = heading;
    this.body.replaceChildren(...content);
    this.message.textContent = '';
    const close = button('Close');
    close.classList.add('dialog-close');
    close.addEventListener('click', () => this.dialog.close());
    this.buttons.replaceChildren(close, ...actions);
    // Enter in a field does what the dialog's main button does, as in a form.
    const primary = actions.find((b) => b.classList.contains('button-primary'));
    this.body.onkeydown = (event) => {
      const target = event.target;
      if (event.key !== 'Enter' || !primary || primary.disabled || !(target instanceof HTMLInputElement) || target.type === 'checkbox') return;
      event.preventDefault();
      primary.click();
    };
    if (!this.dialog.open) this.dialog.showModal();
    (content.find((el) => el.querySelector('input'))?.querySelector('input') ?? actions[0] ?? close).focus();
  }

  /** Whether the dialog shown now is still on screen, asked later (a dialog that follows the status). */
  shownNow(): () => boolean {
    const shown = this.opened;
    return () => this.opened === shown && this.dialog.open;
  }

  /** Runs a dialog's action; `stillShown` tells it whether its dialog is still the one on screen. */
  async run(action: DialogAction, working = 'Working…'): Promise<void> {
    // Escape closes a dialog even while its action runs, and another may be opened: the
    // action's outcome then goes to the status line, and leaves the other dialog alone.
    const shown = this.opened;
    const stillShown = this.shownNow();
    this.message.textContent = '';
    this.dialog.setAttribute('aria-busy', 'true');
    // A large changes file takes a moment to check and merge: say so (how far, once main
    // tells), and keep the buttons from a second click.
    this.progress.start(working);
    // Close stays: like Escape, it leaves the action running and its outcome to the notice.
    for (const b of this.buttons.querySelectorAll('button')) if (!b.classList.contains('dialog-close')) b.disabled = true;
    try {
      const done = await action(stillShown);
      if (done !== null) {
        if (stillShown()) this.dialog.close();
        this.notify(done);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (stillShown()) this.message.textContent = message;
      else this.notify(message);
    } finally {
      if (this.opened === shown) {
        this.progress.stop();
        for (const b of this.buttons.querySelectorAll('button')) b.disabled = false;
        this.dialog.removeAttribute('aria-busy');
      }
    }
  }
}
