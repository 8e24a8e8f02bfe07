/**
 * Export… and Import… buttons beside the formatting toolbar (the browser host has no
 * menu), and the Electron menu's File → Export… / Import… (`fileDialog` events).
 */
import './export-ui.css';
import type { EditorView } from 'prosemirror-view';
import type { PlenaryApi } from '../../shared/api.ts';
import { ExportDialog } from './export-dialog.ts';
import { ImportDialog } from './import-dialog.ts';
import { button } from './dialog-parts.ts';
import { showOpenedReport } from '../api/web-client.ts';

export interface ExportUiOptions {
  api: PlenaryApi;
  view: EditorView;
  /** Where the buttons go (the header's toolbar row). */
  bar: HTMLElement;
  notify: (text: string) => void;
}

/** After the top-level block holding the cursor (the empty report: at its start). */
function indexAfterCursor(view: EditorView): number {
  const { $from } = view.state.selection;
  if ($from.depth === 0) return Math.min($from.index(0), view.state.doc.childCount);
  return $from.index(0) + 1;
}

export function mountExportUi({ api, view, bar, notify }: ExportUiOptions): void {
  const exporter = new ExportDialog(api);
  const importer = new ImportDialog(api, {
    cursorIndex: () => indexAfterCursor(view),
    notify,
    openReport: (path) => showOpenedReport(api, path),
  });
  const exportButton = button('Export…');
  exportButton.id = 'export-button';
  exportButton.className = 'header-button';
  exportButton.setAttribute('aria-haspopup', 'dialog');
  exportButton.addEventListener('click', () => exporter.show());
  const importButton = button('Import…');
  importButton.id = 'import-button';
  importButton.className = 'header-button';
  importButton.setAttribute('aria-haspopup', 'dialog');
  importButton.addEventListener('click', () => importer.show());
  bar.append(exportButton, importButton);
  api.onEvent((event) => {
    if (event.type === 'fileDialog') (event.dialog === 'export' ? exporter : importer).show();
  });
}
