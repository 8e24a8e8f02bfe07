/**
 * Real updates of a report, for mutation fuzzing: the report everyone holds, what two
 * members then wrote into it, and the mutations a hostile member might make of them.
 */
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { bodyOf, createReportDoc, endorsementsOf, metaOf } from '../../../shared/ydoc.ts';

function paragraph(id: string, text: string): Y.XmlElement {
  const element = new Y.XmlElement('paragraph');
  element.setAttribute('id', id);
  const content = new Y.XmlText();
  content.insert(0, text);
  element.insert(0, [content]);
  return element;
}

/** The report everyone holds, and what two members then wrote into it, update by update. */
export function reportAndEdits(): { report: Uint8Array; edits: Uint8Array[] } {
  // (Fixed client ids: a seed takes the same bytes on every run.)
  const base = createReportDoc();
  base.clientID = 3_000_000_001;
  base.transact(() => {
    for (let i = 0; i < 5; i++) bodyOf(base).push([paragraph(`p${i}`, `Paragraph ${i}: the forum should be multilateral.`)]);
    metaOf(base).set('title', 'Report of the WGIG');
  });
  const report = Y.encodeStateAsUpdate(base);
  const edits: Uint8Array[] = [];
  for (const [member, clientID] of [['ana', 2_000_000_002], ['bo', 1_000_000_003]] as const) {
    const doc = createReportDoc();
    doc.clientID = clientID;
    Y.applyUpdate(doc, report);
    doc.on('update', (update: Uint8Array) => edits.push(update));
    const text = (bodyOf(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(3, 'typed words');
    text.insert(0, 'Before: ');
    text.delete(12, 4);
    text.format(2, 6, { strong: true });
    bodyOf(doc).insert(2, [paragraph(`${member}-new`, 'A new paragraph.')]);
    bodyOf(doc).delete(4, 1);
    endorsementsOf(doc).set(`p1:${member}`, { stance: 'support' });
    metaOf(doc).set('title', 'Report of the Working Group on Internet Governance');
    edits.push(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(base)));
  }
  return { report, edits };
}

/** A few bytes flipped, replaced, inserted or removed. */
export function mutate(gen: prng.PRNG, bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes);
  for (let n = prng.uint32(gen, 1, 3); n > 0; n--) {
    const at = prng.uint32(gen, 0, out.length - 1);
    switch (prng.uint32(gen, 0, 4)) {
      case 0: out[at] = out[at]! ^ (1 << prng.uint32(gen, 0, 7)); break;
      case 1: out[at] = prng.uint32(gen, 0, 255); break;
      case 2: out.splice(at, 1); break;
      case 3: out.splice(at, 0, prng.uint32(gen, 0, 255)); break;
      default: out[at] = prng.oneOf(gen, [0, 1, 0x7f, 0x80, 0xff]);
    }
  }
  return new Uint8Array(out);
}
