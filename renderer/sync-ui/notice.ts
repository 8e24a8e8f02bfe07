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
  readonly element: HTMLSpanElement;
  /** Beside the text, not in it: a long text gives way with an ellipsis, the button never does. */
  readonly actionButton: HTMLButtonElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element = document.createElement('span');
    this.element.id = 'sync-notice';
    this.element.className = 'sync-notice';
    this.element.setAttribute('role', 'status');
    this.actionButton = document.createElement('button');
    this.actionButton.type = 'button';
    this.actionButton.id = 'sync-notice-action';
    this.actionButton.className = 'sync-notice-action';
    this.actionButton.hidden = true;
  }

  show(notice: Notice): void {
    const { text, detail, action } = typeof notice === 'string' ? { text: notice, detail: undefined, action: undefined } : notice;
    this.element.textContent = text;
    this.element.title = detail ?? text;
    clearTimeout(this.timer);
    this.actionButton.hidden = !action;
    this.actionButton.textContent = action?.label ?? '';
    this.actionButton.onclick = action
      ? () => {
          this.clear();
          action.run();
        }
      : null;
    if (!action) this.timer = setTimeout(() => this.clear(), NOTICE_MS);
  }

  private clear(): void {
    this.element.textContent = '';
    this.element.title = '';
    this.actionButton.hidden = true;
    this.actionButton.onclick = null;
  }
}
