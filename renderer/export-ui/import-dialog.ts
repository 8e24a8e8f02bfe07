/**
 * File → Import…: a Markdown or Word (.docx) draft, into a new report or at the cursor
 * (after the block it is in). In the browser host the page uploads the chosen file to
 * its host first (`POST /imports`); in Electron main shows the open dialog. A file that
 * cannot be read is refused with main's message and the report does not change.
 */
import type { PlenaryApi } from '../../shared/api.ts';
import type { ImportDraftResult, ImportTarget } from '../../shared/export/export-request.ts';
import { button, field, makeDialog, optionGroup, radio, type DialogParts } from './dialog-parts.ts';
import { uploadToHost } from '../api/upload.ts';

/** Same cap as main's (import-file.ts MAX_IMPORT_BYTES), checked here to spare the upload. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function describe(result: ImportDraftResult): string {
  const dropped = Object.entries(result.dropped).map(([kind, n]) => `${n} ${kind}`).join(', ');
  const blocks = `Imported ${result.blocks} block${result.blocks === 1 ? '' : 's'}`;
  return dropped ? `${blocks}; left out what a report cannot hold: ${dropped}.` : `${blocks}.`;
}

export class ImportDialog {
  private readonly api: PlenaryApi;
  private readonly parts: DialogParts;
  private readonly file: HTMLInputElement;
  private readonly atCursor: HTMLInputElement;
  private readonly go: HTMLButtonElement;
  /** The top-level index just after the cursor's block. */
  private readonly cursorIndex: () => number;
  private readonly notify: (text: string) => void;
  private readonly openReport: (path: string) => void;

  constructor(api: PlenaryApi, options: { cursorIndex: () => number; notify: (text: string) => void; openReport: (path: string) => void }) {
    this.api = api;
    this.cursorIndex = options.cursorIndex;
    this.notify = options.notify;
    this.openReport = options.openReport;
    this.parts = makeDialog('import-dialog', 'Import a draft');
    this.file = document.createElement('input');
    this.file.type = 'file';
    this.file.accept = '.md,.markdown,.txt,.docx,text/markdown,application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    const fileRow = field('import-file', 'Markdown (.md) or Word (.docx) file', this.file);
    // Electron's sandboxed page gets no file paths: main shows its own open dialog.
    fileRow.hidden = api.host !== 'web';
    const cursor = radio('import-target', 'import-at-cursor', 'cursor', 'Into this report, after the paragraph with the cursor', true);
    const fresh = radio('import-target', 'import-new', 'new', 'Into a new report', false);
    this.atCursor = cursor.input;
    const where = optionGroup('Where', [cursor.row, fresh.row]);
    this.parts.body.append(fileRow, where);
    this.go = button(api.host === 'web' ? 'Import' : 'Choose file and import…', true);
    this.go.id = 'import-go';
    this.go.addEventListener('click', () => void this.run());
    this.parts.setButtons([this.go]);
  }

  show(): void {
    this.parts.message.textContent = '';
    if (!this.parts.dialog.open) this.parts.dialog.showModal();
    (this.api.host === 'web' ? this.file : this.atCursor).focus();
  }

  private async run(): Promise<void> {
    const target: ImportTarget = this.atCursor.checked ? this.cursorIndex() : 'new';
    this.parts.message.textContent = '';
    this.go.disabled = true;
    this.parts.dialog.setAttribute('aria-busy', 'true');
    try {
      let name: string | null = null;
      if (this.api.host === 'web') {
        const picked = this.file.files?.[0];
        if (!picked) throw new Error('Choose a Markdown (.md) or Word (.docx) file first.');
        if (picked.size > MAX_UPLOAD_BYTES) throw new Error(`${picked.name} is too large to import (at most 50 MB).`);
        name = await uploadToHost(picked);
      }
      const result = await this.api.request('importDraft', name, target);
      if (result === null) return;
      this.parts.dialog.close();
      this.file.value = '';
      this.notify(describe(result));
      if (result.reportPath) this.openReport(result.reportPath);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.parts.message.textContent = `${message} The report has not changed.`;
    } finally {
      this.go.disabled = false;
      this.parts.dialog.removeAttribute('aria-busy');
    }
  }
}
