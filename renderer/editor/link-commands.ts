/**
 * Links in the editor: reading the link at the selection and setting or removing it over
 * the selection (or, with an empty selection, over the whole link the caret is in). The
 * href has been checked by the link dialog; the schema checks it again when rendering.
 */
import type { EditorState, Transaction } from 'prosemirror-state';
import type { MarkType } from 'prosemirror-model';
import { schema } from '../../shared/schema.ts';

const link: MarkType = schema.marks.link!;

/** The extent of the link mark around `pos`, if the caret is inside one. */
function linkRangeAt(state: EditorState, pos: number): { from: number; to: number; href: string } | null {
  const $pos = state.doc.resolve(pos);
  const parent = $pos.parent;
  const start = $pos.start();
  let index = $pos.index();
  // At the end of a link the caret's index points past it; look one back.
  if (index > 0 && (index >= parent.childCount || !link.isInSet(parent.child(index).marks))) {
    const before = parent.child(index - 1);
    if (link.isInSet(before.marks) && $pos.textOffset === 0) index -= 1;
  }
  if (index >= parent.childCount) return null;
  const mark = link.isInSet(parent.child(index).marks);
  if (!mark) return null;
  let from = start;
  for (let i = 0; i < index; i++) from += parent.child(i).nodeSize;
  let to = from + parent.child(index).nodeSize;
  let first = index;
  while (first > 0 && mark.isInSet(parent.child(first - 1).marks)) {
    first--;
    from -= parent.child(first).nodeSize;
  }
  for (let i = index + 1; i < parent.childCount && mark.isInSet(parent.child(i).marks); i++) to += parent.child(i).nodeSize;
  return { from, to, href: mark.attrs.href as string };
}

/** The href of the link at the selection, or null. */
export function currentLink(state: EditorState): string | null {
  const { from, to, empty } = state.selection;
  if (empty) return linkRangeAt(state, from)?.href ?? null;
  let href: string | null = null;
  state.doc.nodesBetween(from, to, (node) => {
    const mark = link.isInSet(node.marks);
    if (mark && href === null) href = mark.attrs.href as string;
  });
  return href;
}

/** True when the selection can take a link (some text selected, or the caret in a link). */
export function canLink(state: EditorState): boolean {
  const { from, empty } = state.selection;
  return !empty || linkRangeAt(state, from) !== null;
}

export function setLink(state: EditorState, href: string | null): Transaction | null {
  const { from, to, empty } = state.selection;
  const range = empty ? linkRangeAt(state, from) : { from, to };
  if (!range) return null;
  const tr = state.tr.removeMark(range.from, range.to, link);
  if (href !== null) tr.addMark(range.from, range.to, link.create({ href }));
  return tr.scrollIntoView();
}
