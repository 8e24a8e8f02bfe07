/**
 * Import changes… in the browser host, which has no file dialog: the changes files in its
 * Reports folder, newest first, to tick (one, several, or all of a round at once) instead
 * of typing forty names.
 */
import { fileSize } from '../../shared/file-size.ts';
import type { ChangesFileEntry } from '../../shared/sync-requests.ts';

function describeFile(file: ChangesFileEntry): string {
  const when = new Date(file.modified);
  const date = Number.isNaN(when.getTime()) ? '' : ` · ${when.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}`;
  return ` ${file.name} · ${fileSize(file.bytes)}${date}`;
}

export class ChangesFileList {
  readonly element: HTMLFieldSetElement;
  private readonly boxes: HTMLInputElement[] = [];

  constructor() {
    this.element = document.createElement('fieldset');
    this.element.className = 'sync-files';
    this.element.id = 'sync-import-files';
    this.element.hidden = true;
  }

  /** Shows the files (nothing when there are none). */
  fill(files: ChangesFileEntry[]): void {
    this.boxes.length = 0;
    this.element.replaceChildren();
    this.element.hidden = files.length === 0;
    if (files.length === 0) return;
    const legend = document.createElement('legend');
    legend.textContent = 'Changes files in the Reports folder';
    this.element.append(legend);
    const list = document.createElement('div');
    list.className = 'sync-files-list';
    for (const file of files) {
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: file.name });
      const label = document.createElement('label');
      label.append(box, describeFile(file));
      list.append(label);
      this.boxes.push(box);
    }
    if (files.length > 1) {
      const all = Object.assign(document.createElement('input'), { type: 'checkbox', id: 'sync-import-all' });
      const label = document.createElement('label');
      label.className = 'sync-files-all';
      label.append(all, ` All ${files.length}`);
      all.addEventListener('change', () => {
        for (const box of this.boxes) box.checked = all.checked;
      });
      list.addEventListener('change', () => {
        const ticked = this.boxes.filter((box) => box.checked).length;
        all.checked = ticked === this.boxes.length;
        all.indeterminate = ticked > 0 && ticked < this.boxes.length;
      });
      this.element.append(label);
    }
    this.element.append(list);
  }

  checked(): string[] {
    return this.boxes.filter((box) => box.checked).map((box) => box.value);
  }
}
