/**
 * The report editor's behaviour, without a view: what the renderer mounts next to
 * y-prosemirror's sync, cursor and undo plugins.
 *
 *   import { editorPlugins } from '../shared/editor/index.ts';
 *   plugins: [ySyncPlugin(fragment), yCursorPlugin(awareness), yUndoPlugin(),
 *             ...editorPlugins({ undo, redo, requestLink }), blockIdPlugin()]
 *
 * Order matters only in that our keymap must come before baseKeymap (editorPlugins does it).
 */
import type { Plugin } from 'prosemirror-state';
import type { EditorDeps } from './commands.ts';
import { buildInputRules, type InputRuleOptions } from './input-rules.ts';
import { buildKeymaps } from './keymap.ts';

export * from './commands.ts';
export * from './queries.ts';
export { buildInputRules, reportInputRules, type InputRuleOptions } from './input-rules.ts';
export { buildKeyBindings, buildKeymaps } from './keymap.ts';

/** Input rules, our keymap and the base keymap, in that order. */
export function editorPlugins(deps: EditorDeps, options: InputRuleOptions = {}): Plugin[] {
  return [buildInputRules(options), ...buildKeymaps(deps)];
}
