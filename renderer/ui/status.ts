/**
 * The status line (polite live region) and error alerts (assertive live region). Errors
 * stay until dismissed, so nobody misses one while typing.
 */
function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page lacks #${id}.`);
  return element;
}

export class StatusLine {
  private readonly status = byId('status');
  private readonly path = byId('report-path');
  private readonly alerts = byId('alerts');

  show(text: string, state: string = 'ok'): void {
    if (this.status.textContent !== text) this.status.textContent = text;
    this.status.dataset.state = state;
  }

  showPath(path: string): void {
    // Marks keep a right-to-left ellipsis from moving the path's slashes.
    this.path.textContent = `\u200e${path}\u200e`;
    this.path.title = path;
  }

  /** An error for the user, in an assertive live region, with a Dismiss button. */
  alert(message: string): void {
    const box = this.alertBox(message);
    const dismiss = button('Dismiss', () => box.remove());
    box.append(dismiss);
    // Keep the last few; a flood of the same error says nothing new.
    const passing = [...this.alerts.querySelectorAll(':scope > .alert:not(.alert-until-acted)')];
    for (const old of passing.slice(0, Math.max(0, passing.length - 2))) old.remove();
    this.alerts.append(box);
  }

  /**
   * A state the user must act on (the editor paused until a reload): its one button takes
   * the action, and it stays, neither dismissed nor pushed out by later errors.
   */
  alertUntilActed(message: string, action: { label: string; run: () => void }): void {
    const box = this.alertBox(message);
    box.classList.add('alert-until-acted');
    box.append(button(action.label, action.run));
    this.alerts.append(box);
  }

  private alertBox(message: string): HTMLElement {
    const box = document.createElement('div');
    box.className = 'alert';
    const text = document.createElement('span');
    text.textContent = message;
    box.append(text);
    return box;
  }
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.addEventListener('click', onClick);
  return element;
}
