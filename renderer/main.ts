/**
 * The renderer's entry point: connects to main (Electron preload or the browser host),
 * syncs the report's Y.Doc, then builds the title field, the editor and the toolbar.
 */
import './styles/base.css';
import './styles/toolbar.css';
import './styles/report.css';
import { createReportDoc } from '../shared/ydoc.ts';
import { connectApi } from './api/client.ts';
import type { ConnectionStatus } from './api/web-client.ts';
import { DocSync } from './sync.ts';
import { createEditor } from './editor/view.ts';
import { EditorCommands, editorDeps } from './editor/commands.ts';
import type { EditorView } from 'prosemirror-view';
import { StatusLine } from './ui/status.ts';
import { Toolbar } from './ui/toolbar.ts';
import { LinkDialog } from './ui/link-dialog.ts';
import { bindTitleField } from './ui/title-field.ts';
import { mountSyncUi } from './sync-ui/mount.ts';
import { mountEndorsements, type EndorsementUi } from './endorsements/mount.ts';
import { mountHeatmap } from './heatmap/mount.ts';
import { mountExportUi } from './export-ui/mount.ts';
import { afterDispatch } from './editor/after-dispatch.ts';
import { askBeforeLeavingUnsavedEdits } from './ui/unsaved-guard.ts';
import { keepFocusClearOfBars } from './ui/focus-clear-of-bars.ts';
import './styles/endorsements.css';
import './styles/roster.css';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page lacks #${id}.`);
  return found as T;
}

/**
 * The page's link to its Plenary host (the browser host), worded apart from the sync
 * status beside it: "Connected" next to "Not connected to a server" read as a
 * contradiction, and two "Offline"s as one.
 */
function describe(status: ConnectionStatus): string {
  switch (status.state) {
    case 'open': return 'Saved as you type';
    case 'connecting': return 'Connecting to the Plenary host…';
    case 'offline': return 'Plenary host not reachable · reconnecting; what you type is kept and saved when it is back';
    case 'refused': return status.reason ?? 'The host refused this page.';
  }
}

const UNSHOWN_CHANGE = 'This window could not show a change to the report, so editing here is paused: '
  + 'typing now would undo that change for everyone. Everything typed so far is saved. Reload to go on.';

async function start(): Promise<void> {
  const status = new StatusLine();
  const loading = element('loading');
  const { api, onStatus } = connectApi();
  api.onEvent((event) => {
    if (event.type === 'error') status.alert(event.message);
  });

  const doc = createReportDoc();
  const sync = new DocSync(doc, api, (message) => status.alert(message));
  if (onStatus) {
    askBeforeLeavingUnsavedEdits(doc, onStatus);
    onStatus((connection) => {
      status.show(describe(connection), connection.state);
      if (connection.state === 'refused') {
        loading.textContent = connection.reason ?? 'The host refused this page.';
        status.alert(loading.textContent);
      }
    });
  } else {
    status.show('Saved as you type');
  }

  await sync.whenSynced;
  performance.mark('plenary:report-synced');
  loading.hidden = true;
  document.body.dataset.ready = 'true';

  const mount = element('editor');
  let commands: EditorCommands | null = null;
  let editor: EditorView | null = null;
  let endorsements: EndorsementUi | null = null;
  const deps = editorDeps(new LinkDialog(), () => editor);
  const toolbar = new Toolbar(element('toolbar'), (command) => commands?.run(command));
  const redrawToolbar = (): void => {
    if (commands) toolbar.scheduleUpdate(commands);
  };
  const view = createEditor({
    doc,
    mount,
    awareness: sync.awareness,
    onUpdate: (updated) => {
      // The toolbar is redrawn at the next frame; that frame is asked for after the
      // keystroke's dispatch (a microtask), not inside it.
      afterDispatch(redrawToolbar);
      endorsements?.update(updated);
    },
    report: (message) => status.alert(message),
    onUnshownChange: () => {
      status.alertUntilActed(UNSHOWN_CHANGE, { label: 'Reload', run: () => location.reload() });
      redrawToolbar();
    },
    deps,
  });
  editor = view;
  commands = new EditorCommands(view, deps);
  toolbar.update(commands);
  endorsements = mountEndorsements(doc, view, api, (message) => status.alert(message));
  mountHeatmap({ doc, editor: view, engine: endorsements.live.engine, api, report: (message) => status.alert(message) });
  mountExportUi({ api, view, bar: element('toolbar').parentElement ?? document.body, notify: (text) => status.show(text) });
  const statusLine = element('status').parentElement ?? document.body;
  mountSyncUi({ api, doc, view, awareness: sync.awareness, statusLine, alert: (message) => status.alert(message) });
  const header = document.querySelector<HTMLElement>('.app-header');
  if (header) keepFocusClearOfBars(element('report'), header, statusLine);
  performance.mark('plenary:editor-ready');
  // test/bench/keystroke-bench.ts times view.dispatch, and test/e2e/change-not-drawn.test.ts
  // makes its drawing fail; only a `?bench` page exposes the view.
  if (new URLSearchParams(location.search).has('bench')) Object.assign(window, { plenaryBenchView: view });

  const title = element<HTMLTextAreaElement>('report-title');
  bindTitleField(title, doc, () => view.focus(), (text) => {
    document.title = text ? `${text} — Plenary` : 'Plenary';
  });

  api.onEvent((event) => {
    if (event.type === 'menu') commands?.run(event.command);
  });
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    view.focus();
  });

  api.request('currentReport').then(
    (summary) => status.showPath(summary.path),
    (error: unknown) => status.alert((error as Error).message),
  );
}

start().catch((error: unknown) => {
  const message = `Plenary could not open the report: ${error instanceof Error ? error.message : String(error)}`;
  const alerts = document.getElementById('alerts');
  if (alerts) alerts.textContent = message;
  console.error(error);
});
