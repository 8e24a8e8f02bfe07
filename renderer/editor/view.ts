/**
 * The report editor: a ProseMirror view bound to the renderer's Y.Doc with y-prosemirror
 * (the body fragment), undo/redo per user (Yjs's UndoManager through yUndoPlugin), the
 * paragraph-identity plugin, keymap and input rules (shared/editor), margin numbers and
 * the paste rules.
 */
import { EditorState, type Plugin, type Transaction } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { dropCursor } from 'prosemirror-dropcursor';
import { gapCursor } from 'prosemirror-gapcursor';
import { initProseMirrorDoc, ySyncPlugin, yUndoPlugin } from 'y-prosemirror';
import type * as Y from 'yjs';
import { schema } from '../../shared/schema.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { editorPlugins, type EditorDeps } from '../../shared/editor/index.ts';
import { blockIdPlugin } from '../../shared/block-ids.ts';
import { numberingPlugin } from './numbering-view.ts';
import { blockViews } from './block-views.ts';
import { blockWindowPlugin, isRenderedBlock, windowKeys } from './block-window.ts';
import { keymap } from 'prosemirror-keymap';
import { presencePlugin } from './presence.ts';
import type { Awareness } from 'y-protocols/awareness';
import { keepPastedHeadings, refuseOversizedClipboard, refuseOversizedPaste, tidyPastedHtml } from './paste.ts';

export interface EditorOptions {
  doc: Y.Doc;
  mount: HTMLElement;
  /** Called after every state change (toolbar, status). */
  onUpdate: (view: EditorView) => void;
  /** Shows a message to the user (paste refused…). */
  report: (message: string) => void;
  /** Undo/redo (Yjs's) and the link dialog. */
  deps: EditorDeps;
  /** Other people's carets and selections (presence.ts). */
  awareness: Awareness;
  /**
   * The editor could not show a change to the report, even drawn afresh: it now takes
   * no input and writes nothing (its old view would undo the change on every copy).
   */
  onUnshownChange: () => void;
}

export function createEditor(options: EditorOptions): EditorView {
  const fragment = bodyOf(options.doc);
  const { doc, mapping } = initProseMirrorDoc(fragment, schema);
  const plugins: Plugin[] = [
    ySyncPlugin(fragment, { mapping, onUnshownChange: options.onUnshownChange }),
    yUndoPlugin(),
    ...editorPlugins(options.deps),
    blockIdPlugin(),
    dropCursor({ color: '#1a66d2', width: 2 }),
    gapCursor(),
    numberingPlugin(),
    blockWindowPlugin(),
    keymap(windowKeys),
    // Every plugin is here from the start: reconfiguring later would destroy the undo manager.
    presencePlugin(options.awareness),
  ];
  const state = EditorState.create({ schema, doc, plugins });
  const view: EditorView = new EditorView(options.mount, {
    state,
    nodeViews: blockViews(isRenderedBlock),
    attributes: {
      role: 'textbox',
      'aria-multiline': 'true',
      'aria-label': 'Report text',
      spellcheck: 'true',
      lang: 'en',
    },
    // The caret stays clear of the sticky toolbar (top) and status line (bottom).
    scrollMargin: { top: 72, bottom: 56, left: 5, right: 5 },
    scrollThreshold: { top: 72, bottom: 56, left: 0, right: 0 },
    transformPastedHTML: tidyPastedHtml,
    transformPasted: keepPastedHeadings,
    handlePaste: refuseOversizedPaste(options.report),
    handleDOMEvents: { paste: refuseOversizedClipboard(options.report) },
    dispatchTransaction(transaction: Transaction) {
      view.updateState(view.state.apply(transaction));
      options.onUpdate(view);
    },
  });
  return view;
}
