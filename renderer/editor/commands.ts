/**
 * What the toolbar and the application menu ask of the editor, by MenuCommand, through
 * the shared editor behaviour (shared/editor): run it, is it active, can it run now.
 * Undo and redo are Yjs's, per user; a link is asked for through the link dialog.
 */
import type { EditorView } from 'prosemirror-view';
import { undoCommand, redoCommand } from 'y-prosemirror';
import type { MenuCommand } from '../../shared/api.ts';
import { commandFor, isCommandActive, isCommandEnabled, setLink, type EditorDeps } from '../../shared/editor/index.ts';
import type { ToolbarState } from '../ui/toolbar.ts';
import type { LinkDialog } from '../ui/link-dialog.ts';

/** The editor's dependencies; `requestLink` opens the dialog once the view exists. */
export function editorDeps(dialog: LinkDialog, view: () => EditorView | null): EditorDeps {
  return {
    undo: undoCommand,
    redo: redoCommand,
    requestLink: () => {
      const editor = view();
      if (!editor) return;
      void dialog.ask().then((choice) => {
        if (choice?.action === 'apply') setLink(choice.href)(editor.state, editor.dispatch);
        editor.focus();
      });
    },
  };
}

export class EditorCommands implements ToolbarState {
  private readonly view: EditorView;
  private readonly deps: EditorDeps;

  constructor(view: EditorView, deps: EditorDeps) {
    this.view = view;
    this.deps = deps;
  }

  run(command: MenuCommand): void {
    const { view } = this;
    // A paused editor (one that could not show a change) takes no command either.
    if (!view.editable) return;
    commandFor(command, this.deps)(view.state, view.dispatch, view);
    if (command !== 'link') view.focus();
  }

  isEnabled(command: MenuCommand): boolean {
    return this.view.editable && isCommandEnabled(this.view.state, command, this.deps);
  }

  isActive(command: MenuCommand): boolean {
    return isCommandActive(this.view.state, command);
  }
}
