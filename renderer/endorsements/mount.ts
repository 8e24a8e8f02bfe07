/**
 * Mounts everything about stances and the roster on the editor: the gutter, the
 * paragraph panel, the roster view (a header button), the status bar figures, and the
 * keyboard:
 *
 *   Alt-Enter        open the stances panel of the block at the caret
 *   Alt-Shift-R      open the roster
 *   Escape           close the panel (focus back to the editor at the caret)
 */
import type * as Y from 'yjs';
import type { EditorView } from 'prosemirror-view';
import type { PlenaryApi } from '../../shared/api.ts';
import { LiveConsensus, Me } from './live-consensus.ts';
import { StanceGutter } from './gutter.ts';
import { StancePanel } from './panel.ts';
import { ReadinessStatus } from './readiness-status.ts';
import { RosterView } from '../roster/roster-view.ts';
import { afterDispatch } from '../editor/after-dispatch.ts';
import { politeRegion } from '../ui/live-region.ts';

export interface EndorsementUi {
  live: LiveConsensus;
  /** Call after every editor transaction. */
  update(view: EditorView): void;
}

/**
 * The id of the endorsable block at the caret: a top-level block, or the item of a
 * top-level list. Read from the DOM selection first: right after a click, ProseMirror
 * may not have read the new selection yet.
 */
export function blockAtCaret(view: EditorView): string | null {
  const anchor = document.getSelection()?.anchorNode ?? null;
  const start = anchor instanceof Element ? anchor : anchor?.parentElement ?? null;
  if (start && view.dom.contains(start)) {
    const top = start.closest('.ProseMirror > *');
    if (top instanceof HTMLElement && top.parentElement === view.dom) {
      if (top.tagName === 'UL' || top.tagName === 'OL') {
        let item: Element | null = start.closest('li');
        while (item && item.parentElement !== top) item = item.parentElement?.closest('li') ?? null;
        if (item instanceof HTMLElement && item.dataset.blockId) return item.dataset.blockId;
      } else if (top.dataset.blockId) {
        return top.dataset.blockId;
      }
    }
  }
  const { $from } = view.state.selection;
  let found: string | null = null;
  for (let depth = 1; depth <= $from.depth; depth++) {
    const node = $from.node(depth);
    const id = node.attrs.id;
    if (typeof id !== 'string') continue;
    if (depth === 1 || (node.type.name === 'list_item' && depth === 2)) found = id;
  }
  return found;
}

function announcer(): (text: string) => void {
  const region = politeRegion();
  document.body.append(region);
  return (text) => {
    region.textContent = text;
  };
}

export function mountEndorsements(doc: Y.Doc, view: EditorView, api: PlenaryApi, report: (message: string) => void): EndorsementUi {
  const live = new LiveConsensus(doc, view.state.doc);
  const me = new Me(doc, api, report);
  const announce = announcer();
  const roster = new RosterView(doc, me, api, live, announce);
  const panel = new StancePanel(live, me, api, view, () => roster.open(), announce);
  const host = view.dom.parentElement as HTMLElement;
  host.closest('.report')?.classList.add('with-stance-gutter');
  const gutter = new StanceGutter(host, view, live, (id) => panel.open(id));
  panel.onOpenChange = (id) => gutter.markOpen(id);

  const rosterButton = document.createElement('button');
  rosterButton.type = 'button';
  rosterButton.className = 'header-button';
  rosterButton.id = 'open-roster';
  rosterButton.textContent = 'Roster';
  rosterButton.setAttribute('aria-keyshortcuts', 'Alt+Shift+R');
  rosterButton.title = 'Members and consensus rule (Alt+Shift+R)';
  rosterButton.addEventListener('click', () => roster.open());
  document.querySelector('.toolbar-row')?.append(rosterButton);

  const footer = document.querySelector<HTMLElement>('.status-line');
  if (footer) new ReadinessStatus(footer, live, () => roster.open());

  view.dom.setAttribute('aria-keyshortcuts', 'Alt+Enter');
  document.addEventListener('keydown', (event) => {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.key === 'Enter' && view.hasFocus()) {
      const id = blockAtCaret(view);
      if (id) {
        event.preventDefault();
        panel.open(id);
      }
    } else if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyR') {
      event.preventDefault();
      roster.open();
    }
  }, true);

  let lastDoc = view.state.doc;
  const placeGutter = (): void => gutter.schedule();
  return {
    live,
    update: (editor) => {
      // Selection-only transactions move no block: nothing to recount or re-place.
      if (editor.state.doc === lastDoc) return;
      lastDoc = editor.state.doc;
      live.update(lastDoc);
      // Out of the keystroke's dispatch too, after the re-read (queued first).
      afterDispatch(placeGutter);
    },
  };
}
