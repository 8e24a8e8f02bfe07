/**
 * Real readers for the export tests: LibreOffice (headless, with a profile of its own
 * so parallel runs do not share a lock) and poppler's pdftotext; and the warm Chromium
 * printer the PDF tests print with.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { launchChromiumPrinter, type ChromiumPrinter } from '../../main/services/export/chromium-printer.ts';

const run = promisify(execFile);

export function findSoffice(): string | null {
  for (const candidate of ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/lib/libreoffice/program/soffice']) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Converts a document to PDF with LibreOffice; returns the PDF's path. */
export async function libreOfficeToPdf(soffice: string, input: string, workDir: string): Promise<string> {
  const outDir = join(workDir, 'lo-out');
  const profile = join(workDir, 'lo-profile');
  await mkdir(outDir, { recursive: true });
  await run(soffice, [
    `-env:UserInstallation=${pathToFileURL(profile).href}`,
    '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', outDir, input,
  ], { timeout: 120_000 });
  const pdf = join(outDir, basename(input).replace(/\.[^.]+$/, '.pdf'));
  if (!existsSync(pdf)) throw new Error(`LibreOffice did not convert ${input}`);
  return pdf;
}

/** The PDF's text with its layout kept (table rows stay on one line). */
export async function pdfText(pdf: string): Promise<string> {
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Positions of the patterns in the text; each must be found, after the previous one. */
export function positionsInOrder(text: string, patterns: RegExp[]): number[] {
  const out: number[] = [];
  let from = 0;
  for (const pattern of patterns) {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
    re.lastIndex = from;
    const match = re.exec(text);
    if (!match) throw new Error(`Not found after position ${from}: ${pattern}\n--- text ---\n${text}`);
    out.push(match.index);
    from = match.index + match[0].length;
  }
  return out;
}

/** The numbered paragraphs of the fixture report, as a reader must see them, in order. */
export const FIXTURE_PARAGRAPHS: RegExp[] = [
  /^\s*1\.\s+The Working Group was set up by the Secretary-General\./m,
  /^\s*I\.\s+Introduction/m,
  /^\s*2\.\s+The Tunis phase & "WSIS" <follow-up>; see the mandate\./m,
  /^\s*3\.\s+Members served in their personal capacity\./m,
  /^\s*II\.\s+Public policy issues/m,
  /^\s*A\.\s+Infrastructure/m,
  /^\s*4\.\s+Line one/m,
  /Interconnection costs/,
  /^\s*5\.\s+Administration of the root zone files and system\./m,
  /^\s*1\.\s+Costs/m,
  /The Internet is a global facility\./,
  /^\s*6\.\s+Developing countries pay the full cost of links\./m,
  /^\s*B\.\s+Security/m,
  /Nested point/,
  /^\s*7\.\s+Unsafe link text stays as text\./m,
];

/** The annex as the fixture's stances make it (see test/unit/export-annex.test.ts). */
export const FIXTURE_ANNEX: RegExp[] = [
  /Annex/,
  /Section\s+Governments\s+Private sector\s+Civil society\s+International/,
  /Introductory text\s+Recognized\s+Partly\s+No stance\s+No stance/,
  /I\. Introduction\s+Recognized\s+Recognized\s+Objection\s+Recognized/,
  /B\. Security\s+No stance\s+No stance\s+No stance\s+No stance/,
  /Standing reservations and objections/,
  /2\.\s+Objection\s+Member 2\s+Civil society\s+The "WSIS" follow-up is drawn too/,
  /6\.\s+Reservation\s+Member 5\s+Private sector\s+Cost figures are needed\./,
];

export interface PrintRoom {
  /** A temporary folder for the block's files. */
  dir: string;
  printer: ChromiumPrinter;
}

/**
 * For the tests of the describe block it is called in: a temporary folder and a warm
 * Chromium printer, both made before the block's first test (before its own beforeAll
 * hooks) and gone after its last.
 */
export function usePrintRoom(prefix: string): PrintRoom {
  const room: Partial<PrintRoom> = {};
  beforeAll(async () => {
    room.dir = await mkdtemp(join(tmpdir(), prefix));
    room.printer = await launchChromiumPrinter('/usr/bin/chromium');
  });
  afterAll(async () => {
    await room.printer?.close();
    if (room.dir) await rm(room.dir, { recursive: true, force: true });
  });
  return room as PrintRoom;
}
