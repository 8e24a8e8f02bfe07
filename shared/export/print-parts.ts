/**
 * The report's HTML cut in two for a split print: Chromium lays out and paints one
 * document on one thread, so two halves printed by two renderers at once take about half
 * the time of the whole on a machine with two cores. The PDFs are joined and numbered
 * afterwards (main/services/export/pdf-join.ts).
 *
 * What the cut must keep:
 * - Pagination: the cut is made only before a chapter or a section (a level-1 or level-2
 *   heading), so the one difference from a single print is that this heading starts a
 *   new page; or before the annex, which starts a page anyway.
 * - Numbers: paragraph and heading numbers come from the model, so the second half
 *   continues them. Page numbers would restart, so neither half prints any
 *   (`NO_PAGE_NUMBERS`): the joiner stamps them on the joined pages.
 * - Links: Chromium drops a link whose target is not in the same document, and writes a
 *   named destination only for an element some link points to. So each half carries a
 *   hidden block with an empty stand-in for every id it links to that lives in the other
 *   half (the link is written, pointing at the name), and a hidden link to every id of
 *   its own that the other half links to (the destination is written). The joiner merges
 *   the two halves' destinations.
 */
import { joinHtmlPieces, renderHtmlPieces, type HtmlPieces } from './html.ts';
import type { ExportDocument } from './model.ts';

/** Added to each half's head: the joiner numbers the pages, after the join. */
export const NO_PAGE_NUMBERS = '<style>@page { @bottom-center { content: none; } }</style>';

export interface PrintSplit {
  /** Below this many characters of HTML the report prints whole (a join costs ~0.1–0.2 s). */
  minChars: number;
  /** The larger half may hold at most this share of the HTML, or the report prints whole. */
  maxShare: number;
}

export const DEFAULT_PRINT_SPLIT: Readonly<PrintSplit> = { minChars: 300_000, maxShare: 0.7 };

export interface PrintParts {
  /** One document (print it whole, as `renderHtml` writes it) or two halves, in order. */
  html: string[];
  /** True when `html` holds halves: print them with no page numbers, join, then number. */
  split: boolean;
}

const ID = / id="([^"]+)"/g;
const HREF = / href="#([^"]+)"/g;

function namesIn(html: string, pattern: RegExp): Set<string> {
  return new Set(Array.from(html.matchAll(pattern), (m) => m[1]!));
}

/**
 * The annex's tables cost Chromium about twice as much per character of HTML as the
 * body's text (264-page bench report: with the halves equal in characters, the half with
 * the annex printed 0.2–0.45 s later).
 */
const ANNEX_WEIGHT = 2;
/** A chapter is preferred to a section when it balances the halves nearly as well. */
const CHAPTER_SLACK = 0.03;

/**
 * Where to cut: the index of the top-level block the second half starts with
 * (`blocks.length` = before the annex), or -1 to print whole. Cuts before a chapter or a
 * section (level 1 or 2 heading), or before the annex, whichever balances the halves'
 * estimated printing cost best; a chapter wins over a section within `CHAPTER_SLACK`.
 */
export function cutIndex(doc: ExportDocument, pieces: HtmlPieces, split: PrintSplit = DEFAULT_PRINT_SPLIT): number {
  const size = (lines: readonly string[]): number => lines.reduce((n, line) => n + line.length + 1, 0);
  const total = size(pieces.head) + size(pieces.front) + size(pieces.blocks) + pieces.annex.length;
  if (total < split.minChars) return -1;
  // Estimated cost before each block (the front included).
  const before: number[] = [];
  let sum = size(pieces.front);
  for (const block of pieces.blocks) {
    before.push(sum);
    sum += block.length + 1;
  }
  const body = sum + ANNEX_WEIGHT * pieces.annex.length;
  const share = (at: number): number => Math.max(at, body - at) / body;
  // Before the annex: a page break already, so nothing moves.
  const candidates: { index: number; at: number; level: number }[] = pieces.annex ? [{ index: pieces.blocks.length, at: sum, level: 1 }] : [];
  doc.blocks.forEach((block, index) => {
    if (index > 0 && block.kind === 'heading' && block.level <= 2) candidates.push({ index, at: before[index]!, level: block.level });
  });
  const best = (level: number): { index: number; at: number } | null => candidates
    .filter((c) => c.level <= level)
    .reduce<{ index: number; at: number } | null>((a, b) => (a && share(a.at) <= share(b.at) ? a : b), null);
  const [chapter, section] = [best(1), best(2)];
  const pick = chapter && section && share(chapter.at) <= share(section.at) + CHAPTER_SLACK ? chapter : section;
  return pick && share(pick.at) <= split.maxShare ? pick.index : -1;
}

function closeWith(html: string, hiddenTargets: string[], hiddenLinks: string[]): string {
  const hidden = [
    ...hiddenTargets.map((id) => `<a id="${id}"></a>`),
    ...hiddenLinks.map((id) => `<a href="#${id}"></a>`),
  ];
  return `${html}${hidden.length ? `\n<div hidden>${hidden.join('')}</div>` : ''}\n</body>\n</html>\n`;
}

/** The HTML to print: whole, or in two halves when the report is long enough and a chapter falls near its middle. */
export function printParts(
  doc: ExportDocument,
  options: { parts: number; split?: PrintSplit },
  onBlocks?: (done: number, total: number) => void,
): PrintParts {
  const pieces = renderHtmlPieces(doc, onBlocks);
  const cut = options.parts >= 2 ? cutIndex(doc, pieces, options.split) : -1;
  if (cut < 0) return { html: [joinHtmlPieces(pieces)], split: false };
  const start = [...pieces.head, NO_PAGE_NUMBERS, '</head>', '<body>'];
  const first = [...start, ...pieces.front, '<main>', ...pieces.blocks.slice(0, cut), '</main>'].join('\n');
  // No empty <main> before the annex: Chromium would give it a blank page of its own.
  const rest = pieces.blocks.slice(cut);
  const second = [...start, ...(rest.length ? ['<main>', ...rest, '</main>'] : []), ...(pieces.annex ? [pieces.annex] : [])].join('\n');
  const [firstIds, secondIds] = [namesIn(first, ID), namesIn(second, ID)];
  const [firstLinks, secondLinks] = [namesIn(first, HREF), namesIn(second, HREF)];
  const across = (links: Set<string>, own: Set<string>, other: Set<string>): string[] => [...links].filter((id) => !own.has(id) && other.has(id));
  const firstToSecond = across(firstLinks, firstIds, secondIds);
  const secondToFirst = across(secondLinks, secondIds, firstIds);
  return {
    html: [closeWith(first, firstToSecond, secondToFirst), closeWith(second, secondToFirst, firstToSecond)],
    split: true,
  };
}
