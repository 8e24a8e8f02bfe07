/**
 * The status line's notice: what a sync action did, said once (role=status reads it
 * out), then gone so the line makes room again. A notice may offer one thing to do next
 * (a report fetched while the user went back to typing: "Open it"); that one stays until
 * it is used or another notice takes its place, since it waits on the user, not on time.
 */

export interface NoticeAction {
  label: string;
  run: () => void;
}

/** What an action did; `detail` (a whole file path) goes to the tooltip. */
export type Notice = string | { text: string; detail?: string; action?: NoticeAction };

/** Long enough to read a file path twice. */
const NOTICE_MS = 20_000;

export class StatusNotice {
  /** The status region: the text, then the offer, so that a screen reader hears both. */
  readonly element: HTMLSpanElement;
  private readonly text: HTMLSpanElement;
  /** Beside the text: a long text gives way with an ellipsis, the button never does. */
  private readonly actionButton: HTMLButtonElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element = document.createElement('span');
    this.element.id = 'sync-notice';
    this.element.className = 'sync-notice';
    this.element.setAttribute('role', 'status');
    this.element.hidden = true;
    this.text = document.createElement('span');
    this.text.className = 'sync-notice-text';
    this.actionButton = document.createElement('button');
    this.actionButton.type = 'button';
    this.actionButton.id = 'sync-notice-action';
    this.actionButton.className = 'sync-notice-action';
    this.actionButton.hidden = true;
    this.element.append(this.text, this.actionButton);
  }

  show(notice: Notice): void {
    const { text, detail, action } = typeof notice === 'string' ? { text: notice, detail: undefined, action: undefined } : notice;
    this.text.textContent = text;
    this.element.title = detail ?? text;
    this.element.hidden = false;
    clearTimeout(this.timer);
    this.actionButton.hidden = !action;
    this.actionButton.textContent = action?.label ?? '';
    // (A long title is cut short on the button: whole in its tooltip.)
    this.actionButton.title = action?.label ?? '';
    this.actionButton.onclick = action
      ? () => {
          this.clear();
          action.run();
        }
      : null;
    if (!action) this.timer = setTimeout(() => this.clear(), NOTICE_MS);
  }

  private clear(): void {
    this.text.textContent = '';
    this.element.title = '';
    this.element.hidden = true;
    this.actionButton.hidden = true;
    this.actionButton.onclick = null;
  }
}
