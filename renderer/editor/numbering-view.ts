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
 * Top-level paragraphs and headings get a thin node view whose only job is to tell
 * ProseMirror that a `data-num` change is ours, not the user's editing — otherwise
 * every label write would be read back as a DOM change and re-parsed.
 */
import { Plugin, PluginKey } from 'prosemirror-state';
import { DOMSerializer, type Node as PMNode } from 'prosemirror-model';
import type { EditorView, NodeView, ViewMutationRecord } from 'prosemirror-view';
import { numberBlocks, sameNumbering, type NumberedBlock } from '../../shared/numbering.ts';

export const NUMBER_ATTRIBUTE = 'data-num';

export const numberingKey = new PluginKey('plenary-numbering');

/** Renders a paragraph or heading as its schema does, but lets us label it. */
class LabelledBlockView implements NodeView {
  dom: HTMLElement;
  contentDOM: HTMLElement;
  private node: PMNode;

  constructor(node: PMNode) {
    this.node = node;
    const spec = node.type.spec.toDOM!(node);
    const rendered = DOMSerializer.renderSpec(document, spec);
    this.dom = rendered.dom as HTMLElement;
    this.contentDOM = (rendered.contentDOM ?? rendered.dom) as HTMLElement;
  }

  update(node: PMNode): boolean {
    const same = node.type === this.node.type && node.attrs.id === this.node.attrs.id && node.attrs.level === this.node.attrs.level;
    if (same) this.node = node;
    return same;
  }

  ignoreMutation(mutation: ViewMutationRecord): boolean {
    return mutation.type === 'attributes' && mutation.attributeName === NUMBER_ATTRIBUTE;
  }
}

export const labelledBlockViews = {
  paragraph: (node: PMNode) => new LabelledBlockView(node),
  heading: (node: PMNode) => new LabelledBlockView(node),
};

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

  update(view: EditorView, previous: { doc: PMNode }): void {
    const doc = view.state.doc;
    if (previous.doc === doc) return;
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

  /** The label the margin shows for the top-level block at `index`. */
  labelAt(index: number): string | null {
    return this.labels[index] ?? null;
  }
}

export function numberingPlugin(): Plugin {
  return new Plugin({ key: numberingKey, view: (view) => new NumberingView(view) });
}
