/**
 * The editing behaviour shared with every other editor of a report (shared/editor and
 * the paragraph-identity plugin), assembled for the renderer.
 */
import type { Plugin } from 'prosemirror-state';
import { keymap } from 'prosemirror-keymap';
import { baseKeymap } from 'prosemirror-commands';

export function editorPlugins(): Plugin[] {
  return [keymap(baseKeymap)];
}
