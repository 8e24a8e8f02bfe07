/**
 * UN paragraph numbers in the margin (shared/numbering.ts), computed, never stored.
 *
 * No decorations: a widget per block costs O(N²) per keystroke through
 * DecorationSet.forChild (DESIGN.md). Instead a plugin view writes the label into a
 * `data-num` attribute of each numbered top-level block's DOM node, and CSS draws it
 * with `::before { content: attr(data-num) }`. Labels are recomputed only when the
 * block structure changed (`sameNumbering`); otherwise only the blocks a transaction
 * replaced are checked, in case ProseMirror redrew their DOM.
 *
 * Blocks far from the viewport are placeholders (block-window.ts); when they are
 * rendered again — a transaction that changes which blocks are rendered but not the
 * document — their fresh DOM gets its label here too. block-views.ts tells ProseMirror
 * that `data-num` changes are ours, not the user's editing.
 */
import { Plugin, PluginKey } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';
import type { EditorState } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { numberBlocks, sameNumbering, type NumberedBlock } from '../../shared/numbering.ts';

import { NUMBER_ATTRIBUTE } from './block-views.ts';
import { blockWindowKey, renderedBlocks } from './block-window.ts';

export { NUMBER_ATTRIBUTE };

export const numberingKey = new PluginKey('plenary-numbering');

function setLabel(dom: Node | null, label: string | null): void {
  if (!(dom instanceof HTMLElement)) return;
  if (label === null) {
    if (dom.hasAttribute(NUMBER_ATTRIBUTE)) dom.removeAttribute(NUMBER_ATTRIBUTE);
  } else if (dom.getAttribute(NUMBER_ATTRIBUTE) !== label) {
    dom.setAttribute(NUMBER_ATTRIBUTE, label);
  }
}

/** Labels by top-level index (null where a block is not numbered). */
function labelsByIndex(doc: PMNode, blocks: NumberedBlock[]): (string | null)[] {
  const labels: (string | null)[] = new Array<string | null>(doc.childCount).fill(null);
  for (const block of blocks) labels[block.index] = block.label;
  return labels;
}

class NumberingView {
  private labels: (string | null)[] = [];

  constructor(view: EditorView) {
    this.relabelAll(view);
  }

  update(view: EditorView, previous: EditorState): void {
    const doc = view.state.doc;
    if (previous.doc === doc) {
      if (blockWindowKey.getState(previous)?.live !== blockWindowKey.getState(view.state)?.live) this.relabelRendered(view);
      return;
    }
    if (!sameNumbering(previous.doc, doc)) {
      this.relabelAll(view);
      return;
    }
    // Same structure: only blocks this transaction replaced may have fresh DOM.
    let pos = 0;
    for (let i = 0; i < doc.childCount; i++) {
      const child = doc.child(i);
      if (child !== previous.doc.child(i)) setLabel(view.nodeDOM(pos), this.labels[i] ?? null);
      pos += child.nodeSize;
    }
  }

  private relabelAll(view: EditorView): void {
    const doc = view.state.doc;
    this.labels = labelsByIndex(doc, numberBlocks(doc));
    let pos = 0;
    for (let i = 0; i < doc.childCount; i++) {
      setLabel(view.nodeDOM(pos), this.labels[i] ?? null);
      pos += doc.child(i).nodeSize;
    }
  }

  private relabelRendered(view: EditorView): void {
    const doc = view.state.doc;
    const rendered = renderedBlocks(view.state);
    let pos = 0;
    let k = 0;
    for (let i = 0; i < doc.childCount && k < rendered.length; i++) {
      if (i === rendered[k]) {
        setLabel(view.nodeDOM(pos), this.labels[i] ?? null);
        k++;
      }
      pos += doc.child(i).nodeSize;
    }
  }

  /** The label the margin shows for the top-level block at `index`. */
  labelAt(index: number): string | null {
    return this.labels[index] ?? null;
  }
}

export function numberingPlugin(): Plugin {
  return new Plugin({ key: numberingKey, view: (view) => new NumberingView(view) });
}
