/**
 * The report as a Word document, with the `docx` library: real heading styles
 * (Heading 1–4, so Word's navigation pane and a TOC field work), body paragraphs with
 * the editor's numbers written literally before a tab on a hanging indent (the same
 * numbers as the editor, whatever the reader's list engine does), real Word lists for
 * bulleted and numbered lists, a "Quote" style, and a real table for the annex on a
 * landscape section. Opens in Word and LibreOffice and stays editable there.
 */
import {
  AlignmentType, BorderStyle, Document, ExternalHyperlink, Footer, HeadingLevel, LevelFormat, Packer, PageBreak,
  PageNumber, PageOrientation, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType,
  type ParagraphChild,
} from 'docx';
import {
  ANNEX_STATUS_LABEL, formatReadiness, sectionLabel, stanceLabel, type AnnexCellStatus, type AnnexData,
} from '../../../shared/export/annex.ts';
import { isLineBreak, type ExportBlock, type ExportDocument, type Inline } from '../../../shared/export/model.ts';

const FONT = 'Times New Roman';
/** Twentieths of a point: the hanging indent that holds a paragraph number. */
const NUMBER_INDENT = 567;
const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4] as const;
const STATUS_FILL: Readonly<Record<AnnexCellStatus, string>> = {
  recognized: 'DCFCE7', partly: 'FEF9C3', objection: 'FEE2E2', none: 'F4F4F5',
};

export interface DocxProgress {
  /** Called after each chunk of blocks; may throw (an AbortError) to stop. */
  onBlocks?: (done: number, total: number) => void;
  /** Checked between chunks, which also let the event loop turn so a cancel can arrive. */
  signal?: AbortSignal;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function runs(inlines: readonly Inline[], extra: { bold?: boolean; italics?: boolean } = {}): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  let pendingBreak = 0;
  for (const inline of inlines) {
    if (isLineBreak(inline)) {
      pendingBreak += 1;
      continue;
    }
    const run = new TextRun({
      text: inline.text,
      bold: inline.bold || extra.bold,
      italics: inline.italic || extra.italics,
      break: pendingBreak || undefined,
      style: inline.href ? 'Hyperlink' : undefined,
    });
    pendingBreak = 0;
    out.push(inline.href ? new ExternalHyperlink({ link: inline.href, children: [run] }) : run);
  }
  if (pendingBreak) out.push(new TextRun({ text: '', break: pendingBreak }));
  return out;
}

/**
 * A numbered block's runs: the number and its tab in the first run when that run is plain
 * text (one run fewer for each of a long report's ~1,600 numbered blocks), else a run of its own.
 */
function numberedRuns(num: string, inlines: readonly Inline[]): ParagraphChild[] {
  const [first, ...rest] = inlines;
  if (first && !isLineBreak(first) && !first.bold && !first.italic && !first.href) {
    return runs([{ ...first, text: `${num}\t${first.text}` }, ...rest]);
  }
  return [new TextRun(`${num}\t`), ...runs(inlines)];
}

interface ListContext {
  /** Nesting depth of lists (0 outside any list). */
  depth: number;
  quote: boolean;
}

class DocxBuilder {
  private nextListInstance = 1;
  /** Ordered lists that start elsewhere than 1 need a definition of their own. */
  readonly orderedStarts = new Set<number>([1]);
  private readonly doc: ExportDocument;

  constructor(doc: ExportDocument) {
    this.doc = doc;
  }

