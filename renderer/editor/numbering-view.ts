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
import { numberBlocks, sameNumberingRole, type NumberedBlock } from '../../shared/numbering.ts';
import { changesInlineOnly } from '../../shared/block-ids.ts';

import { NUMBER_ATTRIBUTE } from './block-views.ts';
import { blockWindowKey, renderedBlocks, topLevelElement } from './block-window.ts';

export { NUMBER_ATTRIBUTE };

export const numberingKey = new PluginKey<number>('plenary-numbering');

function setLabel(dom: Node | null, label: string | null): void {
  if (!(dom instanceof HTMLElement)) return;
  if (label === null) {
    if (dom.hasAttribute(NUMBER_ATTRIBUTE)) dom.removeAttribute(NUMBER_ATTRIBUTE);
  } else if (dom.getAttribute(NUMBER_ATTRIBUTE) !== label) {
    dom.setAttribute(NUMBER_ATTRIBUTE, label);
  }
}

/**
 * The top-level indices [from, to) outside which `doc` shares every block with `previous`,
 * when the two number alike; null when the numbering may differ. Typing changes one
 * block, so this compares node identities and checks the changed blocks only.
 */
function changedBlocks(previous: PMNode, doc: PMNode): { from: number; to: number } | null {
  const count = doc.childCount;
  if (count !== previous.childCount) return null;
  let from = 0;
  while (from < count && doc.child(from) === previous.child(from)) from++;
  let to = count;
  while (to > from && doc.child(to - 1) === previous.child(to - 1)) to--;
  for (let i = from; i < to; i++) if (!sameNumberingRole(previous.child(i), doc.child(i))) return null;
  return { from, to };
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
    const renderedChanged = blockWindowKey.getState(previous)?.live !== blockWindowKey.getState(view.state)?.live;
    if (previous.doc !== doc && numberingKey.getState(previous) !== numberingKey.getState(view.state)) {
      const changed = changedBlocks(previous.doc, doc);
      if (!changed) {
        this.relabelAll(view);
        return;
      }
      // Same numbering: only blocks this transaction replaced may have fresh DOM.
      for (let i = changed.from; i < changed.to; i++) {
        if (doc.child(i) !== previous.doc.child(i)) setLabel(topLevelElement(view, doc, i) ?? null, this.labels[i] ?? null);
      }
    }
    // Blocks that have just been rendered have fresh DOM.
    if (renderedChanged) this.relabelRendered(view);
  }

  /**
   * New numbers for every block, written to the rendered ones: a placeholder shows no
   * number, and a block gets its label when it is rendered (relabelRendered). In a long
   * report an Enter renumbers thousands of blocks; writing them all cost ~30 ms and
   * thousands of mutation records and style invalidations.
   */
  private relabelAll(view: EditorView): void {
    const doc = view.state.doc;
    this.labels = labelsByIndex(doc, numberBlocks(doc));
    this.relabelRendered(view);
  }

  private relabelRendered(view: EditorView): void {
    const doc = view.state.doc;
    // By index, not view.nodeDOM(pos): that walks the blocks before pos, once per block.
    for (const i of renderedBlocks(view.state)) {
      if (i < doc.childCount) setLabel(topLevelElement(view, doc, i) ?? null, this.labels[i] ?? null);
    }
  }

  /** The label the margin shows for the top-level block at `index`. */
  labelAt(index: number): string | null {
    return this.labels[index] ?? null;
  }
}

/**
 * The plugin's state counts the transactions that may have changed a block's type or
 * attributes (anything but typing inside a paragraph). While the count stands, the
 * numbering stands, and so does every block's DOM with its label: a block view keeps
 * its element when only its text changed (block-views.ts).
 */
export function numberingPlugin(): Plugin<number> {
  return new Plugin<number>({
    key: numberingKey,
    state: {
      init: () => 0,
      apply: (tr, structuralChanges) => (tr.docChanged && !changesInlineOnly(tr) ? structuralChanges + 1 : structuralChanges),
    },
    view: (view) => new NumberingView(view),
  });
}
