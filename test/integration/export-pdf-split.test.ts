import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFRef } from 'pdf-lib';
import { exportReportFile } from '../../main/services/export/export-report.ts';
import type { HtmlPrinter } from '../../main/services/export/pdf.ts';
import { DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { reportWithStances } from '../unit/export-fixture.ts';
import { FIXTURE_ANNEX, FIXTURE_PARAGRAPHS, pdfText, positionsInOrder, usePrintRoom } from './export-helpers.ts';

const run = promisify(execFile);

/** The fixture is tiny: cut it anyway. */
const ALWAYS_SPLIT = { parts: 2, split: { minChars: 0, maxShare: 1 } };
const WHOLE = { parts: 1 };

async function pageTexts(path: string): Promise<string[]> {
  // pdftotext ends every page with a form feed.
  return (await pdfText(path)).split('\f').slice(0, -1);
}

/** The page number as a reader sees it: the last line of the page's text, when it is a bare number. */
function pageNumberOf(page: string): string | null {
  const last = page.trimEnd().split('\n').at(-1)?.trim() ?? '';
  return /^\d+$/.test(last) ? last : null;
}

/** Page numbers' boxes (pdftotext -bbox): the last word of each page. */
async function lastWordBoxes(path: string): Promise<{ text: string; xMid: number; yMax: number }[]> {
  const { stdout } = await run('pdftotext', ['-bbox', path, '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('<page ').slice(1).map((page) => {
    const words = [...page.matchAll(/xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</g)];
    const last = words.at(-1)!;
    return { text: last[4]!, xMid: (Number(last[1]) + Number(last[2])) / 2, yMax: Number(last[3]) };
  });
}

/** Every in-document link, resolved: destination name → index of the page it opens. */
async function resolvedLinks(path: string): Promise<Map<string, number>> {
  const pdf = await PDFDocument.load(await readFile(path), { updateMetadata: false });
  const dests = pdf.catalog.lookup(PDFName.of('Dests'), PDFDict);
  const pageIndex = new Map(pdf.getPages().map((page, i) => [page.ref.toString(), i]));
  const out = new Map<string, number>();
  for (const page of pdf.getPages()) {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    for (const ref of annots?.asArray() ?? []) {
      const dest = pdf.context.lookup(ref, PDFDict).get(PDFName.of('Dest'));
      if (!(dest instanceof PDFName)) continue;
      const target = dests.lookupMaybe(dest, PDFArray);
      const at = target ? pageIndex.get((target.get(0) as PDFRef).toString()) : undefined;
      if (at === undefined) throw new Error(`Link to ${dest.toString()} leads nowhere`);
      out.set(dest.decodeText(), at);
    }
  }
  return out;
}

/**
 * Two cuts: with the annex on, the fixture is cut before the annex (the balanced cut);
 * with it off, before chapter II. (see test/unit/export-print-parts.test.ts).
 */
const CASES = [
  { name: 'cut before the annex', options: DEFAULT_EXPORT_OPTIONS, secondStartsWith: /^Annex\s+Endorsement of the report/ },
  { name: 'cut before chapter II.', options: { ...DEFAULT_EXPORT_OPTIONS, annex: false }, secondStartsWith: /^II\.\s+Public policy issues/ },
];

describe.each(CASES)('PDF export printed in two halves at once, $name', ({ options, secondStartsWith }) => {
  const room = usePrintRoom('plenary-export-split-');
  let split: string;
  let whole: string;

  beforeAll(async () => {
    split = join(room.dir, 'split.pdf');
    whole = join(room.dir, 'whole.pdf');
    const request = (path: string) => ({ format: 'pdf' as const, options, path });
    await Promise.all([
      exportReportFile(reportWithStances().doc, request(split), { printer: room.printer.print, pdfSplit: ALWAYS_SPLIT }),
      exportReportFile(reportWithStances().doc, request(whole), { printer: room.printer.print, pdfSplit: WHOLE }),
    ]);
  });

  it('reads in order: title page, contents, numbered paragraphs across the cut, annex', async () => {
    const text = await pdfText(split);
    positionsInOrder(text, [/Working Group on Internet Governance/, /Report of the Working Group on Internet/, /Contents/]);
    positionsInOrder(text.slice(text.indexOf('Draft')), FIXTURE_PARAGRAPHS);
    if (options.annex) positionsInOrder(text, FIXTURE_ANNEX);
    else expect(text).not.toMatch(/Standing reservations/);
  });

  it('reads as the single print does, word for word, apart from where the pages break', async () => {
    const words = async (path: string): Promise<string[]> => (await pageTexts(path))
      .map((page) => (pageNumberOf(page) ? page.trimEnd().split('\n').slice(0, -1).join('\n') : page))
      .join('\n').split(/\s+/).filter(Boolean);
    expect(await words(split)).toEqual(await words(whole));
  });

  it('numbers the pages continuously across the join: none on the first, then 2, 3, … to the last; no blank page', async () => {
    const pages = await pageTexts(split);
    expect(pages.length).toBeGreaterThanOrEqual((await pageTexts(whole)).length);
    expect(pageNumberOf(pages[0]!)).toBeNull();
    expect(pages.slice(1).map(pageNumberOf)).toEqual(pages.slice(1).map((_, i) => String(i + 2)));
    for (const page of pages) expect(page.trim().replace(/\d+$/, '').trim()).not.toBe('');
    // The second half starts a page, numbered on from the first half, not 1.
    const second = pages.findIndex((page) => secondStartsWith.test(page.trimStart()));
    expect(second).toBeGreaterThan(1);
    expect(pageNumberOf(pages[second]!)).toBe(String(second + 1));
  });

  it('puts the stamped numbers where Chromium prints them (portrait pages, and the annex\'s landscape ones)', async () => {
    const [stamped, printed] = [await lastWordBoxes(split), await lastWordBoxes(whole)];
    for (const [s, p] of [[stamped[1]!, printed[1]!], [stamped.at(-1)!, printed.at(-1)!]] as const) {
      expect(s.text).toMatch(/^\d+$/);
      expect(p.text).toMatch(/^\d+$/);
      expect(Math.abs(s.xMid - p.xMid)).toBeLessThan(1.5);
      expect(Math.abs(s.yMax - p.yMax)).toBeLessThan(1);
    }
  });

  it('keeps every in-document link of the single print, each opening the page its target is on', async () => {
    const [splitLinks, wholeLinks] = [await resolvedLinks(split), await resolvedLinks(whole)];
    expect([...splitLinks.keys()].sort()).toEqual([...wholeLinks.keys()].sort());
    const pages = await pageTexts(split);
    // The contents (first half) to chapters on both sides of the cut, and with the annex
    // (second half) a paragraph's [1] marker (first half) to its row there.
    expect(pages[splitLinks.get('h-sec-policy')!]).toMatch(/^\s*II\.\s+Public policy issues/m);
    expect(pages[splitLinks.get('h-sec-intro')!]).toMatch(/^\s*I\.\s+Introduction/m);
    if (options.annex) {
      expect(pages[splitLinks.get('annex')!]).toMatch(/Endorsement of the report by stakeholder group/);
      expect(pages[splitLinks.get('standing-para-two')!]).toMatch(/The "WSIS" follow-up is drawn too/);
    }
  });

  it('keeps the document information of a single print (title, creator)', async () => {
    const [s, w] = [await PDFDocument.load(await readFile(split), { updateMetadata: false }), await PDFDocument.load(await readFile(whole), { updateMetadata: false })];
    expect(s.getTitle()).toBe('Report of the Working Group on Internet Governance');
    expect(s.getCreator()).toBe(w.getCreator());
    expect(s.getProducer()).toBe(w.getProducer());
  });
});

describe('a split print cancelled or failing', () => {
  const room = usePrintRoom('plenary-export-split-stop-');

  it('cancelled while the halves print: the old file stays, and the printer prints the next export', async () => {
    const path = join(room.dir, 'cancelled.pdf');
    await writeFile(path, 'previous export');
    const controller = new AbortController();
    const attempt = exportReportFile(reportWithStances().doc, { format: 'pdf', options: DEFAULT_EXPORT_OPTIONS, path }, {
      printer: room.printer.print,
      pdfSplit: ALWAYS_SPLIT,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'printing') controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readFile(path, 'utf8')).toBe('previous export');
    expect((await readdir(room.dir)).filter((f) => f.startsWith('.cancelled'))).toEqual([]);
    await exportReportFile(reportWithStances().doc, { format: 'pdf', options: DEFAULT_EXPORT_OPTIONS, path }, { printer: room.printer.print, pdfSplit: ALWAYS_SPLIT });
    expect(pageNumberOf((await pageTexts(path)).at(-1)!)).toMatch(/^\d+$/);
  });

  it('one half failing fails the export with a clear message, and stops the other half', async () => {
    const path = join(room.dir, 'failed.pdf');
    let calls = 0;
    let otherStopped = false;
    const failingSecond: HtmlPrinter = (html, signal) => {
      calls += 1;
      if (calls === 2) return Promise.reject(new Error('the renderer crashed'));
      signal?.addEventListener('abort', () => {
        otherStopped = true;
      });
      return room.printer.print(html, signal);
    };
    await expect(exportReportFile(reportWithStances().doc, { format: 'pdf', options: DEFAULT_EXPORT_OPTIONS, path }, { printer: failingSecond, pdfSplit: ALWAYS_SPLIT }))
      .rejects.toThrow(/Could not print the report to PDF: the renderer crashed/);
    expect(otherStopped).toBe(true);
    expect((await readdir(room.dir)).filter((f) => f.includes('failed'))).toEqual([]);
  });
});

