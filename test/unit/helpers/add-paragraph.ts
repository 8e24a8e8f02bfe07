/** A paragraph added at the end of a report's body, as a local edit (tests' shorthand for typing one). */
import * as Y from 'yjs';
import { bodyOf, Origin } from '../../../shared/ydoc.ts';

export function addParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    bodyOf(doc).push([p]);
  }, Origin.local);
}

/** `count` paragraphs added at the end, the i-th reading `text(i)`: a report with a long history. */
export function addParagraphs(doc: Y.Doc, count: number, text: (i: number) => string): void {
  for (let i = 0; i < count; i++) addParagraph(doc, text(i));
}

/** The text of each block of a report's body, in order (what a reader sees, paragraph by paragraph). */
export function paragraphTexts(doc: Y.Doc): string[] {
  return bodyOf(doc).toArray().map((node) => (node instanceof Y.XmlElement ? node.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : ''));
}
