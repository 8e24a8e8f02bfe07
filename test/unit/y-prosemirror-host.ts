/**
 * A DOM-free host for y-prosemirror's real ySyncPlugin and yUndoPlugin, for the tests of
 * patches/y-prosemirror+1.3.7.patch (y-prosemirror-patch.test.ts,
 * y-prosemirror-deferred-write.test.ts).
 *
 * ProseMirror's EditorView needs a DOM, which unit tests (Node) do not have, so plugin
 * views get a minimal host: state, dispatch (apply, then every plugin view's update, as
 * EditorView.updateState does) and hasFocus. y-prosemirror reads nothing else of the
 * view on these paths (it reads the DOM selection only for a focused view).
 */
import { expect } from 'vitest';
import * as Y from 'yjs';
import { EditorState, TextSelection, type Plugin, type Transaction } from 'prosemirror-state';
import type { Node as PMNode } from 'prosemirror-model';
import { initProseMirrorDoc, prosemirrorJSONToYXmlFragment, undo, ySyncPlugin, ySyncPluginKey, yUndoPlugin, yUndoPluginKey, type ProsemirrorBinding } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, Origin } from '../../shared/ydoc.ts';

type SyncOptions = Omit<NonNullable<Parameters<typeof ySyncPlugin>[1]>, 'mapping'>;

interface PluginViewLike { update?: (view: never, prevState: EditorState) => void; destroy?: () => void }

/** Real ySyncPlugin and yUndoPlugin (as renderer/editor/view.ts sets them up) on a DOM-free host. */
export class EditorHost {
  state: EditorState;
  readonly ydoc: Y.Doc;
  private readonly views: PluginViewLike[] = [];

  constructor(ydoc: Y.Doc, plugins: Plugin[] = [], syncOptions: SyncOptions = {}) {
    this.ydoc = ydoc;
    const fragment = bodyOf(ydoc);
    const { doc, mapping } = initProseMirrorDoc(fragment, schema);
    this.state = EditorState.create({ schema, doc, plugins: [ySyncPlugin(fragment, { ...syncOptions, mapping }), yUndoPlugin(), ...plugins] });
    for (const plugin of this.state.plugins) {
      const view = plugin.spec.view?.(this as never);
      if (view) this.views.push(view as PluginViewLike);
    }
  }

  dispatch(tr: Transaction): void {
    const prev = this.state;
    this.state = this.state.apply(tr);
    for (const view of this.views) view.update?.(this as never, prev);
  }

  hasFocus(): boolean {
    return false;
  }

  /** EditorView.setProps redraws the view with its props read again; this host has nothing to draw. */
  setProps(): void {}

  /** Whether the view takes input: EditorView asks every plugin's `editable` prop. */
  get editable(): boolean {
    return !this.state.plugins.some((plugin) => plugin.props.editable?.call(plugin, this.state) === false);
  }

  /**
   * Changes from Yjs that failed to draw. The patch draws the whole report again after
   * one, which hides it from every other check: tests that expect none say so.
   */
  get drawFailures(): number {
    return (ySyncPluginKey.getState(this.state) as { binding: ProsemirrorBinding }).binding.drawFailures;
  }

  get undoManager(): Y.UndoManager {
    return (yUndoPluginKey.getState(this.state) as { undoManager: Y.UndoManager }).undoManager;
  }

  /** Types text one character per transaction, as keystrokes do. */
  type(text: string): void {
    for (const ch of text) this.dispatch(this.state.tr.insertText(ch));
  }

  /** Lets the writes queued for Yjs after this task's dispatches happen (a microtask). */
  async settle(): Promise<void> {
    await Promise.resolve();
  }

  caretAt(pos: number): void {
    this.dispatch(this.state.tr.setSelection(TextSelection.create(this.state.doc, pos)));
  }

  undo(): void {
    expect(undo(this.state)).toBe(true);
  }

  destroy(): void {
    for (const view of this.views) view.destroy?.();
  }
}


const hosts: EditorHost[] = [];

/** Destroys every host `open` made (call it after each test); fails the test if one of them failed to draw a change. */
export function destroyOpenHosts(): void {
  const opened = hosts.splice(0);
  for (const host of opened) host.destroy();
  expect(opened.map((host) => host.drawFailures), 'changes that failed to draw, per editor').toEqual(opened.map(() => 0));
}

export const PARAGRAPHS = ['Internet governance is the development', 'and application by governments', 'the private sector and civil society'];

export function reportDoc(clientID?: number): Y.Doc {
  const ydoc = createReportDoc();
  if (clientID !== undefined) ydoc.clientID = clientID;
  const json = schema.node('doc', null, PARAGRAPHS.map((text, i) => schema.node('paragraph', { id: `para${i}` }, schema.text(text)))).toJSON();
  ydoc.transact(() => prosemirrorJSONToYXmlFragment(schema, json, bodyOf(ydoc)), Origin.seed);
  return ydoc;
}

export function open(ydoc = reportDoc()): EditorHost {
  const host = new EditorHost(ydoc);
  hosts.push(host);
  return host;
}

/** Position just after `text` (first occurrence) in the ProseMirror doc. */
export function after(doc: PMNode, text: string): number {
  let found = -1;
  doc.descendants((node, pos) => {
    if (found < 0 && node.isText && node.text!.includes(text)) found = pos + node.text!.indexOf(text) + text.length;
  });
  if (found < 0) throw new Error(`no "${text}"`);
  return found;
}

/** The text on each side of the caret, within its paragraph: where a user sees it. */
export function caretContext(state: EditorState): { before: string; after: string } {
  const $head = state.selection.$head;
  const text = $head.parent.textContent;
  return { before: text.slice(0, $head.parentOffset), after: text.slice($head.parentOffset) };
}

export const texts = (ydoc: Y.Doc): string[] => bodyOf(ydoc).toArray().map((el) => (el as Y.XmlElement).toArray().map((t) => t.toString()).join(''));
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function countUpdates(ydoc: Y.Doc): { updates: number; transactions: number } {
  const counts = { updates: 0, transactions: 0 };
  ydoc.on('update', () => { counts.updates++; });
  ydoc.on('afterTransaction', () => { counts.transactions++; });
  return counts;
}

/** Another member's copy of the report in `host`, whose edits reach the editor's copy at once. */
export function peerOf(host: EditorHost): Y.Doc {
  const peer = new Y.Doc();
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(host.ydoc));
  peer.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== Origin.remote) Y.applyUpdate(host.ydoc, update, Origin.remote);
  });
  return peer;
}

/**
 * The report open in an editor, and another copy of it (another member's, or the
 * server's). `arrive` brings another client's update to both, as a server would, and
 * returns what the editor's copy sent meanwhile (its own repairs); `sendBack` gives the
 * other copy everything the editor's copy sent so far.
 */
export function editorAndPeer(ydoc = reportDoc()): { ydoc: Y.Doc; host: EditorHost; peer: Y.Doc; arrive(update: Uint8Array): void; sent: Uint8Array[]; sendBack(): void } {
  const host = open(ydoc);
  const sent: Uint8Array[] = [];
  ydoc.on('update', (update: Uint8Array) => sent.push(update));
  const peer = createReportDoc();
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(ydoc));
  return {
    ydoc,
    host,
    peer,
    sent,
    arrive(update) {
      Y.applyUpdate(peer, update);
      Y.applyUpdate(ydoc, update);
    },
    sendBack() {
      for (const update of sent) Y.applyUpdate(peer, update);
    },
  };
}
