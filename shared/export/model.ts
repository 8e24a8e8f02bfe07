/**
 * The export model: the report as every writer sees it — numbered blocks with plain
 * inline runs, the title page fields, the table of contents and the annex. Built once
 * from the ProseMirror document, the editor's numbering and the consensus figures, so
 * HTML, PDF, DOCX and Akoma Ntoso all print the same numbers and the same annex.
 *
 * Writers never look at ProseMirror nodes; they only read this model.
 */
import type { Node as PMNode, Mark } from 'prosemirror-model';
import { sanitizeHref } from '../links.ts';
import { headingLevel } from '../schema.ts';
import { numberBlocks } from '../numbering.ts';
import type { AnnexData } from './annex.ts';

export interface ExportOptions {
  /** A title page with the report's title, issuing body, place and date. */
  titlePage: boolean;
  /** A table of contents of the numbered headings. */
  toc: boolean;
  /** The endorsement annex (sections × groups, readiness, standing reservations). */
  annex: boolean;
  /**
   * The final text only: no draft banner, no markers on paragraphs that carry standing
   * reservations or objections, no block ids in the output. Numbers stay.
   */
  clean: boolean;
}

export const DEFAULT_EXPORT_OPTIONS: Readonly<ExportOptions> = { titlePage: true, toc: true, annex: true, clean: false };

export interface TextRun {
  text: string;
  bold: boolean;
  italic: boolean;
  /** A sanitized http(s)/mailto target; absent when the run is not a link. */
  href?: string;
}

export type Inline = TextRun | { lineBreak: true };

export function isLineBreak(inline: Inline): inline is { lineBreak: true } {
  return 'lineBreak' in inline;
}

export interface HeadingBlock {
  kind: 'heading';
  id: string;
  level: number;
  /** "I.", "A.", "1.", "(a)" — as in the editor; '' when the numbering gives none. */
  num: string;
  inlines: Inline[];
}

export interface ParagraphBlock {
  kind: 'paragraph';
  id: string;
  /** "12." for a numbered body paragraph; '' inside lists and quotes. */
  num: string;
  inlines: Inline[];
  /** Standing reservations/objections on this paragraph (0 in clean mode). */
  standing: number;
}

export interface ListBlock {
  kind: 'list';
  ordered: boolean;
  start: number;
  items: ListItem[];
}

export interface ListItem {
  id: string;
  blocks: ExportBlock[];
}

export interface QuoteBlock {
  kind: 'quote';
  id: string;
  blocks: ExportBlock[];
}

export type ExportBlock = HeadingBlock | ParagraphBlock | ListBlock | QuoteBlock;

export interface TocEntry {
  id: string;
  level: number;
  num: string;
  text: string;
}

export interface ExportMeta {
  /** Stable report id, used in Akoma Ntoso identifiers. */
  id: string;
  title: string;
  body: string;
  place: string;
  date: string;
  /** ISO time the report was created; a fallback date for identifiers. */
  created: string;
}

export interface ExportDocument {
  meta: ExportMeta;
  options: ExportOptions;
  blocks: ExportBlock[];
  toc: TocEntry[];
  /** Present only when the annex option is on and annex data was supplied. */
  annex: AnnexData | null;
  /** Number of numbered body paragraphs, for progress and tests. */
  paragraphCount: number;
}

/**
 * The editor's numbers keyed by the index of the block among the doc's top-level
 * children (only top-level blocks are numbered; ids may be missing mid-edit).
 */
export type BlockNumbers = ReadonlyMap<number, string>;

/** The editor's numbers (shared/numbering.ts) keyed by the numbered top-level nodes. */
export function blockNumbers(doc: PMNode): BlockNumbers {
  const numbers = new Map<number, string>();
  for (const block of numberBlocks(doc)) numbers.set(block.index, block.label);
  return numbers;
}

export interface BuildInput {
  doc: PMNode;
  numbers: BlockNumbers;
  meta: ExportMeta;
  options: ExportOptions;
  annex: AnnexData | null;
}

