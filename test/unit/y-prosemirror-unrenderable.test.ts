/**
 * Content any client can write but the schema has no place for: text straight in the
 * report's body, a hook inside a paragraph. y-prosemirror threw while drawing it: a
 * report holding it could not be opened, and its arrival stopped the open editor from
 * showing edits. The patch (patches/y-prosemirror+1.3.7.patch, `dropUnrenderable`) deletes
 * it, as y-prosemirror already deletes an element the schema refuses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { destroyOpenHosts, open, PARAGRAPHS, reportDoc } from './y-prosemirror-host.ts';

afterEach(destroyOpenHosts);

const kinds = (ydoc: Y.Doc): string[] => bodyOf(ydoc).toArray().map((child) => child.constructor.name);

/** Another client's copy writes what the schema has no place for. */
function strayContent(ydoc: Y.Doc): Uint8Array {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(ydoc));
  other.transact(() => {
    bodyOf(other).insert(1, [new Y.XmlText('text straight in the body')]);
    // (Yjs's types leave hooks out of an element's children; its data allows them.)
    (bodyOf(other).get(0) as Y.XmlElement).insert(0, [new Y.XmlHook('widget') as unknown as Y.XmlElement]);
    const text = (bodyOf(other).get(2) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, 'Edited: ');
  });
  return Y.encodeStateAsUpdate(other, Y.encodeStateVector(ydoc));
}

describe('content the schema has no place for', () => {
  it('a report holding it opens, without it; main reads its paragraphs', () => {
    const ydoc = reportDoc();
    Y.applyUpdate(ydoc, strayContent(ydoc));
    expect(kinds(ydoc)).toContain('YXmlText');
    const main = extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(ydoc), schema));
    expect(main.order).toHaveLength(PARAGRAPHS.length);
    const host = open(ydoc);
    expect(host.state.doc.childCount).toBe(PARAGRAPHS.length);
    expect(host.state.doc.child(1).textContent).toBe(`Edited: ${PARAGRAPHS[1]}`);
    expect(kinds(ydoc)).toEqual(['YXmlElement', 'YXmlElement', 'YXmlElement']);
    expect((bodyOf(ydoc).get(0) as Y.XmlElement).toArray().map((child) => child.constructor.name)).toEqual(['YXmlText']);
  });

  it('arriving in an open editor, it is dropped there and everywhere, and the edit beside it shows', () => {
    const ydoc = reportDoc();
    const host = open(ydoc);
    const sent: Uint8Array[] = [];
    ydoc.on('update', (update: Uint8Array) => sent.push(update));
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(ydoc));
    const stray = strayContent(ydoc);
    Y.applyUpdate(peer, stray);
    expect(() => Y.applyUpdate(ydoc, stray)).not.toThrow();
    expect(host.state.doc.child(1).textContent).toBe(`Edited: ${PARAGRAPHS[1]}`);
    host.dispatch(host.state.tr.insertText('Typed. ', 1));
    expect(host.state.doc.child(0).textContent).toBe(`Typed. ${PARAGRAPHS[0]}`);
    // The deletion reaches the other copy, and the two are the same.
    for (const update of sent) Y.applyUpdate(peer, update);
    expect(kinds(peer)).toEqual(['YXmlElement', 'YXmlElement', 'YXmlElement']);
    expect(bodyOf(peer).toString()).toBe(bodyOf(ydoc).toString());
  });
});
