/**
 * Keyboard shortcuts of the report editor. "Mod" is Cmd on macOS and Ctrl elsewhere.
 *
 *   Mod-b / Mod-i          bold / italic
 *   Mod-Alt-1 … Mod-Alt-4  heading 1–4        Mod-Alt-0  paragraph
 *   Mod-Shift-8            bulleted list      Mod-Shift-9  numbered list
 *   Mod-Shift-. (Ctrl->)   block quote
 *   Mod-k                  link (asks through `deps.requestLink`) / remove the link
 *   Enter                  in a list: new item (an empty item leaves the list)
 *   Shift-Enter, Mod-Enter line break
 *   Tab / Shift-Tab        in a list: indent / outdent (Tab stays in the list)
 *   Mod-z, Shift-Mod-z, Mod-y   undo / redo — y-prosemirror's, passed in
 *   Backspace              right after an input rule: undo it
 *
 * Exports (stable): `buildKeyBindings(deps)` → the binding table (for tests and a help
 * screen), `buildKeymaps(deps)` → [our keymap plugin, prosemirror-commands' baseKeymap].
 */
import { baseKeymap, chainCommands } from 'prosemirror-commands';
import { undoInputRule } from 'prosemirror-inputrules';
import { keymap } from 'prosemirror-keymap';
import type { Command, EditorState, Plugin } from 'prosemirror-state';
import {
  insertHardBreak, liftListItemCommand, linkCommand, setHeading, setParagraph, sinkListItemCommand,
  splitListItemCommand, toggleBlockquote, toggleBold, toggleBulletList, toggleItalic, toggleOrderedList,
  type EditorDeps,
} from './commands.ts';

function inList(state: EditorState): boolean {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) if ($from.node(d).type.name === 'list_item') return true;
  return false;
}

/** In a list, Tab that cannot indent further still stays in the editor. */
const stayInList: Command = (state) => inList(state);

export function buildKeyBindings(deps: EditorDeps): Record<string, Command> {
  const link = linkCommand(deps);
  return {
    'Mod-z': deps.undo,
    'Shift-Mod-z': deps.redo,
    'Mod-y': deps.redo,
    'Backspace': undoInputRule,
    'Mod-b': toggleBold,
    'Mod-B': toggleBold,
    'Mod-i': toggleItalic,
    'Mod-I': toggleItalic,
    'Mod-k': link,
    'Mod-Alt-0': setParagraph,
    'Mod-Alt-1': setHeading(1),
    'Mod-Alt-2': setHeading(2),
    'Mod-Alt-3': setHeading(3),
    'Mod-Alt-4': setHeading(4),
    'Mod-Shift-8': toggleBulletList,
    'Mod-Shift-9': toggleOrderedList,
    'Mod-Shift-.': toggleBlockquote,
    'Mod->': toggleBlockquote,
    'Ctrl->': toggleBlockquote,
    'Enter': splitListItemCommand,
    'Shift-Enter': insertHardBreak,
    'Mod-Enter': insertHardBreak,
    'Tab': chainCommands(sinkListItemCommand, stayInList),
    'Shift-Tab': chainCommands(liftListItemCommand, stayInList),
  };
}

/** Our bindings first; what they leave (Enter outside lists, Backspace, …) goes to baseKeymap. */
export function buildKeymaps(deps: EditorDeps): Plugin[] {
  return [keymap(buildKeyBindings(deps)), keymap(baseKeymap)];
}
