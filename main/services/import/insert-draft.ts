/**
 * Puts an imported draft into a report's Y.Doc: into a new (empty) report, or among
 * the existing blocks at a top-level index (the renderer turns the cursor into the
 * index of the block after it). One transaction with `Origin.import`, so peers and
 * undo see one change, and nothing at all happens if anything is wrong.
 */
import * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { schema } from '../../../shared/schema.ts';
import { bodyOf, metaOf, Origin, writeMeta } from '../../../shared/ydoc.ts';
import type { ImportedDraft } from './import-file.ts';
import { ImportError } from './import-file.ts';

/** The draft's top-level blocks as Yjs elements, the way y-prosemirror stores them. */
function toYElements(doc: PMNode): (Y.XmlElement | Y.XmlText)[] {
  const scratch = new Y.Doc();
  const fragment = prosemirrorJSONToYXmlFragment(schema, doc.toJSON(), scratch.getXmlFragment('draft'));
  return fragment.toArray().map((node) => (node as Y.XmlElement | Y.XmlText).clone());
}

/** Inserts before the top-level block at `index` ('end' appends). Returns the count. */
export function insertDraft(ydoc: Y.Doc, draft: ImportedDraft, index: number | 'end'): number {
  const body = bodyOf(ydoc);
  const at = index === 'end' ? body.length : index;
  if (!Number.isInteger(at) || at < 0 || at > body.length) {
    throw new ImportError(`Cannot insert at block ${String(index)}: the report has ${body.length} blocks.`);
  }
  const elements = toYElements(draft.doc);
  ydoc.transact(() => body.insert(at, elements), Origin.import);
  return elements.length;
}

/**
 * Fills a new, empty report with the draft: its blocks, and the title, body, place and
 * date its front matter carried (when the report has none of its own yet).
 */
export function seedReportWithDraft(ydoc: Y.Doc, draft: ImportedDraft): void {
  const body = bodyOf(ydoc);
  const elements = toYElements(draft.doc);
  const meta = metaOf(ydoc);
  ydoc.transact(() => {
    if (body.length > 0) body.delete(0, body.length);
    body.insert(0, elements);
    const fields: Record<string, string> = {};
    for (const key of ['title', 'body', 'place', 'date'] as const) {
      const value = draft.meta[key];
      if (value && !meta.get(key)) fields[key] = value;
    }
    writeMeta(ydoc, fields, Origin.import);
  }, Origin.import);
}
