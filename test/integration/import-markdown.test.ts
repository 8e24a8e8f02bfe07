import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode, prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, readMeta, writeMeta, Origin } from '../../shared/ydoc.ts';
import { importFile, ImportError } from '../../main/services/import/import-file.ts';
import { insertDraft, seedReportWithDraft } from '../../main/services/import/insert-draft.ts';

const DRAFT = `---
title: "Draft report on Internet governance"
place: "Geneva"
---

# Introduction

The group met **four** times, in *Geneva*; see [the site](https://www.wgig.org).

1. Access
2. Security
   - Spam

> Quoted
> text\\
> with a break

## Details

Images ![x](https://x/y.png) and code \`x\` stay text. [Bad](javascript:alert(1)).
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plenary-import-md-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Markdown import', () => {
  it('imports a Markdown file into a new report with its title and fresh ids', async () => {
    const path = join(dir, 'draft.md');
    await writeFile(path, DRAFT);
    const draft = await importFile(path);
    const ydoc = createReportDoc();
    seedReportWithDraft(ydoc, draft);
    const doc = yXmlFragmentToProseMirrorRootNode(bodyOf(ydoc), schema);
    expect(doc.toJSON()).toEqual(draft.doc.toJSON());
    expect(readMeta(ydoc)).toMatchObject({ title: 'Draft report on Internet governance', place: 'Geneva' });
    const types: string[] = [];
    doc.forEach((n) => types.push(n.type.name === 'heading' ? `h${String(n.attrs.level)}` : n.type.name));
    expect(types).toEqual(['h1', 'paragraph', 'ordered_list', 'blockquote', 'h2', 'paragraph']);
    const json = JSON.stringify(doc.toJSON());
    expect(json).toContain('"marks":[{"type":"strong"}],"text":"four"');
    expect(json).toContain('"href":"https://www.wgig.org"');
    expect(json).not.toContain('javascript:alert(1)"');
    expect(json).toContain('"type":"hard_break"');
    // No images or code in the schema: their text stays, the unsafe link becomes text.
    expect(doc.lastChild!.textContent).toBe('Images !x and code `x` stay text. [Bad](javascript:alert(1)).');
    const ids: string[] = [];
    doc.descendants((n) => {
      if ('id' in n.attrs) ids.push(String(n.attrs.id));
    });
    expect(ids.length).toBeGreaterThan(8);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{12}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the existing title of a report it seeds', async () => {
    const path = join(dir, 'titled.md');
    await writeFile(path, DRAFT);
    const ydoc = createReportDoc();
    writeMeta(ydoc, { title: 'Mine' }, Origin.seed);
    seedReportWithDraft(ydoc, await importFile(path));
    expect(readMeta(ydoc).title).toBe('Mine');
  });

  it('inserts at a position; the same draft twice gets different ids', async () => {
    const path = join(dir, 'draft.md');
    await writeFile(path, DRAFT);
    const ydoc = createReportDoc();
    prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content: [
      { type: 'paragraph', attrs: { id: 'first-block' }, content: [{ type: 'text', text: 'First' }] },
      { type: 'paragraph', attrs: { id: 'last-block' }, content: [{ type: 'text', text: 'Last' }] },
    ] }, bodyOf(ydoc));
    insertDraft(ydoc, await importFile(path), 1);
    insertDraft(ydoc, await importFile(path), 'end');
    const doc = yXmlFragmentToProseMirrorRootNode(bodyOf(ydoc), schema);
    expect(doc.child(0).textContent).toBe('First');
    expect(doc.child(1).textContent).toBe('Introduction');
    expect(doc.child(7).textContent).toBe('Last');
    expect(doc.child(8).textContent).toBe('Introduction');
    expect(doc.child(1).attrs.id).not.toBe(doc.child(8).attrs.id);
  });

  it('refuses files that are not Markdown text, leaving the report as it was', async () => {
    const ydoc = createReportDoc();
    prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content: [{ type: 'paragraph', attrs: { id: 'only-block' }, content: [{ type: 'text', text: 'Kept' }] }] }, bodyOf(ydoc));
    const before = Y.encodeStateAsUpdate(ydoc);
    const cases: [string, Uint8Array | string, string][] = [
      ['latin1.md', Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0xff]), 'not a text file in UTF-8'],
      ['binary.md', Uint8Array.from([0x41, 0x00, 0x42]), 'not a text file'],
      ['blank.md', '\n\n   \n', 'contains no text'],
      ['notes.pdf', '%PDF-1.7', 'only Markdown (.md) and Word (.docx)'],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      const attempt = importFile(path).then((d) => insertDraft(ydoc, d, 'end'));
      await expect(attempt).rejects.toBeInstanceOf(ImportError);
      await expect(importFile(path)).rejects.toThrow(message);
    }
    await expect(importFile(dir + '/')).rejects.toThrow(ImportError);
    expect(Buffer.from(Y.encodeStateAsUpdate(ydoc)).equals(Buffer.from(before))).toBe(true);
  });
});
