/**
 * What patches/y-prosemirror+1.3.7.patch must not change, continued (see
 * y-prosemirror-patch.test.ts):
 * - ySyncPlugin writes to Yjs in a microtask after the dispatch (one Yjs transaction for
 *   all the transactions of a task), not inside it. Nothing is lost or reordered by
 *   that: a peer's update applied in the same task as typing, undo or redo right after
 *   typing, stopCapturing, a change kept out of history after one that is not, and
 *   destroying the editor all write the queued typing first; undo steps and the carets
 *   saved with them are the same in one task as across tasks.
 *
 * Real typing is one key per task: its write happens in the microtask after each key,
 * as before. (Run over 80 seeds of y-prosemirror-patch.test.ts's random edits with a
 * write after each key, the documents, carets, undo stacks and saved carets were those
 * of the synchronous write.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, Origin } from '../../shared/ydoc.ts';
import { EditorHost, PARAGRAPHS, after, caretContext, countUpdates, destroyOpenHosts, open, pause, reportDoc, texts } from './y-prosemirror-host.ts';

afterEach(destroyOpenHosts);

describe('the write to Yjs after the dispatch', () => {
  it('the write happens after the dispatch, once for all the keystrokes of a task, and nothing is written twice', async () => {
    const host = open();
    host.caretAt(after(host.state.doc, 'governance'));
    const counts = countUpdates(host.ydoc);
    host.type(' of the Internet');
    expect(texts(host.ydoc)).toEqual(PARAGRAPHS);
    await host.settle();
    expect(counts).toEqual({ updates: 1, transactions: 1 });
    expect(texts(host.ydoc)[0]).toBe('Internet governance of the Internet is the development');
    await host.settle();
    expect(counts).toEqual({ updates: 1, transactions: 1 });
  });

  it('typing kept out of history after typing that is not (and the reverse) stays out of the undo step', async () => {
    const host = open();
    host.caretAt(after(host.state.doc, 'governance'));
    host.type(' A');
    host.dispatch(host.state.tr.insertText(' B').setMeta('addToHistory', false));
    host.type(' C');
    await host.settle();
    expect(texts(host.ydoc)[0]).toBe('Internet governance A B C is the development');
    // ' A' and ' C' are two undo steps (the change kept out of history ended the first);
    // undoing both leaves ' B'.
    expect(host.undoManager.undoStack.length).toBe(2);
    host.undo();
    host.undo();
    expect(texts(host.ydoc)[0]).toBe('Internet governance B is the development');
  });

  it('after a change kept out of history, undo of the typing that follows puts the caret where that typing began, as between tasks', async () => {
    const carets: Array<{ before: string; after: string }> = [];
    for (const settled of [true, false]) {
      const host = open();
      host.caretAt(after(host.state.doc, 'governance'));
      host.type(' A');
      if (settled) await host.settle();
      host.dispatch(host.state.tr.insertText(' B', after(host.state.doc, 'society')).setMeta('addToHistory', false));
      if (settled) await host.settle();
      host.caretAt(after(host.state.doc, 'application'));
      host.type(' C');
      await host.settle();
      host.undo();
      expect(texts(host.ydoc)).toEqual(['Internet governance A is the development', PARAGRAPHS[1], 'the private sector and civil society B']);
      carets.push(caretContext(host.state));
      // The next undo starts from the caret saved with the ' C' step (see above).
      host.undo();
      expect(texts(host.ydoc)).toEqual([PARAGRAPHS[0], PARAGRAPHS[1], 'the private sector and civil society B']);
      carets.push(caretContext(host.state));
    }
    expect(carets.slice(2)).toEqual(carets.slice(0, 2));
    expect(carets[1]).toEqual({ before: 'and application', after: ' by governments' });
  });

  it('after an undo, a caret move and typing in one task make the same undo step as in separate tasks', async () => {
    const carets: Array<{ before: string; after: string }> = [];
    for (const settled of [true, false]) {
      const host = open();
      host.caretAt(after(host.state.doc, 'governance'));
      host.type(' A');
      await pause(host.undoManager.captureTimeout + 50);
      host.caretAt(after(host.state.doc, 'civil'));
      host.type(' B');
      await host.settle();
      host.undo();
      if (settled) await host.settle();
      host.caretAt(after(host.state.doc, 'application'));
      if (settled) await host.settle();
      host.type(' C');
      await host.settle();
      expect(host.undoManager.undoStack.length).toBe(2);
      host.undo();
      carets.push(caretContext(host.state));
      host.undo();
      expect(texts(host.ydoc)).toEqual(PARAGRAPHS);
      carets.push(caretContext(host.state));
    }
    expect(carets.slice(2)).toEqual(carets.slice(0, 2));
    expect(carets[1]).toEqual({ before: 'and application', after: ' by governments' });
  });

  it('a peer\'s update applied in the same task as typing keeps both, in both documents', async () => {
    const host = open();
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(host.ydoc));
    const sent: Uint8Array[] = [];
    host.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== Origin.remote) sent.push(update);
    });
    host.caretAt(after(host.state.doc, 'application'));
    host.type(' and use');
    ((bodyOf(peer).get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'both ');
    Y.applyUpdate(host.ydoc, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(host.ydoc)), Origin.remote);
    // The typing went to Yjs (as its own update, for the peer) before the peer's change.
    expect(host.state.doc.child(1).textContent).toBe('both and application and use by governments');
    expect(caretContext(host.state)).toEqual({ before: 'both and application and use', after: ' by governments' });
    expect(texts(host.ydoc)[1]).toBe('both and application and use by governments');
    for (const update of sent) Y.applyUpdate(peer, update);
    expect(texts(peer)[1]).toBe('both and application and use by governments');
    // The typing is one undo step of its own, and undo leaves the peer's text.
    await host.settle();
    host.undo();
    expect(texts(host.ydoc)[1]).toBe('both and application by governments');
  });

  it('destroying the editor right after typing writes the typing', () => {
    const ydoc = reportDoc();
    const host = new EditorHost(ydoc);
    host.caretAt(after(host.state.doc, 'society'));
    host.type(' at large');
    host.destroy();
    expect(texts(ydoc)[2]).toBe('the private sector and civil society at large');
  });
});
