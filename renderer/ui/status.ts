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

  /** An error for the user, in an assertive live region, with a Dismiss button (and the action that mends it, if any). */
  alert(message: string, action?: { label: string; run: () => void }): void {
    const box = document.createElement('div');
    box.className = 'alert';
    const text = document.createElement('span');
    text.textContent = message;
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.textContent = 'Dismiss';
    dismiss.addEventListener('click', () => box.remove());
    if (action) {
      const mend = document.createElement('button');
      mend.type = 'button';
      mend.textContent = action.label;
      mend.addEventListener('click', action.run);
      box.append(text, mend, dismiss);
    } else {
      box.append(text, dismiss);
    }
    // Keep the last few; a flood of the same error says nothing new.
    while (this.alerts.childElementCount >= 3) this.alerts.firstElementChild?.remove();
    this.alerts.append(box);
  }
}
