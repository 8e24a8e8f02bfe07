/**
 * What the toolbar shows: which marks and block styles the selection has, and whether a
 * menu command would do anything. Pure functions of an EditorState.
 *
 * Exports (stable): `isMarkActive(state, name)`, `activeBlockType(state)`,
 * `isCommandActive(state, menuCommand)`, `isCommandEnabled(state, menuCommand, deps)`.
 */
import type { EditorState } from 'prosemirror-state';
import type { MenuCommand } from '../api.ts';
import { commandFor, linkActive, type EditorDeps } from './commands.ts';

/** True when the mark applies at the cursor (stored marks included) or across the selection. */
export function isMarkActive(state: EditorState, markName: 'strong' | 'em' | 'link'): boolean {
  const type = state.schema.marks[markName];
  if (!type) return false;
  const { from, to, empty, $from } = state.selection;
  if (empty) return type.isInSet(state.storedMarks ?? $from.marks()) !== undefined;
  return state.doc.rangeHasMark(from, to, type);
}

/** The block style at the cursor, as the menu names it. */
export type BlockStyle = 'paragraph' | 'heading-1' | 'heading-2' | 'heading-3' | 'heading-4';

export interface ActiveBlock {
  /** Style of the textblock holding the selection's start; null when it is no textblock. */
  style: BlockStyle | null;
  /** The innermost list around it, if any. */
  list: 'bullet-list' | 'ordered-list' | null;
  /** Inside a block quote. */
  quote: boolean;
}

export function activeBlockType(state: EditorState): ActiveBlock {
  const { $from } = state.selection;
  const parent = $from.parent;
  let style: BlockStyle | null = null;
  if (parent.type.name === 'paragraph') style = 'paragraph';
  else if (parent.type.name === 'heading') {
    const level = Number(parent.attrs.level);
    style = level >= 1 && level <= 4 ? (`heading-${level}` as BlockStyle) : 'heading-4';
  }
  let list: ActiveBlock['list'] = null;
  let quote = false;
  for (let d = $from.depth; d > 0; d--) {
    const name = $from.node(d).type.name;
    if (!list && name === 'bullet_list') list = 'bullet-list';
    if (!list && name === 'ordered_list') list = 'ordered-list';
    if (name === 'blockquote') quote = true;
  }
  return { style, list, quote };
}

/** Whether the toolbar should show the command as on. */
export function isCommandActive(state: EditorState, name: MenuCommand): boolean {
  switch (name) {
    case 'bold': return isMarkActive(state, 'strong');
    case 'italic': return isMarkActive(state, 'em');
    case 'link': return linkActive(state);
    case 'bullet-list':
    case 'ordered-list': return activeBlockType(state).list === name;
    case 'blockquote': return activeBlockType(state).quote;
    case 'paragraph':
    case 'heading-1':
    case 'heading-2':
    case 'heading-3':
    case 'heading-4': return activeBlockType(state).style === name;
    default: return false;
  }
}

/** Whether the command can run now (dry run, no dispatch). */
export function isCommandEnabled(state: EditorState, name: MenuCommand, deps: EditorDeps): boolean {
  return commandFor(name, deps)(state);
}
