/**
 * Content any client can write but the schema has no place for: text straight in the
 * report's body, a hook inside a paragraph, a value that is not a type (a string, a
 * number, null, bytes), an element named after the text node type. y-prosemirror threw
 * while drawing it (or drew a document ProseMirror cannot edit): a report holding it
 * could not be opened, and its arrival stopped the open editor from showing edits. The
 * patch (patches/y-prosemirror+1.3.7.patch, `dropUnrenderable`, `renderableChildren`)
 * deletes it, as y-prosemirror already deletes an element the schema refuses. And a body
 * another client emptied opens with an empty paragraph to type in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { after, destroyOpenHosts, editorAndPeer, open, PARAGRAPHS, reportDoc } from './y-prosemirror-host.ts';

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
    const { ydoc, host, peer, arrive, sendBack } = editorAndPeer();
    expect(() => arrive(strayContent(ydoc))).not.toThrow();
    expect(host.state.doc.child(1).textContent).toBe(`Edited: ${PARAGRAPHS[1]}`);
    host.dispatch(host.state.tr.insertText('Typed. ', 1));
    expect(host.state.doc.child(0).textContent).toBe(`Typed. ${PARAGRAPHS[0]}`);
    // The deletion reaches the other copy, and the two are the same.
    sendBack();
    expect(kinds(peer)).toEqual(['YXmlElement', 'YXmlElement', 'YXmlElement']);
    expect(bodyOf(peer).toString()).toBe(bodyOf(ydoc).toString());
  });
});

/** Another client's copy writes `write`; what it sent. */
function written(ydoc: Y.Doc, write: (body: Y.XmlFragment) => void): Uint8Array {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(ydoc));
  other.transact(() => write(bodyOf(other)));
  return Y.encodeStateAsUpdate(other, Y.encodeStateVector(ydoc));
}

// (Yjs's typings allow only types in an XML fragment; its data allows any value.)
const insertValue = (parent: Y.XmlFragment | Y.XmlElement, index: number, value: unknown): void => parent.insert(index, [value as Y.XmlElement]);
const firstParagraph = (body: Y.XmlFragment): Y.XmlElement => body.get(0) as Y.XmlElement;

const odd: Array<[string, (body: Y.XmlFragment) => void]> = [
  ['a string in the body', (body) => insertValue(body, 1, 'raw')],
  ['a number in the body', (body) => insertValue(body, 1, 42)],
  ['null in the body', (body) => insertValue(body, 1, null)],
  ['bytes in the body', (body) => insertValue(body, 1, new Uint8Array([1, 2]))],
  ['a string in a paragraph', (body) => insertValue(firstParagraph(body), 0, 'raw')],
  ['an element named after the text node type', (body) => body.insert(1, [new Y.XmlElement('text')])],
];

