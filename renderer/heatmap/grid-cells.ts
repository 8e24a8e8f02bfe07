/**
 * What one heatmap row looks like in the DOM — its row header, as markup for building a
 * screen of rows in one parse, and as property writes for bringing it up to date in place
 * — and what a cell says: its classes (which marks it has) and its aria-label naming the
 * row, the column and every count. The cells themselves are drawn on the canvas
 * (grid-canvas.ts); only the focused and the hovered cell are elements (grid-probe.ts).
 */
import type { HeatmapModel } from '../../shared/heatmap/model.ts';
import type { HeatmapRow } from '../../shared/heatmap/rows.ts';
import { describeCounts, describeMarks, type Cell } from '../../shared/heatmap/cells.ts';
import { COLUMN_STATE_LABELS } from '../../shared/consensus/rules.ts';
import { ROW_HEIGHT } from './grid-viewport.ts';

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/** The row header's parts: its number, its text and the full name shown on hover. */
export interface RowHead {
  readonly number: string;
  readonly text: string;
  readonly title: string;
  /** "Section II. Title" or "Paragraph 12.": the start of every cell's label. */
  readonly name: string;
}

export function rowHeadOf(model: HeatmapModel, row: HeatmapRow): RowHead {
  const block = row.kind === 'paragraph' ? model.engine.blocks.byId.get(row.id) : undefined;
  const text = row.kind === 'section' ? model.section(row.id)?.title ?? row.title : block && block.kind !== 'heading' ? block.text : row.title;
  const name = `${row.kind === 'section' ? 'Section' : 'Paragraph'} ${row.number || ''} ${row.kind === 'section' ? text : ''}`.replace(/\s+/g, ' ').trim();
  return { number: row.number, text: text || '(empty)', title: `${row.number} ${text}`.trim(), name };
}

/** What a cell's element says: its classes (its marks) and its name. */
export interface CellLook {
  readonly className: string;
  readonly label: string;
  /** The counts in words, for the tooltip. */
  readonly counts: string;
}

export function cellLook(cell: Cell, rowName: string, columnLabel: string): CellLook {
  const vacant = cell.counts.members === 0;
  const { marks } = cell;
  let className = 'hm-cell';
  if (vacant) className += ' hm-vacant';
  if (marks.objection) className += ' hm-objection';
  if (marks.reservation) className += ' hm-reservation';
  if (marks.stale) className += ' hm-stale';
  const share = percent(cell.endorseShare);
  const counts = vacant ? 'no active members' : describeCounts(cell.counts);
  const markWords = describeMarks(marks);
  return {
    className,
    label: `${rowName}, ${columnLabel}: ${vacant ? 'no active members' : `${share} endorse; ${counts}; ${COLUMN_STATE_LABELS[cell.state]}${markWords ? `; ${markWords}` : ''}`}`,
    counts,
  };
}

export interface RowContext {
  readonly model: HeatmapModel;
  readonly expanded: boolean;
  readonly odd: boolean;
  /** Whether the row header holds the grid's tab stop. */
  readonly tabStop: boolean;
}

/**
 * One row as markup: the row element and its row header (the cells are drawn on the
 * canvas; the focused one is added by grid-probe.ts). The app's Content-Security-Policy
 * (style-src 'self') drops style attributes in parsed markup, so the row's place is set
 * through the CSSOM after the parse (`styleRow`).
 */
export function rowMarkup(row: HeatmapRow, index: number, context: RowContext): string {
  const head = rowHeadOf(context.model, row);
  return `<div class="hm-row hm-${row.kind} hm-level-${Math.min(row.level, 5)}${context.odd ? ' hm-odd' : ''}" role="row" aria-rowindex="${index + 2}"`
    + ` data-index="${index}" data-id="${escapeHtml(row.id)}" data-kind="${row.kind}" data-expanded="${context.expanded}">`
    + `<div class="hm-rowhead" role="rowheader" aria-colindex="1" tabindex="${context.tabStop ? 0 : -1}" data-col="0" title="${escapeHtml(head.title)}"`
    + (row.kind === 'section' ? ` aria-expanded="${context.expanded}"><span class="hm-twisty" aria-hidden="true">${context.expanded ? '▾' : '▸'}</span>` : '>')
    + `<span class="hm-number">${escapeHtml(head.number)}</span><span class="hm-title">${escapeHtml(head.text)}</span></div></div>`;
}

/** Places a row parsed from `rowMarkup`. */
export function styleRow(element: HTMLElement, index: number): void {
  element.style.top = `${index * ROW_HEIGHT}px`;
}

/** Brings a built row's header up to date (an edit changes a paragraph's text; only what changed is written). */
export function paintRowHead(element: HTMLElement, head: RowHead): void {
  const header = element.firstElementChild as HTMLElement;
  const number = header.querySelector('.hm-number');
  const title = header.querySelector('.hm-title');
  if (number && number.textContent !== head.number) number.textContent = head.number;
  if (title && title.textContent !== head.text) title.textContent = head.text;
  if (header.title !== head.title) header.title = head.title;
}
