/** Small builders shared by the Export and Import dialogs (a modal <dialog> with a title, a body, an error line and buttons). */

export interface DialogParts {
  dialog: HTMLDialogElement;
  body: HTMLElement;
  /** The error line (role=alert). */
  message: HTMLElement;
  setButtons(actions: HTMLButtonElement[]): void;
}

export function button(text: string, primary = false): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (primary) b.className = 'button-primary';
  return b;
}

export function checkbox(id: string, label: string, checked: boolean): { row: HTMLElement; input: HTMLInputElement } {
  const row = document.createElement('div');
  row.className = 'export-check';
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.id = id;
  input.checked = checked;
  const text = document.createElement('label');
  text.htmlFor = id;
  text.textContent = label;
  row.append(input, text);
  return { row, input };
}

export function radio(name: string, id: string, value: string, label: string, checked: boolean): { row: HTMLElement; input: HTMLInputElement } {
  const { row, input } = checkbox(id, label, checked);
  input.type = 'radio';
  input.name = name;
  input.value = value;
  return { row, input };
}

/** A labelled control on its own row; the control carries `id`. */
export function field(id: string, label: string, control: HTMLElement): HTMLElement {
  const row = document.createElement('div');
  row.className = 'export-field';
  const text = document.createElement('label');
  text.htmlFor = id;
  text.textContent = label;
  control.id = id;
  row.append(text, control);
  return row;
}

/** A group of options under a legend. */
export function optionGroup(legend: string, rows: HTMLElement[]): HTMLFieldSetElement {
  const group = document.createElement('fieldset');
  group.className = 'export-options';
  const title = document.createElement('legend');
  title.textContent = legend;
  group.append(title, ...rows);
  return group;
}

/** The last part of a path, whichever separator the host uses. */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export function makeDialog(id: string, heading: string): DialogParts {
  const dialog = document.createElement('dialog');
  dialog.className = 'dialog export-dialog';
  dialog.id = id;
  dialog.setAttribute('aria-labelledby', `${id}-title`);
  const title = document.createElement('h2');
  title.id = `${id}-title`;
  title.textContent = heading;
  const body = document.createElement('div');
  const message = document.createElement('p');
  message.className = 'field-error';
  message.id = `${id}-message`;
  message.setAttribute('role', 'alert');
  const buttons = document.createElement('div');
  buttons.className = 'dialog-buttons';
  dialog.append(title, body, message, buttons);
  document.body.append(dialog);
  const close = button('Close');
  close.addEventListener('click', () => dialog.close());
  return {
    dialog, body, message,
    setButtons: (actions) => {
      const spacer = document.createElement('span');
      spacer.className = 'spacer';
      buttons.replaceChildren(close, spacer, ...actions);
    },
  };
}
