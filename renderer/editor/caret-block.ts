/**
 * Keeps the top-level block that holds the selection out of `content-visibility: auto`.
 *
 * Top-level blocks skip layout and paint while off screen (report.css; DESIGN.md's
 * measurements). A block that a transaction has just created — an input rule wrapping a
 * paragraph in a list, say — is "skipped" until Chromium's next rendering update decides
 * it is on screen; ProseMirror puts the DOM selection into it before that, the
 * selection does not take, and the next keystroke is read from the DOM at the old place,
 * outside the new block (measured: "- " then typing left an empty list and the text
 * below it in 1 of 4 runs). Marking the caret's block `caret-block` (report.css makes it
 * `content-visibility: visible`) renders it at once.
 *
 * One node decoration in the whole set, so DecorationSet.forChild stays O(1) per block
 * (a decoration in every block would cost O(N²) per keystroke).
 */
import { Plugin } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { EditorState } from 'prosemirror-state';

export const CARET_BLOCK_CLASS = 'caret-block';

function caretBlockDecorations(state: EditorState): DecorationSet {
  const { $head } = state.selection;
  if ($head.depth < 1) return DecorationSet.empty;
  const start = $head.before(1);
  const node = state.doc.nodeAt(start);
  if (!node) return DecorationSet.empty;
  return DecorationSet.create(state.doc, [Decoration.node(start, start + node.nodeSize, { class: CARET_BLOCK_CLASS })]);
}

export function caretBlockPlugin(): Plugin {
  return new Plugin({
    props: { decorations: caretBlockDecorations },
  });
}
