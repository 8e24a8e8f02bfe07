/**
 * What the toolbar and the application menu ask of the editor, by MenuCommand: run it,
 * is it active at the selection, can it run now. Undo and redo are Yjs's, per user; the
 * link command opens the link dialog.
 */
import type { Command, EditorState } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { toggleMark, setBlockType, wrapIn, lift } from 'prosemirror-commands';
import { wrapInList, liftListItem } from 'prosemirror-schema-list';
import { undo, redo, yUndoPluginKey } from 'y-prosemirror';
import type { NodeType } from 'prosemirror-model';
import type { MenuCommand } from '../../shared/api.ts';
import { schema } from '../../shared/schema.ts';
import type { ToolbarState } from '../ui/toolbar.ts';
import type { LinkDialog } from '../ui/link-dialog.ts';
import { canLink, currentLink, setLink } from './link-commands.ts';

const { paragraph, heading, bullet_list: bulletList, ordered_list: orderedList, blockquote, list_item: listItem } = schema.nodes;

function markActive(state: EditorState, name: 'strong' | 'em'): boolean {
  const type = schema.marks[name]!;
  const { from, to, empty, $from } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

function textblockIs(state: EditorState, type: NodeType, level?: number): boolean {
  const parent = state.selection.$from.parent;
  return parent.type === type && (level === undefined || parent.attrs.level === level) && state.selection.$to.parent === parent;
}

function insideOf(state: EditorState, type: NodeType): boolean {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) if ($from.node(depth).type === type) return true;
  return false;
}

/** Innermost list around the selection. */
function listTypeAt(state: EditorState): NodeType | null {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const type = $from.node(depth).type;
    if (type === bulletList || type === orderedList) return type;
  }
  return null;
}

const toggleList = (type: NodeType): Command => (state, dispatch) => {
  const current = listTypeAt(state);
  if (current === type) return liftListItem(listItem!)(state, dispatch);
  return wrapInList(type)(state, dispatch);
};

const toggleQuote: Command = (state, dispatch) => (insideOf(state, blockquote!) ? lift(state, dispatch) : wrapIn(blockquote!)(state, dispatch));

const headingCommand = (level: number): Command => (state, dispatch) =>
  textblockIs(state, heading!, level) ? setBlockType(paragraph!)(state, dispatch) : setBlockType(heading!, { level })(state, dispatch);

function undoDepth(state: EditorState, which: 'undoStack' | 'redoStack'): number {
  const manager = yUndoPluginKey.getState(state)?.undoManager as { undoStack: unknown[]; redoStack: unknown[] } | undefined;
  return manager ? manager[which].length : 0;
}

const COMMANDS: Record<Exclude<MenuCommand, 'link'>, Command> = {
  undo: (state) => undo(state),
  redo: (state) => redo(state),
  bold: toggleMark(schema.marks.strong!),
  italic: toggleMark(schema.marks.em!),
  'heading-1': headingCommand(1),
  'heading-2': headingCommand(2),
  'heading-3': headingCommand(3),
  'heading-4': headingCommand(4),
  paragraph: setBlockType(paragraph!),
  'bullet-list': toggleList(bulletList!),
  'ordered-list': toggleList(orderedList!),
  blockquote: toggleQuote,
};

export class EditorCommands implements ToolbarState {
  private readonly view: EditorView;
  private readonly dialog: LinkDialog;

  constructor(view: EditorView, dialog: LinkDialog) {
    this.view = view;
    this.dialog = dialog;
  }

  run(command: MenuCommand): void {
    const { view } = this;
    if (command === 'link') {
      void this.editLink();
      return;
    }
    COMMANDS[command](view.state, view.dispatch, view);
    view.focus();
  }

  isEnabled(command: MenuCommand): boolean {
    const { state } = this.view;
    if (command === 'undo') return undoDepth(state, 'undoStack') > 0;
    if (command === 'redo') return undoDepth(state, 'redoStack') > 0;
    if (command === 'link') return canLink(state);
    return COMMANDS[command](state);
  }

  isActive(command: MenuCommand): boolean {
    const { state } = this.view;
    switch (command) {
      case 'bold': return markActive(state, 'strong');
      case 'italic': return markActive(state, 'em');
      case 'link': return currentLink(state) !== null;
      case 'paragraph': return textblockIs(state, paragraph!) && !insideOf(state, listItem!) && !insideOf(state, blockquote!);
      case 'heading-1': return textblockIs(state, heading!, 1);
      case 'heading-2': return textblockIs(state, heading!, 2);
      case 'heading-3': return textblockIs(state, heading!, 3);
      case 'heading-4': return textblockIs(state, heading!, 4);
      case 'bullet-list': return listTypeAt(state) === bulletList;
      case 'ordered-list': return listTypeAt(state) === orderedList;
      case 'blockquote': return insideOf(state, blockquote!);
      default: return false;
    }
  }

  private async editLink(): Promise<void> {
    const { view } = this;
    if (!canLink(view.state)) return;
    const choice = await this.dialog.ask(currentLink(view.state));
    if (choice) {
      const tr = setLink(view.state, choice.action === 'apply' ? choice.href : null);
      if (tr) view.dispatch(tr);
    }
    view.focus();
  }
}
