/**
 * File → Export…: the format, the options (title page, contents, endorsement annex,
 * clean final text), a progress bar with Cancel while main writes the file, then where
 * it went — in the browser host a download link, as the file is written on the host's
 * data folder. Errors say what happened and what to try next; the dialog stays open.
 */
import { fileSize } from '../../shared/file-size.ts';
import type { HostEvent, PlenaryApi } from '../../shared/api.ts';
import { EXPORT_FORMAT_LABELS, EXPORT_FORMAT_NAMES, type ExportFormatName, type ExportProgressEvent } from '../../shared/export/export-request.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions } from '../../shared/export/model.ts';
import { button, checkbox, field, fileNameOf, makeDialog, optionGroup, type DialogParts } from './dialog-parts.ts';

const OPTION_LABELS: Record<keyof ExportOptions, string> = {
  titlePage: 'Title page (title, body, place and date)',
  toc: 'Table of contents',
  annex: 'Endorsement annex (which groups recognize which sections)',
  clean: 'Clean final text (no drafting marks)',
};

const PHASES: Record<ExportProgressEvent['phase'], string> = {
  preparing: 'Preparing…', rendering: 'Laying out…', printing: 'Printing the PDF…', writing: 'Writing the file…', done: 'Done',
};

/** What to try next, after main's own message (which says what went wrong). */
function adviceAfter(message: string): string {
  if (/write|permission|space|disk|read-only/i.test(message)) return 'No file was written under that name: choose a folder with free space that you may write to, and export again.';
  if (/PDF/.test(message)) return 'No file was written: export HTML and print it to PDF from a browser, or try again.';
  return 'No file was written; try again, or another format.';
}

export class ExportDialog {
  private readonly api: PlenaryApi;
  private readonly parts: DialogParts;
  private readonly format: HTMLSelectElement;
  private readonly options = new Map<keyof ExportOptions, HTMLInputElement>();
  private readonly progress: HTMLProgressElement;
  private readonly phase: HTMLElement;
  private readonly result: HTMLElement;
  private readonly go: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private jobId: string | null = null;

  constructor(api: PlenaryApi) {
    this.api = api;
    this.parts = makeDialog('export-dialog', 'Export the report');
    this.format = document.createElement('select');
    for (const name of EXPORT_FORMAT_NAMES) this.format.add(new Option(EXPORT_FORMAT_LABELS[name].label, name));
    this.format.value = 'pdf';
    const formatRow = field('export-format', 'Format', this.format);
    const optionRows = (Object.keys(OPTION_LABELS) as (keyof ExportOptions)[]).map((key) => {
      const { row, input } = checkbox(`export-${key}`, OPTION_LABELS[key], DEFAULT_EXPORT_OPTIONS[key]);
      this.options.set(key, input);
      return row;
    });
    const fieldset = optionGroup('Include', optionRows);
    const progressRow = document.createElement('div');
    progressRow.className = 'export-progress';
    this.progress = document.createElement('progress');
    this.progress.id = 'export-progress';
    this.progress.max = 1;
    this.progress.value = 0;
    this.progress.setAttribute('aria-labelledby', 'export-phase');
    this.phase = document.createElement('span');
    this.phase.id = 'export-phase';
    this.phase.setAttribute('role', 'status');
    progressRow.append(this.progress, this.phase);
    progressRow.hidden = true;
    this.result = document.createElement('p');
    this.result.id = 'export-result';
    this.result.className = 'export-result';
    this.result.setAttribute('role', 'status');
    this.parts.body.append(formatRow, fieldset, progressRow, this.result);

    this.cancel = button('Cancel export');
    this.cancel.id = 'export-cancel';
    this.cancel.hidden = true;
    this.cancel.addEventListener('click', () => this.stop());
    this.go = button('Export', true);
    this.go.id = 'export-go';
    this.go.addEventListener('click', () => void this.run());
    this.parts.setButtons([this.cancel, this.go]);
    this.parts.dialog.addEventListener('close', () => this.stop());
    api.onEvent((event) => this.onEvent(event));
  }

  show(): void {
    this.parts.message.textContent = '';
    if (!this.jobId) {
      this.result.replaceChildren();
      (this.progress.parentElement as HTMLElement).hidden = true;
    }
    if (!this.parts.dialog.open) {
      this.parts.dialog.showModal();
      // The host starts its PDF printer while the user picks (a few seconds the first time).
      void this.api.request('prepareExport').catch(() => undefined);
    }
    this.format.focus();
  }

  private onEvent(event: HostEvent): void {
    if (event.type !== 'export-progress' || event.jobId !== this.jobId) return;
    this.progress.value = event.fraction;
    this.phase.textContent = PHASES[event.phase];
  }

  private stop(): void {
    if (this.jobId) void this.api.request('cancelExport', this.jobId).catch(() => false);
  }

  private busy(on: boolean): void {
    this.go.disabled = on;
    this.format.disabled = on;
    for (const input of this.options.values()) input.disabled = on;
    this.cancel.hidden = !on;
    if (on) this.parts.dialog.setAttribute('aria-busy', 'true');
    else this.parts.dialog.removeAttribute('aria-busy');
  }

  private async run(): Promise<void> {
    const format = this.format.value as ExportFormatName;
    const options = Object.fromEntries([...this.options].map(([key, input]) => [key, input.checked])) as unknown as ExportOptions;
    const jobId = crypto.randomUUID();
    this.jobId = jobId;
    this.parts.message.textContent = '';
    this.result.replaceChildren();
    this.progress.value = 0;
    this.phase.textContent = PHASES.preparing;
    (this.progress.parentElement as HTMLElement).hidden = false;
    this.busy(true);
    try {
      const done = await this.api.request('exportReport', format, options, null, jobId);
      if (done === null) {
        this.phase.textContent = 'Not exported: no file was chosen.';
        return;
      }
      this.progress.value = 1;
      this.phase.textContent = PHASES.done;
      this.showResult(done.path, done.bytes);
    } catch (error) {
      (this.progress.parentElement as HTMLElement).hidden = true;
      const message = error instanceof Error ? error.message : String(error);
      this.parts.message.textContent = /cancel/i.test(message)
        ? 'The export was cancelled; no file was written.'
        : `${message} ${adviceAfter(message)}`;
    } finally {
      this.jobId = null;
      this.busy(false);
    }
  }

  private showResult(path: string, bytes: number): void {
    this.result.append(`Exported (${fileSize(bytes)}) to ${path}.`);
    if (this.api.host === 'web') {
      const link = document.createElement('a');
      link.id = 'export-download';
      link.href = `/exports/${encodeURIComponent(fileNameOf(path))}`;
      link.download = fileNameOf(path);
      link.textContent = `Download ${fileNameOf(path)}`;
      this.result.append(' ', link);
    }
  }
}
