/**
 * Puts the heatmap beside the editor: a "Heatmap" button in the header (aria-pressed)
 * and Mod-Shift-H switch between the report and the dashboard. A cell opens the report
 * at its paragraph (or section heading) with the stances panel open.
 *
 * Opening the panel: the heatmap fires `plenary:open-stance-panel` (a cancelable
 * CustomEvent on document, detail `{ blockId }`) for the endorsements UI to handle and
 * cancel; until that listener exists, it puts the caret in the block and sends the
 * panel's own shortcut (Alt-Enter), so there is one panel, never a second.
 */
import type * as Y from 'yjs';
import type { EditorView } from 'prosemirror-view';
import { TextSelection } from 'prosemirror-state';
import type { ConsensusEngine } from '../../shared/consensus/engine.ts';
import type { PlenaryApi } from '../../shared/api.ts';
import { Me } from '../endorsements/live-consensus.ts';
import { HeatmapView } from './heatmap-view.ts';
import '../styles/heatmap.css';

export const OPEN_PANEL_EVENT = 'plenary:open-stance-panel';

export interface HeatmapMount {
  view: HeatmapView;
  show(): void;
  hide(): void;
  toggle(): void;
}

function blockPosition(view: EditorView, blockId: string): number | null {
  let found: number | null = null;
  view.state.doc.descendants((node, pos) => {
    if (found !== null) return false;
    if (node.attrs.id === blockId) {
      found = pos;
      return false;
    }
    return node.type.name === 'bullet_list' || node.type.name === 'ordered_list' || node.type.name === 'list_item' || node.type.name === 'blockquote';
  });
  return found;
}

export function mountHeatmap(options: {
  doc: Y.Doc;
  editor: EditorView;
  engine: ConsensusEngine;
  api: PlenaryApi;
  report: (message: string) => void;
}): HeatmapMount {
  const me = new Me(options.doc, options.api, options.report);
  const { editor } = options;
  const reportElement = document.getElementById('report');
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'open-heatmap';
  button.className = 'header-button heatmap-button';
  button.textContent = 'Heatmap';
  button.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-keyshortcuts', 'Control+Shift+H Meta+Shift+H');
  button.title = 'Consensus heatmap (Ctrl+Shift+H)';

  const openBlock = (blockId: string): void => {
    hide();
    const pos = blockPosition(editor, blockId);
    if (pos === null) {
      options.report('That paragraph is no longer in the report.');
      return;
    }
    const $pos = editor.state.doc.resolve(Math.min(pos + 1, editor.state.doc.content.size));
    editor.dispatch(editor.state.tr.setSelection(TextSelection.near($pos)).scrollIntoView());
    editor.focus();
    editor.dom.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`)?.scrollIntoView({ block: 'center' });
    const event = new CustomEvent(OPEN_PANEL_EVENT, { detail: { blockId }, cancelable: true });
    document.dispatchEvent(event);
    if (!event.defaultPrevented) {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', altKey: true, bubbles: true, cancelable: true }));
    }
  };

  const view = new HeatmapView({ doc: options.doc, engine: options.engine, isChair: () => me.isChair(), openBlock, report: options.report });
  (reportElement?.parentElement ?? document.body).insertBefore(view.element, reportElement?.nextSibling ?? null);

  function show(): void {
    if (view.isVisible) return;
    document.body.dataset.view = 'heatmap';
    if (reportElement) reportElement.hidden = true;
    button.setAttribute('aria-pressed', 'true');
    view.show();
    view.focusGrid();
  }

  function hide(): void {
    if (!view.isVisible) return;
    delete document.body.dataset.view;
    view.hide();
    if (reportElement) reportElement.hidden = false;
    button.setAttribute('aria-pressed', 'false');
  }

  const toggle = (): void => {
    if (view.isVisible) {
      hide();
      editor.focus();
    } else {
      show();
    }
  };
  button.addEventListener('click', toggle);
  document.querySelector('.toolbar-row')?.append(button);
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.code === 'KeyH') {
      event.preventDefault();
      toggle();
    } else if (event.key === 'Escape' && view.isVisible && !event.defaultPrevented) {
      hide();
      editor.focus();
    }
  }, true);
  const mount = { view, show, hide, toggle };
  // test/bench/heatmap-bench.ts times the view; only a `?bench` page exposes it.
  if (new URLSearchParams(location.search).has('bench')) Object.assign(window, { plenaryHeatmap: mount });
  return mount;
}