export function inlinesOf(node: PMNode): Inline[] {
  const out: Inline[] = [];
  node.forEach((child) => {
    if (child.type.name === 'hard_break') {
      out.push({ lineBreak: true });
      return;
    }
    if (!child.isText || !child.text) return;
    const run: TextRun = { text: child.text, bold: false, italic: false };
    for (const mark of child.marks as readonly Mark[]) {
      if (mark.type.name === 'strong') run.bold = true;
      else if (mark.type.name === 'em') run.italic = true;
      else if (mark.type.name === 'link') {
        const href = sanitizeHref(String(mark.attrs.href ?? ''));
        if (href) run.href = href;
      }
    }
    const last = out[out.length - 1];
    // Adjacent runs with the same formatting merge, so writers emit fewer elements.
    if (last && !isLineBreak(last) && last.bold === run.bold && last.italic === run.italic && last.href === run.href) {
      last.text += run.text;
    } else {
      out.push(run);
    }
  });
  return out;
}

export function plainText(inlines: readonly Inline[]): string {
  return inlines.map((i) => (isLineBreak(i) ? ' ' : i.text)).join('');
}

/**
 * Ids are unique in a healthy document; a block without one (Enter at the end of a
 * block, before the id plugin ran) gets a positional stand-in so anchors still resolve.
 */
function idFor(node: PMNode, fallback: () => string): string {
  const id = node.attrs.id;
  return typeof id === 'string' && id ? id : fallback();
}

export function buildExportDocument(input: BuildInput): ExportDocument {
  const { doc, numbers, options } = input;
  const standingByBlock = new Map<string, number>();
  if (!options.clean && options.annex && input.annex) {
    for (const s of input.annex.standing) standingByBlock.set(s.blockId, (standingByBlock.get(s.blockId) ?? 0) + 1);
  }
  let anonymous = 0;
  let paragraphCount = 0;
  const toc: TocEntry[] = [];
  const fallback = (): string => `block-${++anonymous}`;

  // Only the doc's own children are numbered; `topIndex` is -1 below the top level.
  const convert = (node: PMNode, topIndex: number): ExportBlock | null => {
    const num = topIndex >= 0 ? numbers.get(topIndex) ?? '' : '';
    switch (node.type.name) {
      case 'heading': {
        const block: HeadingBlock = {
          kind: 'heading',
          id: idFor(node, fallback),
          level: headingLevel(node.attrs.level),
          num,
          inlines: inlinesOf(node),
        };
        toc.push({ id: block.id, level: block.level, num: block.num, text: plainText(block.inlines) });
        return block;
      }
      case 'paragraph': {
        if (num) paragraphCount += 1;
        const id = idFor(node, fallback);
        return { kind: 'paragraph', id, num, inlines: inlinesOf(node), standing: standingByBlock.get(id) ?? 0 };
      }
      case 'bullet_list':
      case 'ordered_list': {
        const items: ListItem[] = [];
        node.forEach((item) => items.push({ id: idFor(item, fallback), blocks: children(item) }));
        const ordered = node.type.name === 'ordered_list';
        return { kind: 'list', ordered, start: ordered ? Number(node.attrs.order) || 1 : 1, items };
      }
      case 'blockquote':
        return { kind: 'quote', id: idFor(node, fallback), blocks: children(node) };
      default:
        return null;
    }
  };
  const children = (node: PMNode, top = false): ExportBlock[] => {
    const out: ExportBlock[] = [];
    node.forEach((child, _offset, index) => {
      const block = convert(child, top ? index : -1);
      if (block) out.push(block);
    });
    return out;
  };

  const blocks = children(doc, true);
  return {
    meta: input.meta,
    options,
    blocks,
    toc,
    annex: options.annex ? input.annex : null,
    paragraphCount,
  };
}

/** Every block in document order, lists and quotes included (for writers that stream). */
export function* walkBlocks(blocks: readonly ExportBlock[]): Generator<ExportBlock> {
  for (const block of blocks) {
    yield block;
    if (block.kind === 'list') for (const item of block.items) yield* walkBlocks(item.blocks);
    else if (block.kind === 'quote') yield* walkBlocks(block.blocks);
  }
}
