/**
 * Node views for the report's blocks: a top-level block is either rendered ("live", as
 * its schema draws it) or a placeholder — an empty, non-editable element that stands for
 * it while it is far from the viewport (block-window.ts decides which; a view asks it
 * when built and whenever ProseMirror updates it). Blocks inside lists and quotes are
 * always rendered with their parent.
 *
 * Rendered paragraphs and headings also carry the margin number in `data-num`
 * (numbering-view.ts); the view tells ProseMirror that this attribute is ours, not the
 * user's editing — otherwise every label write would be read back as a DOM change.
 */
import { DOMSerializer, type Node as PMNode } from 'prosemirror-model';
import type { EditorState } from 'prosemirror-state';
import type { EditorView, NodeView, ViewMutationRecord } from 'prosemirror-view';

export const NUMBER_ATTRIBUTE = 'data-num';
export const PLACEHOLDER_CLASS = 'block-placeholder';
/** Whether a top-level block is to be rendered now. */
export type RenderedTest = (state: EditorState, node: PMNode) => boolean;

const topLevelStarts = new WeakMap<PMNode, Set<number>>();

/** Whether `pos` is the start of a top-level block of `doc` (one pass per document, on demand). */
function isTopLevel(doc: PMNode, pos: number): boolean {
  let starts = topLevelStarts.get(doc);
  if (!starts) {
    starts = new Set();
    let offset = 0;
    for (let i = 0; i < doc.childCount; i++) {
      starts.add(offset);
      offset += doc.child(i).nodeSize;
    }
    topLevelStarts.set(doc, starts);
  }
  return starts.has(pos);
}

class BlockView implements NodeView {
  dom: HTMLElement;
  contentDOM?: HTMLElement;
  private node: PMNode;
  /** Nested blocks are rendered by their parent's view and never become placeholders. */
  private readonly windowed: boolean;
  private readonly live: boolean;
  private readonly view: EditorView;
  private readonly rendered: RenderedTest;

  constructor(node: PMNode, view: EditorView, getPos: () => number | undefined, rendered: RenderedTest) {
    this.node = node;
    this.view = view;
    this.rendered = rendered;
    this.live = rendered(view.state, node);
    const pos = getPos();
    this.windowed = this.live || (pos !== undefined && isTopLevel(view.state.doc, pos));
    if (this.live || !this.windowed) {
      const rendered = DOMSerializer.renderSpec(document, node.type.spec.toDOM!(node));
      this.dom = rendered.dom as HTMLElement;
      this.contentDOM = (rendered.contentDOM ?? rendered.dom) as HTMLElement;
    } else {
      this.dom = document.createElement('div');
      this.dom.className = PLACEHOLDER_CLASS;
      const id = node.attrs.id as string | undefined;
      if (id) this.dom.dataset.blockId = id;
      this.dom.setAttribute('aria-hidden', 'true');
    }
  }

  get isPlaceholder(): boolean {
    return this.contentDOM === undefined;
  }

  update(node: PMNode): boolean {
    if (node.type !== this.node.type) return false;
    if (this.windowed && this.rendered(this.view.state, node) !== this.live) return false;
    // A placeholder shows nothing of its content; a rendered block redraws itself when
    // its id, level or list start changes (they are in its DOM attributes).
    if (!this.isPlaceholder && !node.sameMarkup(this.node)) return false;
    this.node = node;
    return true;
  }

  ignoreMutation(mutation: ViewMutationRecord): boolean {
    if (this.isPlaceholder) return true;
    return mutation.type === 'attributes' && mutation.target === this.dom && mutation.attributeName === NUMBER_ATTRIBUTE;
  }
}

/** The node views of every block type that can stand at the top level of a report. */
export function blockViews(rendered: RenderedTest): Record<string, (node: PMNode, view: EditorView, getPos: () => number | undefined) => NodeView> {
  const view = (node: PMNode, editor: EditorView, getPos: () => number | undefined): NodeView => new BlockView(node, editor, getPos, rendered);
  return { paragraph: view, heading: view, blockquote: view, bullet_list: view, ordered_list: view };
}
