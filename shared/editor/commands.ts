/**
 * Editing commands bound to the report schema: pure ProseMirror, no DOM.
 *
 * Exports (stable): `toggleBold`, `toggleItalic`, `setHeading(level)`, `setParagraph`,
 * `toggleBulletList`, `toggleOrderedList`, `toggleBlockquote`, `setLink(href)`,
 * `removeLink`, `checkLinkHref(raw)`, `insertHardBreak`, `splitListItemCommand`,
 * `sinkListItemCommand`, `liftListItemCommand`, and `commandFor(menuCommand, deps)`,
 * which maps the menu's `MenuCommand` names (shared/api.ts) to commands.
 *
 * Changing a block's type keeps its `id` (setBlockType would drop it, and the identity
 * plugin would then hand out a fresh one, orphaning the endorsements): turning a paragraph
 * into a heading is an edit of that paragraph, not a new one. Wrapping in a list or quote
 * creates new wrapper nodes (fresh ids) and leaves the wrapped paragraphs' ids alone.
 *
 * Undo and redo come from y-prosemirror (`undo`/`redo` over its UndoManager, per user), not
 * prosemirror-history, so they are passed in as `EditorDeps`.
 */
import { lift, toggleMark, wrapIn } from 'prosemirror-commands';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import type { Attrs, Node as PMNode, NodeType } from 'prosemirror-model';
import { TextSelection, type Command, type EditorState } from 'prosemirror-state';
import type { MenuCommand } from '../api.ts';
import { sanitizeHref } from '../links.ts';
import { HEADING_LEVELS, schema } from '../schema.ts';

const nodes = schema.nodes;
const marks = schema.marks;

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`The report schema has no ${name}.`);
  return value;
}
const paragraphType = required(nodes.paragraph, 'paragraph');
const headingType = required(nodes.heading, 'heading');
const bulletListType = required(nodes.bullet_list, 'bullet_list');
const orderedListType = required(nodes.ordered_list, 'ordered_list');
const listItemType = required(nodes.list_item, 'list_item');
const blockquoteType = required(nodes.blockquote, 'blockquote');
const hardBreakType = required(nodes.hard_break, 'hard_break');
const strongType = required(marks.strong, 'strong');
const emType = required(marks.em, 'em');
const linkType = required(marks.link, 'link');

/** What the editor gets from outside: y-prosemirror's undo/redo and the link dialog. */
export interface EditorDeps {
  undo: Command;
  redo: Command;
  /**
   * Called by the link command (Mod-k, menu) when the selection has no link: the renderer
   * asks for an address and then dispatches `setLink(href)`. Without it the command is off.
   */
  requestLink?: (state: EditorState) => void;
}

export const toggleBold: Command = toggleMark(strongType);
export const toggleItalic: Command = toggleMark(emType);

/**
 * Turns the selected textblocks into `type` with `attrs`, keeping each block's id.
 * Applicable when at least one selected textblock can become that type and is not already.
 */
