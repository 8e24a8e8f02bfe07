import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import {
  Document, ExternalHyperlink, HeadingLevel, ImageRun, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun,
} from 'docx';
import type { Node as PMNode } from 'prosemirror-model';
import { yXmlFragmentToProseMirrorRootNode, prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc } from '../../shared/ydoc.ts';
import { blockNumbers, buildExportDocument } from '../../shared/export/model.ts';
import { renderDocx } from '../../main/services/export/docx.ts';
import { importFile, ImportError } from '../../main/services/import/import-file.ts';
import { insertDraft } from '../../main/services/import/insert-draft.ts';
import { fixtureDoc, fixtureMeta } from '../unit/export-fixture.ts';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { MAX_DOCX_UNPACKED_BYTES } from '../../main/services/import/docx-package.ts';

interface ZipPart { name: string; packed: Uint8Array; size: number; crc: number }

/** A deflated part; `declare` overrides the size the package claims for it. */
function deflatedPart(name: string, data: Uint8Array, declare = data.length): ZipPart {
  return { name, packed: deflateRawSync(data), size: declare, crc: crc32(data) };
}

/**
 * A zip package written by hand, so it can lie: each directory entry names the local part
 * it points at (by default its own), so several entries may share one compressed stream.
 */
function zipPackage(parts: ZipPart[], directory: { part: number; name: string }[] = parts.map((p, i) => ({ part: i, name: p.name }))): Uint8Array {
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(part.crc, 14); local.writeUInt32LE(part.packed.length, 18); local.writeUInt32LE(part.size, 22);
    local.writeUInt16LE(name.length, 26);
    offsets.push(offset);
    chunks.push(local, name, Buffer.from(part.packed));
    offset += 30 + name.length + part.packed.length;
  }
  const start = offset;
  for (const entry of directory) {
    const part = parts[entry.part]!;
    const name = Buffer.from(entry.name);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0); header.writeUInt16LE(20, 4); header.writeUInt16LE(20, 6); header.writeUInt16LE(8, 10);
    header.writeUInt32LE(part.crc, 16); header.writeUInt32LE(part.packed.length, 20); header.writeUInt32LE(part.size, 24);
    header.writeUInt16LE(name.length, 28); header.writeUInt32LE(offsets[entry.part]!, 42);
    chunks.push(header, name);
    offset += 46 + name.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(directory.length, 8); end.writeUInt16LE(directory.length, 10);
  end.writeUInt32LE(offset - start, 12); end.writeUInt32LE(start, 16);
  chunks.push(end);
  return new Uint8Array(Buffer.concat(chunks));
}

/** `megabytes` of zeros, deflated as a stream (never held unpacked in memory). */
async function deflatedZeros(megabytes: number): Promise<Uint8Array> {
  const deflate = createDeflateRaw();
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < megabytes; i++) {
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return new Uint8Array(Buffer.concat(out));
}

// A 1×1 transparent PNG: the schema has no images, so the import must drop it.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

async function wordDraft(): Promise<Uint8Array> {
  const doc = new Document({
    numbering: { config: [{ reference: 'dots', levels: [{ level: 0, format: LevelFormat.BULLET, text: '•' }, { level: 1, format: LevelFormat.BULLET, text: '◦' }] }] },
    sections: [{
      children: [
        new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('Internet governance')] }),
        new Paragraph({ children: [new TextRun('A '), new TextRun({ text: 'working', bold: true }), new TextRun(' '), new TextRun({ text: 'definition', italics: true }), new TextRun('.')] }),
        new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('Roles')] }),
        new Paragraph({ children: [
          new TextRun('See '),
          new ExternalHyperlink({ link: 'https://www.itu.int/wsis', children: [new TextRun({ text: 'WSIS', style: 'Hyperlink' })] }),
          new TextRun(' and '),
          new ExternalHyperlink({ link: 'file:///etc/passwd', children: [new TextRun('a local file')] }),
          new TextRun({ text: 'second line', break: 1 }),
        ] }),
        new Paragraph({ numbering: { reference: 'dots', level: 0 }, children: [new TextRun('Governments')] }),
        new Paragraph({ numbering: { reference: 'dots', level: 1 }, children: [new TextRun('National level')] }),
        new Paragraph({ numbering: { reference: 'dots', level: 0 }, children: [new TextRun('Private sector')] }),
        new Paragraph({ heading: HeadingLevel.HEADING_6, children: [new TextRun('Deep heading')] }),
        new Paragraph({ children: [new ImageRun({ type: 'png', data: PNG, transformation: { width: 10, height: 10 } })] }),
        new Table({ rows: [new TableRow({ children: [
          new TableCell({ children: [new Paragraph('Cell one')] }),
          new TableCell({ children: [new Paragraph('Cell two')] }),
        ] })] }),
        new Paragraph('After the table.'),
      ],
    }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

function summary(doc: PMNode): string[] {
  const out: string[] = [];
  doc.forEach((node) => {
    if (node.type.name === 'heading') out.push(`h${String(node.attrs.level)} ${node.textContent}`);
    else if (node.type.name === 'paragraph') out.push(`p ${node.textContent}`);
    else if (node.type.name === 'bullet_list' || node.type.name === 'ordered_list') {
      const items: string[] = [];
      node.descendants((d) => {
        if (d.type.name === 'list_item') items.push(d.firstChild!.textContent);
        return true;
      });
      out.push(`${node.type.name} ${items.join(' / ')}`);
    } else out.push(`${node.type.name} ${node.textContent}`);
  });
  return out;
}

