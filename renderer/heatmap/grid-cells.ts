/**
 * What one heatmap row and its cells look like, as markup for building many rows at once
 * (one parse for a whole screen of rows is far cheaper than thousands of createElement
 * and setAttribute calls) and as property writes for repainting a row in place (a live
 * stance keeps focus, hover and the tooltip where they are).
 *
 * A cell is one element: the fill is its background colour and the stale mark a "⁄"
 * before the share in its text; the accept bar, the objection triangle and the
 * reservation ring are drawn on the marks canvas (grid-marks.ts), and named by classes.
 * Its aria-label names the row, the column and every count.
 */
import type { HeatmapModel } from '../../shared/heatmap/model.ts';
import type { HeatmapRow } from '../../shared/heatmap/rows.ts';
import { describeCounts, describeMarks, type Cell } from '../../shared/heatmap/cells.ts';
import { COLUMN_STATE_LABELS } from '../../shared/consensus/rules.ts';
import { VACANT_FILL, darkFill, fillFor } from '../../shared/heatmap/scale.ts';
import { LABEL_WIDTH, ROW_HEIGHT } from './grid-viewport.ts';

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

/** Everything a cell element shows. */
export interface CellLook {
  readonly className: string;
  readonly fill: string;
  readonly text: string;
  readonly label: string;
  /** The counts in words, for the tooltip. */
  readonly counts: string;
}

export function cellLook(cell: Cell, rowName: string, columnLabel: string, narrow: boolean): CellLook {
  const vacant = cell.counts.members === 0;
  const { marks } = cell;
  let className = 'hm-cell';
  if (vacant) className += ' hm-vacant';
  else if (darkFill(cell.endorseShare)) className += ' hm-dark';
  if (marks.objection) className += ' hm-objection';
  if (marks.reservation) className += ' hm-reservation';
  if (marks.stale) className += ' hm-stale';
  const share = percent(cell.endorseShare);
  const counts = vacant ? 'no active members' : describeCounts(cell.counts);
  const markWords = describeMarks(marks);
  return {
    className,
    fill: vacant ? VACANT_FILL : fillFor(cell.endorseShare),
    text: vacant ? '' : `${marks.stale ? (narrow ? '⁄' : '⁄ ') : ''}${narrow ? '' : share}`,
    label: `${rowName}, ${columnLabel}: ${vacant ? 'no active members' : `${share} endorse; ${counts}; ${COLUMN_STATE_LABELS[cell.state]}${markWords ? `; ${markWords}` : ''}`}`,
    counts,
  };
}

export interface RowContext {
  readonly model: HeatmapModel;
  readonly columns: readonly { readonly label: string }[];
  readonly narrow: boolean;
  /** Width of a column in CSS pixels. */
  readonly cellWidth: number;
  /** The columns (zero-based, ascending) that get cells: those near the viewport, and the focused one. */
  readonly shown: readonly number[];
  readonly expanded: boolean;
  readonly odd: boolean;
  /** Column (0 = row header, i + 1 = column i) that holds the grid's tab stop, or −1. */
  readonly tabStop: number;
}

/**
 * One row as markup, and the styles its elements need. The app's Content-Security-Policy
 * (style-src 'self') drops style attributes in parsed markup, so positions and fills are
 * set through the CSSOM after the parse (`styleRow`).
 */
export interface RowBuild {
  readonly html: string;
  readonly top: number;
  /** Per cell, in order: its left edge in the row (px) and its fill. */
  readonly lefts: readonly number[];
  readonly fills: readonly string[];
}

/** One row's markup: the row header and the cells of the columns in `context.shown`. */
export function rowBuild(row: HeatmapRow, index: number, cells: readonly Cell[], context: RowContext): RowBuild {
  const head = rowHeadOf(context.model, row);
  const { shown, tabStop } = context;
  let html = `<div class="hm-row hm-${row.kind} hm-level-${Math.min(row.level, 5)}${context.odd ? ' hm-odd' : ''}" role="row" aria-rowindex="${index + 2}"`
    + ` data-index="${index}" data-id="${escapeHtml(row.id)}" data-kind="${row.kind}">`
    + `<div class="hm-rowhead" role="rowheader" aria-colindex="1" tabindex="${tabStop === 0 ? 0 : -1}" data-col="0" title="${escapeHtml(head.title)}"`
    + (row.kind === 'section' ? ` aria-expanded="${context.expanded}"><span class="hm-twisty" aria-hidden="true">${context.expanded ? '▾' : '▸'}</span>` : '>')
    + `<span class="hm-number">${escapeHtml(head.number)}</span><span class="hm-title">${escapeHtml(head.text)}</span></div>`;
  const lefts: number[] = [];
  const fills: string[] = [];
  for (const i of shown) {
    const cell = cells[i];
    if (!cell) continue;
    lefts.push(LABEL_WIDTH + i * context.cellWidth + 1);
    const look = cellLook(cell, head.name, context.columns[i]?.label ?? '', context.narrow);
    fills.push(look.fill);
    html += `<div class="${look.className}" role="gridcell" aria-colindex="${i + 2}" tabindex="${tabStop === i + 1 ? 0 : -1}" data-col="${i + 1}"`
      + ` aria-label="${escapeHtml(look.label)}" data-counts="${escapeHtml(look.counts)}">${look.text}</div>`;
  }
  return { html: `${html}</div>`, top: index * ROW_HEIGHT, lefts, fills };
}

/** Sets the styles of a row parsed from `build.html`. */
export function styleRow(element: HTMLElement, build: RowBuild): void {
  element.style.top = `${build.top}px`;
  let i = 0;
  for (let child = element.firstElementChild?.nextElementSibling; child; child = child.nextElementSibling, i++) {
    const style = (child as HTMLElement).style;
    style.left = `${build.lefts[i] ?? 0}px`;
    style.backgroundColor = build.fills[i] ?? '';
  }
}

/** Repaints a built row in place from the current figures (only what changed is written). */
export function paintRowElement(element: HTMLElement, row: HeatmapRow, cells: readonly Cell[], context: Pick<RowContext, 'model' | 'columns' | 'narrow'>): void {
  const head = rowHeadOf(context.model, row);
  const header = element.firstElementChild as HTMLElement;
  const number = header.querySelector('.hm-number');
  const title = header.querySelector('.hm-title');
  if (number && number.textContent !== head.number) number.textContent = head.number;
  if (title && title.textContent !== head.text) title.textContent = head.text;
  if (header.title !== head.title) header.title = head.title;
  for (let child = header.nextElementSibling; child; child = child.nextElementSibling) {
    const cellElement = child as HTMLElement;
    const i = Number(cellElement.dataset.col) - 1;
    const cell = cells[i];
    if (!cell) continue;
    const look = cellLook(cell, head.name, context.columns[i]?.label ?? '', context.narrow);
    if (cellElement.className !== look.className) cellElement.className = look.className;
    if (cellElement.style.backgroundColor !== look.fill) cellElement.style.backgroundColor = look.fill;
    if (cellElement.textContent !== look.text) cellElement.textContent = look.text;
    if (cellElement.getAttribute('aria-label') !== look.label) cellElement.setAttribute('aria-label', look.label);
    if (cellElement.dataset.counts !== look.counts) cellElement.dataset.counts = look.counts;
  }
}