function setTextblockKeepingId(type: NodeType, attrs: Attrs = {}): Command {
  const attrsFor = (node: PMNode): Attrs => ({ ...attrs, id: node.attrs.id as unknown });
  return (state, dispatch) => {
    let applicable = false;
    for (const range of state.selection.ranges) {
      state.doc.nodesBetween(range.$from.pos, range.$to.pos, (node, pos) => {
        if (applicable) return false;
        if (!node.isTextblock) return true;
        if (node.hasMarkup(type, attrsFor(node))) return false;
        if (node.type === type) applicable = true;
        else {
          const $pos = state.doc.resolve(pos);
          const index = $pos.index();
          applicable = $pos.parent.canReplaceWith(index, index + 1, type);
        }
        return false;
      });
      if (applicable) break;
    }
    if (!applicable) return false;
    if (dispatch) {
      const tr = state.tr;
      for (const range of state.selection.ranges) tr.setBlockType(range.$from.pos, range.$to.pos, type, attrsFor);
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

export const setParagraph: Command = setTextblockKeepingId(paragraphType);

/** Heading of `level` (1–4); on a heading of that level already, back to a paragraph. */
export function setHeading(level: number): Command {
  if (!Number.isInteger(level) || level < 1 || level > HEADING_LEVELS) {
    throw new RangeError(`Heading level must be 1 to ${HEADING_LEVELS}, not ${level}.`);
  }
  const toHeading = setTextblockKeepingId(headingType, { level });
  return (state, dispatch) => {
    const { $from } = state.selection;
    if ($from.parent.type === headingType && $from.parent.attrs.level === level) return setParagraph(state, dispatch);
    return toHeading(state, dispatch);
  };
}

/** The innermost list around the selection, if any: its type, position and node. */
function enclosingList(state: EditorState): { node: PMNode; pos: number } | null {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) {
    const node = $from.node(d);
    if (node.type === bulletListType || node.type === orderedListType) return { node, pos: $from.before(d) };
  }
  return null;
}

/** In a list of this type: lift out of it; in the other kind: switch kind; else wrap. */
function toggleList(listType: NodeType): Command {
  return (state, dispatch) => {
    const list = enclosingList(state);
    if (!list) return wrapInList(listType)(state, dispatch);
    if (list.node.type === listType) return liftListItem(listItemType)(state, dispatch);
    if (dispatch) dispatch(state.tr.setNodeMarkup(list.pos, listType).scrollIntoView());
    return true;
  };
}

export const toggleBulletList: Command = toggleList(bulletListType);
export const toggleOrderedList: Command = toggleList(orderedListType);

function insideQuote(state: EditorState): boolean {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type === blockquoteType) return true;
  return false;
}

/** Quote the selected blocks, or lift them out of the quote they are in. */
export const toggleBlockquote: Command = (state, dispatch) =>
  insideQuote(state) ? lift(state, dispatch) : wrapIn(blockquoteType)(state, dispatch);

/** A line break inside the paragraph (Shift-Enter). */
export const insertHardBreak: Command = (state, dispatch) => {
  if (!state.selection.$from.parent.inlineContent) return false;
  if (dispatch) dispatch(state.tr.replaceSelectionWith(hardBreakType.create()).scrollIntoView());
  return true;
};

export const splitListItemCommand: Command = splitListItem(listItemType);
export const sinkListItemCommand: Command = sinkListItem(listItemType);
export const liftListItemCommand: Command = liftListItem(listItemType);

/** The checked form of a link address, or the reason it is refused (for the dialog). */
export function checkLinkHref(raw: string): { href: string } | { error: string } {
  if (!raw.trim()) return { error: 'Enter a web address (https://…) or an e-mail address (mailto:…).' };
  const href = sanitizeHref(raw);
  if (href) return { href };
  return { error: 'A link may only point to a web page (http:// or https://) or an e-mail address (mailto:).' };
}

/**
 * Links the selection to `href`; with an empty selection, inserts the address itself as
 * linked text. Refuses (returns false, changes nothing) any address `sanitizeHref` refuses.
 */
export function setLink(href: string, title: string | null = null): Command {
  const clean = sanitizeHref(href);
  return (state, dispatch) => {
    if (!clean) return false;
    const { from, to, empty } = state.selection;
    if (empty && !state.selection.$from.parent.inlineContent) return false;
    if (dispatch) {
      const tr = state.tr;
      const mark = linkType.create({ href: clean, title });
      if (empty) {
        tr.insert(from, schema.text(clean, [mark, ...state.selection.$from.marks().filter((m) => m.type !== linkType)]));
        tr.setSelection(TextSelection.create(tr.doc, from + clean.length));
      } else {
        tr.removeMark(from, to, linkType).addMark(from, to, mark);
      }
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/** The range of the link around the cursor, or the selection's links. */
function linkRange(state: EditorState): { from: number; to: number } | null {
  const { $from, from, to, empty } = state.selection;
  if (!empty) return state.doc.rangeHasMark(from, to, linkType) ? { from, to } : null;
  const parent = $from.parent;
  const mark = linkType.isInSet($from.marks()) ?? linkType.isInSet($from.nodeAfter?.marks ?? []);
  if (!mark) return null;
  // Grow over the adjacent text carrying the same link.
  let start = $from.index();
  let end = start;
  while (start > 0 && mark.isInSet(parent.child(start - 1).marks)) start--;
  while (end < parent.childCount && mark.isInSet(parent.child(end).marks)) end++;
  let pos = $from.start();
  let rangeFrom = pos;
  for (let i = 0; i < end; i++) {
    if (i === start) rangeFrom = pos;
    pos += parent.child(i).nodeSize;
  }
  return { from: rangeFrom, to: pos };
}

export const removeLink: Command = (state, dispatch) => {
  const range = linkRange(state);
  if (!range) return false;
  if (dispatch) dispatch(state.tr.removeMark(range.from, range.to, linkType));
  return true;
};

/** True when the cursor or selection is on a link. */
export function linkActive(state: EditorState): boolean {
  return linkRange(state) !== null;
}

/** The link command of Mod-k and the menu: remove a link, or ask for one. */
export function linkCommand(deps: Pick<EditorDeps, 'requestLink'>): Command {
  return (state, dispatch) => {
    if (linkActive(state)) return removeLink(state, dispatch);
    if (!deps.requestLink || !state.selection.$from.parent.inlineContent) return false;
    if (dispatch) deps.requestLink(state);
    return true;
  };
}

/** The command behind each application-menu entry. */
export function commandFor(name: MenuCommand, deps: EditorDeps): Command {
  switch (name) {
    case 'undo': return deps.undo;
    case 'redo': return deps.redo;
    case 'bold': return toggleBold;
    case 'italic': return toggleItalic;
    case 'link': return linkCommand(deps);
    case 'heading-1': return setHeading(1);
    case 'heading-2': return setHeading(2);
    case 'heading-3': return setHeading(3);
    case 'heading-4': return setHeading(4);
    case 'paragraph': return setParagraph;
    case 'bullet-list': return toggleBulletList;
    case 'ordered-list': return toggleOrderedList;
    case 'blockquote': return toggleBlockquote;
  }
}