  blocks(blocks: readonly ExportBlock[], ctx: ListContext, out: Paragraph[], listRef?: { reference: string; instance: number }): void {
    for (const block of blocks) {
      switch (block.kind) {
        case 'heading':
          if (ctx.depth === 0 && !ctx.quote) {
            out.push(new Paragraph({
              heading: HEADINGS[block.level - 1],
              keepNext: true,
              children: block.num ? numberedRuns(block.num, block.inlines) : runs(block.inlines),
            }));
          } else {
            out.push(this.plain(block.inlines, ctx, listRef, { bold: true }));
          }
          break;
        case 'paragraph':
          if (block.num) {
            const marker = block.standing > 0 ? [new TextRun({ text: ` [${block.standing}]`, superScript: true })] : [];
            out.push(new Paragraph({
              style: 'NumberedParagraph',
              children: [...numberedRuns(block.num, block.inlines), ...marker],
            }));
          } else {
            out.push(this.plain(block.inlines, ctx, listRef));
          }
          // Only the first paragraph of a list item carries the bullet or number.
          listRef = undefined;
          break;
        case 'list': {
          const reference = block.ordered ? `ordered-${block.start}` : 'bullets';
          if (block.ordered) this.orderedStarts.add(block.start);
          const instance = this.nextListInstance++;
          for (const item of block.items) {
            this.blocks(item.blocks, { ...ctx, depth: ctx.depth + 1 }, out, { reference, instance });
          }
          listRef = undefined;
          break;
        }
        case 'quote':
          this.blocks(block.blocks, { ...ctx, quote: true }, out, listRef);
          listRef = undefined;
          break;
      }
    }
  }

  private plain(inlines: readonly Inline[], ctx: ListContext, listRef?: { reference: string; instance: number }, extra: { bold?: boolean } = {}): Paragraph {
    const level = Math.min(8, Math.max(0, ctx.depth - 1));
    const indent = ctx.depth > 0 && !listRef ? { left: NUMBER_INDENT * (ctx.depth + 1) } : undefined;
    return new Paragraph({
      style: ctx.quote ? 'Quote' : ctx.depth > 0 ? undefined : 'BodyText',
      numbering: listRef ? { reference: listRef.reference, level, instance: listRef.instance } : undefined,
      indent,
      children: runs(inlines, extra),
    });
  }

  titlePage(): Paragraph[] {
    const { title, body, place, date } = this.doc.meta;
    const placeDate = [place, date].filter(Boolean).join(', ');
    const out: Paragraph[] = [];
    if (body) out.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 3600, after: 240 }, children: [new TextRun({ text: body, size: 28 })] }));
    out.push(new Paragraph({
      style: 'Title',
      alignment: AlignmentType.CENTER,
      spacing: { before: body ? 240 : 3600, after: 480 },
      children: [new TextRun({ text: title || 'Untitled report', bold: true, size: 44 })],
    }));
    if (placeDate) out.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: placeDate, size: 24 })] }));
    out.push(new Paragraph({ children: [new PageBreak()] }));
    return out;
  }

  contents(): Paragraph[] {
    // Literal entries rather than a TOC field: a field shows nothing until the reader
    // updates it, and LibreOffice's headless conversion never does.
    const out = [new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun({ text: 'Contents', size: 28, bold: true })] })];
    for (const entry of this.doc.toc) {
      out.push(new Paragraph({
        indent: { left: NUMBER_INDENT * (entry.level - 1) },
        spacing: { after: 60 },
        children: [new TextRun(entry.num ? `${entry.num} ${entry.text}` : entry.text)],
      }));
    }
    if (this.doc.annex) out.push(new Paragraph({ children: [new TextRun('Annex: Endorsement by stakeholder group')] }));
    out.push(new Paragraph({ children: [new PageBreak()] }));
    return out;
  }
}

const cellBorder = { style: BorderStyle.SINGLE, size: 4, color: '555555' };
/**
 * The annex tables' look (borders, cell margins, 9-point text) is set once per table and
 * in two paragraph styles, not on each of the ~4,000 cells of a long report's annex: per
 * cell it was 70 % of document.xml (2.4 of 3.5 MB) and most of the export's CPU
 * (test/bench/RESULTS.md). Word and LibreOffice draw the same borders and margins.
 */
