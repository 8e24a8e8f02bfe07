/**
 * Joins the PDFs of a split print (shared/export/print-parts.ts) into one, with pdf-lib:
 * the second half's pages after the first's, the halves' named destinations merged (the
 * contents and the [n] markers link across the cut by name), the first half's document
 * information kept (title, creator, dates: as a single print has them), and the page
 * numbers stamped on the joined pages, as the HTML's `@page` rules would print them: at
 * the bottom centre, 9 pt, none on the first page. Neither half printed numbers, since
 * the second would have restarted at 1.
 *
 * The numbers are set in the PDF standard font Times-Roman (not embedded; readers use
 * their Times): the printed ones are Liberation Serif, metrically the same face.
 */
import { ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFName, StandardFonts, type PDFPage, type PDFRef } from 'pdf-lib';
import { PAGE_NUMBERS } from '../../../shared/export/html.ts';

const POINTS_PER_MM = 72 / 25.4;

/**
 * The baseline of a page number above the page's bottom edge: centred in the bottom
 * margin as Chromium centres the margin box's line (measured on Chromium 156's prints:
 * within 0.3 pt). Landscape pages are the annex's.
 */
export function pageNumberBaseline(page: { width: number; height: number }): number {
  const marginMm = page.width > page.height ? PAGE_NUMBERS.annexBottomMarginMm : PAGE_NUMBERS.bodyBottomMarginMm;
  return (marginMm * POINTS_PER_MM) / 2 - 0.28 * PAGE_NUMBERS.fontSizePt;
}

function destinationsOf(doc: PDFDocument): PDFDict | undefined {
  return doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
}

function stampPageNumbers(doc: PDFDocument): void {
  const font = doc.embedStandardFont(StandardFonts.TimesRoman);
  const fontName = PDFName.of('PlenaryPageNumber');
  const size = PAGE_NUMBERS.fontSizePt;
  doc.getPages().forEach((page: PDFPage, index) => {
    if (index === 0) return;
    const text = String(index + 1);
    const { width, height } = page.getSize();
    const x = width / 2 - font.widthOfTextAtSize(text, size) / 2;
    const y = pageNumberBaseline({ width, height });
    // Also wraps the page's own content in q … Q (one shared pair of streams), so the
    // number is drawn in the page's default coordinates.
    page.node.setFontDictionary(fontName, font.ref);
    // A raw stream of ~50 bytes: pdf-lib's drawText deflates a stream for every page at
    // save time (zlib set-up each time: most of the join's CPU on a 264-page report).
    const operators = `BT\n/PlenaryPageNumber ${size} Tf\n${x.toFixed(2)} ${y.toFixed(2)} Td\n(${text}) Tj\nET\n`;
    page.node.addContentStream(doc.context.register(doc.context.stream(operators)));
  });
}

/** Loads a PDF a printer just wrote; pdf-lib yields to the event loop between objects unless told not to. */
export function loadPrinted(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
}

/** The halves, in order, as one numbered PDF. */
export async function joinPrintedHalves(halves: readonly (PDFDocument | Uint8Array)[]): Promise<Uint8Array> {
  const docs = await Promise.all(halves.map((half) => (half instanceof PDFDocument ? half : loadPrinted(half))));
  const [joined, ...rest] = docs;
  if (!joined) throw new Error('Nothing to join.');
  let destinations = destinationsOf(joined);
  for (const other of rest) {
    const copied = await joined.copyPages(other, other.getPageIndices());
    const pageOf = new Map<string, PDFRef>();
    other.getPages().forEach((page, i) => pageOf.set(page.ref.toString(), copied[i]!.ref));
    for (const page of copied) joined.addPage(page);
    const theirs = destinationsOf(other);
    if (!theirs) continue;
    if (!destinations) {
      destinations = joined.context.obj({});
      joined.catalog.set(PDFName.of('Dests'), joined.context.register(destinations));
    }
    for (const [name, value] of theirs.entries()) {
      // [page /XYZ left top zoom]: the page, now one of the copies; the rest are numbers.
      const target = other.context.lookupMaybe(value, PDFArray);
      const page = target ? pageOf.get(target.get(0).toString()) : undefined;
      if (!target || !page) continue;
      destinations.set(name, joined.context.obj([page, ...target.asArray().slice(1)]));
    }
  }
  stampPageNumbers(joined);
  // Classic cross-reference table, as the printer writes it (the header says PDF 1.4).
  return joined.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY });
}