describe('values and elements the schema has no node for', () => {
  for (const [what, write] of odd) {
    it(`${what}: the report opens and main reads it; arriving in an open editor, it is dropped everywhere`, () => {
      const holding = reportDoc();
      Y.applyUpdate(holding, written(holding, write));
      expect(extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(holding), schema)).order).toHaveLength(PARAGRAPHS.length);
      const opened = open(holding);
      opened.state.doc.check();
      expect(opened.state.doc.childCount).toBe(PARAGRAPHS.length);

      const { ydoc, host, peer, arrive, sendBack } = editorAndPeer();
      expect(() => arrive(written(ydoc, write))).not.toThrow();
      host.dispatch(host.state.tr.insertText('Typed. ', 1));
      host.state.doc.check();
      expect(host.state.doc.child(0).textContent).toBe(`Typed. ${PARAGRAPHS[0]}`);
      sendBack();
      expect(bodyOf(peer).toJSON()).toBe(bodyOf(ydoc).toJSON());
      expect(bodyOf(ydoc).toArray().every((child) => child instanceof Y.XmlElement && child.nodeName === 'paragraph')).toBe(true);
    });
  }

  for (const [what, write] of [
    ['a paragraph whose id another client wrote as a number', (body: Y.XmlFragment) => { const p = new Y.XmlElement('paragraph'); body.insert(1, [p]); p.setAttribute('id', 42 as unknown as string); p.insert(0, [new Y.XmlText('Kept with its text.')]); }],
    ['text under a mark this schema does not know (a newer app\'s)', (body: Y.XmlFragment) => { const t = new Y.XmlText('Kept with its text.'); const p = new Y.XmlElement('paragraph'); body.insert(1, [p]); p.insert(0, [t]); t.format(0, 4, { underline: true }); }],
    ['a link whose href is not text', (body: Y.XmlFragment) => { const t = new Y.XmlText('Kept with its text.'); const p = new Y.XmlElement('paragraph'); body.insert(1, [p]); p.insert(0, [t]); t.format(0, 4, { link: { href: { x: 1 } } }); }],
    ['text with embeds in it (a stock client\'s insertEmbed)', (body: Y.XmlFragment) => { const t = new Y.XmlText('Kept with its text.'); const p = new Y.XmlElement('paragraph'); body.insert(1, [p]); p.insert(0, [t]); t.insertEmbed(4, { image: 'x.png' }); t.insertEmbed(0, 568 as unknown as object); t.insertEmbed(t.length, new Y.XmlElement('paragraph') as unknown as object); }],
  ] as const) {
    it(`${what}: the text is drawn, on every copy, without what the schema refuses`, () => {
      const { ydoc, host, peer, arrive, sendBack } = editorAndPeer();
      arrive(written(ydoc, write));
      host.state.doc.check();
      expect(host.state.doc.child(1).textContent).toBe('Kept with its text.');
      sendBack();
      // (The text stays in the data; an attribute or a mark the schema refuses stays too,
      // for the newer app that wrote it; an embed, which this app could not write around, goes.)
      const paragraph = bodyOf(peer).get(1) as Y.XmlElement;
      expect((paragraph.get(0) as Y.XmlText).toDelta().map((op: { insert: string }) => op.insert).join('')).toBe('Kept with its text.');
      expect(bodyOf(ydoc).toJSON()).toBe(bodyOf(peer).toJSON());
    });
  }

  const element = (name: string, ...children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement => {
    const made = new Y.XmlElement(name);
    made.insert(0, children);
    return made;
  };
  const paragraph = (text: string): Y.XmlElement => element('paragraph', new Y.XmlText(text));
  for (const [what, write, drawn, children] of [
    ['a paragraph inside a paragraph', (body: Y.XmlFragment) => body.insert(1, [element('paragraph', new Y.XmlText('Kept with its text.'), paragraph('Nested.'))]), 'Kept with its text.', 1],
    ['a heading first in a list item (a newer app\'s nesting)', (body: Y.XmlFragment) => body.insert(1, [element('bullet_list', element('list_item', element('heading', new Y.XmlText('Gone.')), paragraph('Kept with its text.')), element('list_item', paragraph('And this.')))]), 'Kept with its text.And this.', 2],
    ['a list item holding only a heading', (body: Y.XmlFragment) => body.insert(1, [element('bullet_list', element('list_item', element('heading', new Y.XmlText('Gone.'))), element('list_item', paragraph('Kept with its text.')))]), 'Kept with its text.', 2],
    ['text straight in a list', (body: Y.XmlFragment) => body.insert(1, [element('bullet_list', new Y.XmlText('Gone.'), element('list_item', paragraph('Kept with its text.')))]), 'Kept with its text.', 1],
  ] as const) {
    it(`${what}: the element and what it can hold stay, on every copy; the rest goes`, () => {
      // (A list item left with nothing it can hold is drawn with an empty paragraph.)
      const { ydoc, host, peer, arrive, sendBack } = editorAndPeer();
      arrive(written(ydoc, write));
      host.state.doc.check();
      expect(host.state.doc.childCount).toBe(PARAGRAPHS.length + 1);
      expect(host.state.doc.child(1).textContent).toBe(drawn);
      expect(host.state.doc.child(1).childCount).toBe(children);
      expect(bodyOf(ydoc).get(1).toString()).not.toContain('Gone.');
      host.dispatch(host.state.tr.insertText('Typed. ', 1));
      sendBack();
      expect(bodyOf(peer).toJSON()).toBe(bodyOf(ydoc).toJSON());
      expect(yXmlFragmentToProseMirrorRootNode(bodyOf(peer), schema).child(1).textContent).toBe(drawn);
    });
  }

  it('a mark and a paragraph attribute a newer app writes stay when this app edits that paragraph', async () => {
    const { ydoc, host, peer, arrive, sendBack } = editorAndPeer();
    arrive(written(ydoc, (body) => {
      const paragraph = body.get(1) as Y.XmlElement;
      paragraph.setAttribute('align', 'centre');
      (paragraph.get(0) as Y.XmlText).format(0, 3, { highlight: { colour: 'yellow' } });
    }));
    // Typed into that paragraph, then a mark this app knows put on part of it.
    host.dispatch(host.state.tr.insertText(' (Typed.)', after(host.state.doc, 'and application')));
    const start = after(host.state.doc, 'and application') - 'and application'.length;
    host.dispatch(host.state.tr.addMark(start + 1, start + 6, schema.mark('strong')));
    await host.settle();
    sendBack();
    const paragraph = bodyOf(peer).get(1) as Y.XmlElement;
    expect(paragraph.getAttribute('align')).toBe('centre');
    expect((paragraph.get(0) as Y.XmlText).toDelta()).toEqual([
      { insert: 'a', attributes: { highlight: { colour: 'yellow' } } },
      { insert: 'nd', attributes: { highlight: { colour: 'yellow' }, strong: {} } },
      { insert: ' ap', attributes: { strong: {} } },
      { insert: 'plication (Typed.) by governments' },
    ]);
    expect(bodyOf(ydoc).toJSON()).toBe(bodyOf(peer).toJSON());
  });

  it('a body another client emptied opens with a paragraph to type in, and what is typed is written', async () => {
    const ydoc = reportDoc();
    Y.applyUpdate(ydoc, written(ydoc, (body) => body.delete(0, body.length)));
    const host = open(ydoc);
    host.state.doc.check();
    host.dispatch(host.state.tr.insertText('Begun again.', 1));
    await host.settle();
    expect(bodyOf(ydoc).toJSON()).toBe('<paragraph>Begun again.</paragraph>');
  });
});