const tableBorders = {
  top: cellBorder, bottom: cellBorder, left: cellBorder, right: cellBorder, insideHorizontal: cellBorder, insideVertical: cellBorder,
};
const cellMargins = { top: 40, bottom: 40, left: 80, right: 80 };
const CELL_STYLE = 'AnnexCell';
const HEADER_CELL_STYLE = 'AnnexHeaderCell';

function textCell(text: string, options: { header?: boolean; fill?: string } = {}): TableCell {
  return new TableCell({
    shading: options.fill ? { type: ShadingType.CLEAR, color: 'auto', fill: options.fill } : undefined,
    children: [new Paragraph({ style: options.header ? HEADER_CELL_STYLE : CELL_STYLE, children: [new TextRun(text)] })],
  });
}

function table(rows: string[][], fills?: (row: number, col: number) => string | undefined): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: tableBorders,
    margins: cellMargins,
    rows: rows.map((cells, r) => new TableRow({
      tableHeader: r === 0 ? true : undefined,
      cantSplit: true,
      children: cells.map((text, c) => textCell(text, { header: r === 0 || c === 0, fill: r === 0 ? 'EEEEEE' : fills?.(r - 1, c) })),
    })),
  });
}

export function annexChildren(annex: AnnexData): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('Annex')] }),
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('Endorsement of the report by stakeholder group')] }),
    new Paragraph({
      style: 'BodyText',
      children: [
        new TextRun(`Consensus rule: ${annex.ruleLabel}. Readiness: `),
        new TextRun({ text: formatReadiness(annex.readiness), bold: true }),
        new TextRun(' of the report\'s blocks are recognized by every stakeholder group. Only verified stances on the current text are counted.'),
      ],
    }),
  ];
  const header = ['Section', ...annex.groups.map((g) => g.label)];
  const rows = annex.sections.map((s) => [sectionLabel(s), ...annex.groups.map((g) => ANNEX_STATUS_LABEL[s.cells[g.id] ?? 'none'])]);
  out.push(table([header, ...rows], (r, c) => (c === 0 ? undefined : STATUS_FILL[annex.sections[r]!.cells[annex.groups[c - 1]!.id] ?? 'none'])));
  out.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('Standing reservations and objections')] }));
  if (annex.standing.length === 0) {
    out.push(new Paragraph({ style: 'BodyText', children: [new TextRun('None.')] }));
  } else {
    const standing = annex.standing.map((s) => [s.ref || '—', stanceLabel(s.stance), s.memberName, s.groupLabel, s.note]);
    out.push(table([['Paragraph', 'Stance', 'Member', 'Group', 'Note'], ...standing]));
  }
  return out;
}

function listLevels(format: 'bullet' | 'decimal', start: number): NonNullable<ConstructorParameters<typeof Document>[0]['numbering']>['config'][number]['levels'] {
  const bullets = ['•', '◦', '▪'];
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    format: format === 'bullet' ? LevelFormat.BULLET : level % 3 === 1 ? LevelFormat.LOWER_LETTER : level % 3 === 2 ? LevelFormat.LOWER_ROMAN : LevelFormat.DECIMAL,
    text: format === 'bullet' ? bullets[level % 3]! : `%${level + 1}.`,
    start: level === 0 ? start : 1,
    alignment: AlignmentType.START,
    style: { paragraph: { indent: { left: NUMBER_INDENT * (level + 2), hanging: 360 } } },
  }));
}

