/**
 * patches/y-prosemirror+1.3.7.patch: a text change is written to Yjs where the caret is.
 * y-prosemirror found the changed part of a paragraph by comparing old and new text from
 * both ends, so a letter typed in front of the same letter ("t" before "the") was written
 * after that letter: the typed run became one Yjs item per such letter, each splitting
 * the text it landed in (a week of typing carried 3.5 times the items it needed), and a
 * concurrent edit next to it could end up on the wrong side of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bodyOf } from '../../shared/ydoc.ts';
import { destroyOpenHosts, open, reportDoc, texts } from './y-prosemirror-host.ts';

afterEach(destroyOpenHosts);

/** The live Yjs items holding the text of paragraph `index`. */
function textItems(ydoc: Y.Doc, index: number): number {
  const text = (bodyOf(ydoc).get(index) as Y.XmlElement).get(0) as Y.XmlText;
  let count = 0;
  for (let item = text._start; item !== null; item = item.right) if (!item.deleted) count++;
  return count;
}

describe('typing is written to Yjs at the caret', () => {
  it('keeps a typed run in one item, even in front of the same letters', async () => {
    const ydoc = reportDoc();
    const host = open(ydoc);
    // "the private sector…": type "and to the " in front of it, one keystroke per task.
    host.caretAt(host.state.doc.child(0).nodeSize + host.state.doc.child(1).nodeSize + 1);
    for (const ch of 'and to the ') {
      host.type(ch);
      await host.settle();
    }
    expect(texts(ydoc)[2]).toBe('and to the the private sector and civil society');
    // The original text and the typed run: two items (the typed one merged as it grew).
    expect(textItems(ydoc, 2)).toBe(2);
  });

  it('puts a concurrent edit next to the typed letter on the side its author meant', async () => {
    // Peer B's id is the lower, so that a wrongly placed letter of A's would sort after B's.
    const a = reportDoc(2000);
    const b = new Y.Doc();
    b.clientID = 1000;
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const host = open(a);
    // A types "t" in front of "the private sector" ...
    host.caretAt(host.state.doc.child(0).nodeSize + host.state.doc.child(1).nodeSize + 1);
    host.type('t');
    await host.settle();
    // ... while B, offline, writes "X" right after the original "t".
    const bText = (bodyOf(b).get(2) as Y.XmlElement).get(0) as Y.XmlText;
    bText.insert(1, 'X');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(texts(a)[2]).toBe('ttXhe private sector and civil society');
    expect(texts(b)).toEqual(texts(a));
  });
});
