/**
 * File → Import…: reads a Markdown or Word (.docx) file into a report document with
 * fresh block ids, without touching any report. A file that cannot be read gets an
 * `ImportError` written for the user; the caller then changes nothing.
 *
 * Markdown goes through prosemirror-markdown (shared/export/markdown.ts, the same
 * dialect the export writes); DOCX through mammoth → HTML → `html-to-doc.ts`.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import mammoth from 'mammoth';
import type { Node as PMNode } from 'prosemirror-model';
import { parseMarkdown, type MarkdownFrontMatter } from '../../../shared/export/markdown.ts';
import { docxPackageProblem } from './docx-package.ts';
import { giveFreshIds } from './fresh-ids.ts';
import { htmlToDoc, type DroppedCounts } from './html-to-doc.ts';

export type ImportFormat = 'markdown' | 'docx';

/** Large enough for any report; small enough that a wrong pick does not exhaust memory. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export interface ImportedDraft {
  doc: PMNode;
  /** Title, body, place, date a Markdown file's front matter carried. */
  meta: MarkdownFrontMatter;
  /** What the schema could not hold and was left out (images, tables' layout…). */
  dropped: DroppedCounts;
  /** Top-level blocks, for the "imported N blocks" message. */
  blockCount: number;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

export function importFormatOf(path: string): ImportFormat | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.md' || ext === '.markdown' || ext === '.txt') return 'markdown';
  if (ext === '.docx') return 'docx';
  return null;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function isEmpty(doc: PMNode): boolean {
  return doc.childCount === 1 && doc.firstChild!.type.name === 'paragraph' && doc.firstChild!.content.size === 0;
}

export function importMarkdownText(text: string): ImportedDraft {
  const { doc, front } = parseMarkdown(text);
  const fresh = giveFreshIds(doc);
  return { doc: fresh, meta: front, dropped: {}, blockCount: isEmpty(fresh) ? 0 : fresh.childCount };
}

export async function importDocxBytes(bytes: Uint8Array, name = 'The file'): Promise<ImportedDraft> {
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new ImportError(`${name} is not a Word document (.docx): it is not a .docx package. Old .doc files must be saved as .docx first.`);
  }
  // Checked before mammoth unpacks it in memory (docx-package.ts).
  const problem = await docxPackageProblem(bytes);
  if (problem) throw new ImportError(`${name} cannot be imported: ${problem}`);
  let html: string;
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, {
      styleMap: [
        // Our own export's styles, so a round trip keeps quotes and strips numbers.
        "p[style-name='Numbered Paragraph'] => p.numbered:fresh",
        "p[style-name='Quote'] => blockquote > p:fresh",
        "p[style-name='Intense Quote'] => blockquote > p:fresh",
        "p[style-name='Title'] => h1:fresh",
      ],
    });
    html = result.value;
  } catch (error) {
    throw new ImportError(`${name} could not be read as a Word document (.docx): ${(error as Error).message}`);
  }
  let mapped;
  try {
    mapped = htmlToDoc(html);
  } catch (error) {
    throw new ImportError(`${name} could not be read as a Word document (.docx): ${(error as Error).message}`);
  }
  const fresh = giveFreshIds(mapped.doc);
  return { doc: fresh, meta: {}, dropped: mapped.dropped, blockCount: isEmpty(fresh) ? 0 : fresh.childCount };
}

/** Reads and converts a file; throws ImportError with a message for the user. */
export async function importFile(path: string, format: ImportFormat | null = importFormatOf(path)): Promise<ImportedDraft> {
  const name = basename(path);
  if (!format) throw new ImportError(`${name}: only Markdown (.md) and Word (.docx) files can be imported.`);
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImportError(`${name} is not a file.`);
    if (info.size > MAX_IMPORT_BYTES) throw new ImportError(`${name} is too large to import (${Math.round(info.size / 1048576)} MB; at most ${MAX_IMPORT_BYTES / 1048576} MB).`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ImportError(`${name} does not exist.`);
    if (code === 'EACCES' || code === 'EPERM') throw new ImportError(`No permission to read ${name}.`);
    throw new ImportError(`${name} could not be read: ${(error as Error).message}`);
  }
  let draft: ImportedDraft;
  if (format === 'docx') {
    draft = await importDocxBytes(bytes, name);
  } else {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ImportError(`${name} is not a text file in UTF-8, so it cannot be read as Markdown.`);
    }
    if (text.includes('\u0000')) throw new ImportError(`${name} is not a text file, so it cannot be read as Markdown.`);
    draft = importMarkdownText(text);
  }
  if (draft.blockCount === 0) throw new ImportError(`${name} contains no text to import.`);
  return draft;
}