function ids(doc: PMNode): string[] {
  const out: string[] = [];
  doc.descendants((node) => {
    if ('id' in node.attrs) out.push(String(node.attrs.id));
  });
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plenary-import-docx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DOCX import refuses zip bombs before unpacking them', () => {
  const CONTENT_TYPES = deflatedPart('[Content_Types].xml', new TextEncoder().encode('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'));

  it('a package that unpacks to more than the limit, honestly declared', async () => {
    const megabytes = MAX_DOCX_UNPACKED_BYTES / 1048576 + 10;
    const packed = await deflatedZeros(megabytes);
    const path = join(dir, 'bomb.docx');
    await writeFile(path, zipPackage([CONTENT_TYPES, { name: 'word/document.xml', packed, size: megabytes * 1048576, crc: 0 }]));
    expect(packed.length).toBeLessThan(1 << 20);
    await expect(importFile(path)).rejects.toThrow(new ImportError('bomb.docx cannot be imported: it would unpack to more than 200 MB, far more than any report (a damaged or malicious file).'));
  });

  it('a part that holds more than it declares', async () => {
    const path = join(dir, 'liar.docx');
    const part = deflatedPart('word/document.xml', new Uint8Array(4 << 20), 1000);
    await writeFile(path, zipPackage([CONTENT_TYPES, part]));
    await expect(importFile(path)).rejects.toThrow(/liar\.docx cannot be imported: a part of its zip package holds more than it declares/);
  });

  it('entries that overlap, each honest, together over the limit', async () => {
    const path = join(dir, 'overlap.docx');
    const part = deflatedPart('word/document.xml', new Uint8Array(1 << 20));
    const copies = MAX_DOCX_UNPACKED_BYTES / (1 << 20) + 1;
    await writeFile(path, zipPackage([CONTENT_TYPES, part], [{ part: 0, name: '[Content_Types].xml' }, ...Array.from({ length: copies }, (_, i) => ({ part: 1, name: `word/media/copy${i}.xml` }))]));
    await expect(importFile(path)).rejects.toThrow(/overlap\.docx cannot be imported: it would unpack to more than 200 MB/);
  });
});

describe('DOCX import', () => {
  it('maps a Word document made with the docx library onto the schema', async () => {
    const path = join(dir, 'draft.docx');
    await writeFile(path, await wordDraft());
    const draft = await importFile(path);
    expect(summary(draft.doc)).toEqual([
      'h1 Internet governance',
      'p A working definition.',
      'h2 Roles',
      'p See WSIS and a local filesecond line',
      'bullet_list Governments / National level / Private sector',
      'h4 Deep heading',
      'p Cell one',
      'p Cell two',
      'p After the table.',
    ]);
    const json = JSON.stringify(draft.doc.toJSON());
    expect(json).toContain('"marks":[{"type":"strong"}],"text":"working"');
    expect(json).toContain('"marks":[{"type":"em"}],"text":"definition"');
    expect(json).toContain('"href":"https://www.itu.int/wsis"');
    expect(json).not.toContain('file:');
    expect(json).toContain('"type":"hard_break"');
    // Nested list kept as a nested list.
    expect(json).toMatch(/"text":"Governments"\}\]\},\{"type":"bullet_list"/);
    expect(draft.dropped).toMatchObject({ image: 1, table: 1 });
    const all = ids(draft.doc);
    expect(all.every((id) => /^[A-Za-z0-9_-]{12}$/.test(id))).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  it('reads back our own DOCX export with its numbers stripped and quotes and lists kept', async () => {
    const doc = fixtureDoc();
    const model = buildExportDocument({ doc, numbers: blockNumbers(doc), meta: fixtureMeta, options: { titlePage: false, toc: false, annex: false, clean: true }, annex: null });
    const path = join(dir, 'own.docx');
    await writeFile(path, await renderDocx(model));
    const draft = await importFile(path);
    expect(summary(draft.doc)).toEqual(summary(doc));
    // Fresh ids, none from the file.
    expect(ids(draft.doc).some((id) => ids(doc).includes(id))).toBe(false);
  });

  it('inserts at a block index in one transaction, and refuses unreadable files leaving the report unchanged', async () => {
    const ydoc = createReportDoc();
    prosemirrorJSONToYXmlFragment(schema, fixtureDoc().toJSON(), bodyOf(ydoc));
    const before = Y.encodeStateAsUpdate(ydoc);
    const bogus: [string, Uint8Array | string][] = [
      ['random.docx', Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919) % 251)],
      ['zip-not-word.docx', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8])],
      ['empty.docx', new Uint8Array()],
      ['legacy.doc', 'not a docx'],
    ];
    for (const [name, bytes] of bogus) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      const attempt = importFile(path).then((d) => insertDraft(ydoc, d, 1));
      await expect(attempt).rejects.toBeInstanceOf(ImportError);
      await expect(importFile(path)).rejects.toThrow(name);
    }
    await expect(importFile(join(dir, 'missing.docx'))).rejects.toThrow('missing.docx does not exist.');
    expect(Buffer.from(Y.encodeStateAsUpdate(ydoc)).equals(Buffer.from(before))).toBe(true);

    const path = join(dir, 'draft.docx');
    await writeFile(path, await wordDraft());
    const draft = await importFile(path);
    let transactions = 0;
    ydoc.on('afterTransaction', () => transactions++);
    expect(insertDraft(ydoc, draft, 1)).toBe(draft.doc.childCount);
    expect(transactions).toBe(1);
    const after = yXmlFragmentToProseMirrorRootNode(bodyOf(ydoc), schema);
    const lines = summary(after);
    expect(lines[0]).toBe('p The Working Group was set up by the Secretary-General.');
    expect(lines[1]).toBe('h1 Internet governance');
    expect(lines[draft.doc.childCount + 1]).toBe('h1 Introduction');
    expect(() => insertDraft(ydoc, draft, 10_000)).toThrow(ImportError);
  });
});