/** Builds the .docx bytes. `onBlocks` reports progress and may throw to cancel. */
export async function renderDocx(doc: ExportDocument, progress: DocxProgress = {}): Promise<Uint8Array> {
  const builder = new DocxBuilder(doc);
  const body: Paragraph[] = [];
  const draft = doc.options.clean
    ? null
    : new Paragraph({ style: 'BodyText', children: [new TextRun({ text: 'Draft — not the final text.', italics: true, color: '7C2D12' })] });
  const chunk = 200;
  for (let i = 0; i < doc.blocks.length; i += chunk) {
    builder.blocks(doc.blocks.slice(i, i + chunk), { depth: 0, quote: false }, body);
    progress.onBlocks?.(Math.min(i + chunk, doc.blocks.length), doc.blocks.length);
    await yieldToEventLoop();
    progress.signal?.throwIfAborted();
  }
  const front = [...(doc.options.titlePage ? builder.titlePage() : []), ...(doc.options.toc ? builder.contents() : [])];
  if (draft) front.unshift(draft);
  const pageNumbers = {
    default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: 18 })] })] }),
    // The title page carries no number.
    first: new Footer({ children: [] }),
  };
  const sections: ConstructorParameters<typeof Document>[0]['sections'][number][] = [{
    properties: { page: { margin: { top: 1417, bottom: 1247, left: 1247, right: 1247 } }, titlePage: doc.options.titlePage },
    footers: pageNumbers,
    children: [...front, ...body],
  }];
  if (doc.annex) {
    sections.push({
      properties: { page: { size: { orientation: PageOrientation.LANDSCAPE }, margin: { top: 1020, bottom: 1020, left: 850, right: 850 } } },
      footers: { default: pageNumbers.default },
      children: annexChildren(doc.annex),
    });
  }
  const document = new Document({
    title: doc.meta.title,
    creator: doc.meta.body || 'Plenary',
    description: 'Exported from Plenary',
    styles: {
      default: {
        document: { run: { font: FONT, size: 24 } },
        heading1: { run: { font: FONT, size: 30, bold: true, color: '000000' }, paragraph: { spacing: { before: 360, after: 180 }, indent: { left: NUMBER_INDENT, hanging: NUMBER_INDENT } } },
        heading2: { run: { font: FONT, size: 26, bold: true, color: '000000' }, paragraph: { spacing: { before: 300, after: 140 }, indent: { left: NUMBER_INDENT, hanging: NUMBER_INDENT } } },
        heading3: { run: { font: FONT, size: 24, bold: true, color: '000000' }, paragraph: { spacing: { before: 240, after: 120 }, indent: { left: NUMBER_INDENT, hanging: NUMBER_INDENT } } },
        heading4: { run: { font: FONT, size: 24, italics: true, color: '000000' }, paragraph: { spacing: { before: 200, after: 100 }, indent: { left: NUMBER_INDENT, hanging: NUMBER_INDENT } } },
      },
      paragraphStyles: [
        { id: 'BodyText', name: 'Body Text', basedOn: 'Normal', quickFormat: true, paragraph: { spacing: { after: 160 } } },
        {
          id: 'NumberedParagraph', name: 'Numbered Paragraph', basedOn: 'Normal', quickFormat: true,
          paragraph: { alignment: AlignmentType.LEFT, spacing: { after: 160 }, indent: { left: NUMBER_INDENT, hanging: NUMBER_INDENT } },
        },
        { id: CELL_STYLE, name: 'Annex Cell', basedOn: 'Normal', run: { size: 18 }, paragraph: { spacing: { after: 0 } } },
        { id: HEADER_CELL_STYLE, name: 'Annex Header Cell', basedOn: CELL_STYLE, run: { bold: true } },
        {
          id: 'Quote', name: 'Quote', basedOn: 'Normal', quickFormat: true,
          run: { italics: true },
          paragraph: { spacing: { after: 120 }, indent: { left: NUMBER_INDENT * 2, right: NUMBER_INDENT } },
        },
      ],
    },
    numbering: {
      config: [
        { reference: 'bullets', levels: listLevels('bullet', 1) },
        ...[...builder.orderedStarts].map((start) => ({ reference: `ordered-${start}`, levels: listLevels('decimal', start) })),
      ],
    },
    sections,
  });
  progress.signal?.throwIfAborted();
  const bytes = new Uint8Array(await Packer.toBuffer(document));
  progress.signal?.throwIfAborted();
  return bytes;
}
