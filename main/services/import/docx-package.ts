/**
 * A .docx is a zip package, and a zip can unpack to far more than it weighs (a "zip
 * bomb": a few hundred kilobytes that inflate to gigabytes, or entries that overlap so
 * one compressed stream is counted many times). mammoth unpacks everything it reads in
 * memory, so the package is checked first, without trusting what it says about itself:
 * every entry of the central directory is inflated here, stopping as soon as the entry
 * holds more than it declares or the package more than `MAX_DOCX_UNPACKED_BYTES` in all.
 *
 * Only what Word, LibreOffice and the `docx` library write is accepted: stored or
 * deflated entries, no ZIP64 (a report is far below 4 GB), no encryption.
 */
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';

const inflate = promisify(inflateRaw);

/** Everything a package may unpack to: room for a long report with its pictures. */
export const MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** Word writes a few dozen entries; a package with thousands is not a document. */
export const MAX_DOCX_ENTRIES = 5000;

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

const megabytes = (bytes: number): string => `${Math.round(bytes / 1048576)} MB`;

/** Where the central directory ends its description of the package (the last 64 KB hold it). */
function endOfDirectory(view: DataView): number {
  for (let at = view.byteLength - 22; at >= Math.max(0, view.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) return at;
  }
  return -1;
}

/**
 * Checks the package inside and out; resolves to a sentence for the user saying what is
 * wrong (without the file's name), or null when mammoth may read it.
 */
export async function docxPackageProblem(bytes: Uint8Array, limit = MAX_DOCX_UNPACKED_BYTES): Promise<string | null> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endOfDirectory(view);
  if (end < 0) return 'its zip package is damaged (no table of contents at its end).';
  const entries = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directoryStart = view.getUint32(end + 16, true);
  if (entries === 0xffff || directorySize === 0xffffffff || directoryStart === 0xffffffff) {
    return 'its zip package uses the ZIP64 format, which a Word document never needs.';
  }
  if (entries > MAX_DOCX_ENTRIES) return `its zip package has ${entries.toLocaleString('en')} parts; a Word document has a few dozen.`;
  if (directoryStart + directorySize > end) return 'its zip package is damaged (its table of contents lies outside the file).';

  let unpacked = 0;
  let at = directoryStart;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== DIRECTORY_ENTRY) return 'its zip package is damaged (a table of contents entry is broken).';
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const packedSize = view.getUint32(at + 20, true);
    const declaredSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const entryLength = 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    at += entryLength;
    if (flags & 1) return 'it is encrypted (password-protected); save it without a password and import it again.';
    if (method !== STORED && method !== DEFLATED) return 'its zip package uses a compression method Word does not write.';
    if (local + 30 > bytes.byteLength || view.getUint32(local, true) !== LOCAL_HEADER) return 'its zip package is damaged (a part is missing).';
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataStart + packedSize > bytes.byteLength) return 'its zip package is damaged (a part is cut short).';

    const budget = limit - unpacked;
    if (declaredSize > budget) return `it would unpack to more than ${megabytes(limit)}, far more than any report (a damaged or malicious file).`;
    let size: number;
    if (method === STORED) {
      size = packedSize;
    } else {
      try {
        // Never more than declared: a part that holds more lies about itself.
        size = (await inflate(bytes.subarray(dataStart, dataStart + packedSize), { maxOutputLength: Math.max(1, declaredSize) })).byteLength;
      } catch (error) {
        if (error instanceof RangeError) return 'a part of its zip package holds more than it declares (a damaged or malicious file).';
        return 'its zip package is damaged (a part cannot be unpacked).';
      }
    }
    if (size !== declaredSize) return 'a part of its zip package is not the size it declares (a damaged or malicious file).';
    unpacked += size;
  }
  return null;
}
