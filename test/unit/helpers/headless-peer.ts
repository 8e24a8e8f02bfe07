/**
 * A headless stand-in for y-prosemirror's ySyncPlugin, for Node tests of the block-id
 * plugin with real Yjs documents. ySyncPlugin needs an EditorView (DOM); this drives an
 * EditorState the way its binding does:
 * - a local transaction is applied and the resulting doc written to the Y.XmlFragment
 *   with y-prosemirror's own `updateYFragment`, in a Yjs transaction whose origin the
 *   UndoManager tracks (as ySyncPluginKey is tracked by yUndoPlugin), honouring the
 *   `addToHistory` meta;
 * - a Yjs change from elsewhere (a peer's update, the UndoManager) is turned into one
 *   transaction that replaces the whole doc and carries `ySyncPluginKey` meta
 *   `{ isChangeOrigin: true }`, and is NOT written back (y-prosemirror's mutex is held);
 * - plugin views get a minimal view (`state`, `dispatch`) and `update` calls, so the
 *   block-id plugin's own flush (an empty dispatch on the next microtask) is what writes
 *   its remote fixes to Yjs, as in the app.
 */
import * as Y from 'yjs';
import { EditorState, type Plugin, type Transaction } from 'prosemirror-state';
import { Slice } from 'prosemirror-model';
import { initProseMirrorDoc, updateYFragment, ySyncPluginKey } from 'y-prosemirror';
import { schema } from '../../../shared/schema.ts';
import { bodyOf } from '../../../shared/ydoc.ts';

interface PluginViewLike { update?: (view: never, prevState: EditorState) => void; destroy?: () => void }

export class HeadlessPeer {
  readonly ydoc: Y.Doc;
  readonly fragment: Y.XmlFragment;
  readonly undoManager: Y.UndoManager;
  state: EditorState;
  private meta: ReturnType<typeof initProseMirrorDoc>['meta'];
  private readonly views: PluginViewLike[] = [];
  /** What a plugin view uses of an EditorView: the state and dispatch. */
  private readonly viewLike: { readonly state: EditorState; dispatch(tr: Transaction): void };

  constructor(ydoc: Y.Doc, plugins: Plugin[]) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.viewLike = {
      get state(): EditorState { return self.state; },
      dispatch: (tr: Transaction): void => self.dispatch(tr),
    };
    this.ydoc = ydoc;
    this.fragment = bodyOf(ydoc);
    const { doc, meta } = initProseMirrorDoc(this.fragment, schema);
    this.meta = meta;
    this.state = EditorState.create({ schema, doc: doc.childCount ? doc : undefined, plugins });
    for (const plugin of this.state.plugins) {
      const view = plugin.spec.view?.(this.viewLike as never);
      if (view) this.views.push(view as PluginViewLike);
    }
    this.undoManager = new Y.UndoManager(this.fragment, {
      trackedOrigins: new Set([this]),
      captureTransaction: (tr) => tr.meta.get('addToHistory') !== false,
      captureTimeout: 0,
    });
    this.fragment.observeDeep((_events, ytr) => {
      if (ytr.origin !== this) this.pull(ytr.origin instanceof Y.UndoManager);
    });
  }

  /** A local edit: apply, let plugins react, write to Yjs. */
  dispatch(tr: Transaction): void {
    const fromY = tr.getMeta(ySyncPluginKey) !== undefined;
    this.update(this.state.apply(tr));
    if (!fromY) this.push(tr.getMeta('addToHistory') !== false);
  }

  /** Writes the whole ProseMirror doc to Yjs (the first content of a new report). */
  seed(): void {
    this.push(false);
  }

  private update(next: EditorState): void {
    const prev = this.state;
    this.state = next;
    for (const view of this.views) view.update?.(this.viewLike as never, prev);
  }

  private push(addToHistory: boolean): void {
    this.ydoc.transact((ytr) => {
      ytr.meta.set('addToHistory', addToHistory);
      updateYFragment(this.ydoc, this.fragment, this.state.doc, this.meta);
    }, this);
  }

  private pull(isUndoRedoOperation: boolean): void {
    const { doc, meta } = initProseMirrorDoc(this.fragment, schema);
    this.meta = meta;
    const tr = this.state.tr.replace(0, this.state.doc.content.size, new Slice(doc.content, 0, 0));
    tr.setMeta(ySyncPluginKey, { isChangeOrigin: true, isUndoRedoOperation });
    this.dispatch(tr);
  }

  destroy(): void {
    for (const view of this.views) view.destroy?.();
    this.undoManager.destroy();
  }
}

/** Lets queued microtasks (the plugin's flush) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Exchanges every missing update between two docs, both ways. */
export function syncDocs(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'peer');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'peer');
}
