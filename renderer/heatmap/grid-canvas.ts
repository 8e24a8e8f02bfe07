/**
 * The heatmap's cells, drawn on canvases (a band of rows each, grid-bands.ts) that cover
 * only the rows and columns on screen (and a little overscan): each cell's fill, its
 * share in figures (wide columns), the stale "⁄", the accept bar at its foot, the
 * objection's corner triangle and the reservation's ring. A DOM element per cell cost
 * Blink style, layout and paint for every cell of a column switch (≈ 60 ms for a screen
 * of member columns) and for every row a stance repainted; the canvases cost a few
 * hundred rectangles. What must be DOM — the focused cell (its label for screen readers,
 * the keyboard's tab stop), the hovered cell's ring and the tooltip — is placed over the
 * canvases by grid-probe.ts.
 *
 * The canvases are aria-hidden; they take the pointer (grid-surfaces.ts turns its offsets
 * into a cell with `cellAt`). A repaint redraws only the cells whose look changed.
 */
import type { Cell } from '../../shared/heatmap/cells.ts';
import { ACCEPT_BAR, OBJECTION_MARK, VACANT_FILL, darkFill, fillFor } from '../../shared/heatmap/scale.ts';
import { LABEL_WIDTH, ROW_HEIGHT, type Span } from './grid-viewport.ts';
import { percent } from './grid-cells.ts';
import { RING_BOX } from './grid-sprites.ts';
import { INK, INK_ON_DARK, INSET_X, INSET_Y, type CellSprites, type Frames } from './grid-sprite-cache.ts';
import { BAND_ROWS, CanvasBands } from './grid-bands.ts';

/** A cell of the grid by row index and zero-based column, or none. */
export type CellAt = { row: number; column: number } | null;

const BAR = 4;
const TRIANGLE = 11;

/** What a cell looks like, as one string: a cell is redrawn only when it changes. */
function lookKey(cell: Cell | undefined, narrow: boolean): string {
  if (!cell) return '';
  if (cell.counts.members === 0) return 'vacant';
  const { marks } = cell;
  return `${fillOf(cell.endorseShare)}|${narrow ? '' : percent(cell.endorseShare)}|${cell.acceptShare}|${marks.objection ? 'o' : ''}${marks.reservation ? 'r' : ''}${marks.stale ? 's' : ''}`;
}

/** The text a cell shows: its share (wide columns) after a "⁄" when stale. */
function cellText(cell: Cell, narrow: boolean): string {
  if (cell.counts.members === 0) return '';
  const stale = cell.marks.stale ? (narrow ? '⁄' : '⁄ ') : '';
  return `${stale}${narrow ? '' : percent(cell.endorseShare)}`;
}

export class GridCanvas {
  private readonly bands = new CanvasBands();
  private readonly sprites: CellSprites;
  /** The rows the bands shown cover (some past the last row, left blank). */
  private rows: Span = { first: 0, last: -1 };
  private columns: Span = { first: 0, last: -1 };
  private cellWidth = 0;
  private narrow = false;
  /** Per drawn row, the look of each drawn column's cell. */
  private drawn = new Map<number, string[]>();
  private dirty = true;
  /** The least width (CSS pixels) the bands are made (see `reserve`). */
  private room = 0;

  constructor(sprites: CellSprites) {
    this.sprites = sprites;
  }

  /** What the grid puts in its body: the band canvases, aria-hidden; they take the pointer (see `cellAt`). */
  get element(): HTMLElement {
    return this.bands.element;
  }

  /** The cell (row index, zero-based column) under a point of one of the canvases, given in its own CSS pixels. */
  cellAt(target: EventTarget | null, x: number, y: number): CellAt {
    const row = this.bands.rowAt(target, y);
    if (row === null || this.cellWidth <= 0 || x < 0) return null;
    const column = this.columns.first + Math.floor(x / this.cellWidth);
    if (row < this.rows.first || row > this.rows.last || column > this.columns.last) return null;
    return { row, column };
  }

  /**
   * Makes sure the rows in `needed` are drawn: when what is drawn does not cover them,
   * covers `rows` × `columns` (cells `cellWidth` wide), widened to whole bands, and draws
   * every cell. `rows` holds `needed` with a margin, so that a small scroll finds its rows
   * already drawn.
   */
  draw(needed: Span, rows: Span, columns: Span, cellWidth: number, narrow: boolean, cellsOfRow: (index: number) => readonly Cell[] | undefined): void {
    // What is drawn still covers what is needed (a small scroll, a header that found
    // its height): nothing to do.
    if (!this.dirty && needed.first >= this.rows.first && needed.last <= this.rows.last && columns.first === this.columns.first
      && columns.last === this.columns.last && cellWidth === this.cellWidth && narrow === this.narrow) return;
    this.dirty = false;
    const firstBand = Math.floor(rows.first / BAND_ROWS);
    const lastBand = Math.floor(Math.max(rows.first, rows.last) / BAND_ROWS);
    this.rows = { first: firstBand * BAND_ROWS, last: (lastBand + 1) * BAND_ROWS - 1 };
    this.columns = columns;
    this.cellWidth = cellWidth;
    this.narrow = narrow;
    this.drawn.clear();
    this.bands.element.style.left = `${LABEL_WIDTH + columns.first * cellWidth}px`;
    this.bands.cover(firstBand, lastBand, Math.max(this.room, Math.max(0, columns.last - columns.first + 1) * cellWidth));
    for (let row = this.rows.first; row <= this.rows.last; row++) {
      const place = this.bands.at(row);
      if (place) this.drawFullRow(place.context, place.y, cellsOfRow(row));
    }
  }

  /**
   * Makes the canvases for `rows` rows, `width` CSS pixels wide, before they are shown
   * (for idle time, for the columns not shown yet): a column switch then draws on
   * canvases whose bitmaps exist. Later draws make them no narrower.
   */
  reserve(rows: number, width: number, cellWidth: number): void {
    this.room = Math.max(this.room, Math.ceil(width));
    const count = Math.ceil(this.room / cellWidth);
    this.bands.reserve(Math.ceil(rows / BAND_ROWS) + 1, this.room, (context) => this.sprites.warm(context, cellWidth, count));
  }

  /** The rows or columns changed meaning (new rows, other columns): the next draw draws everything. */
  invalidate(): void {
    this.dirty = true;
  }

  /** Redraws the cells of one row whose look changed (a stance or an edit changed its figures). */
  redrawRow(index: number, cells: readonly Cell[]): void {
    if (index < this.rows.first || index > this.rows.last) return;
    const place = this.bands.at(index);
    if (place) this.drawChangedCells(place.context, place.y, index, cells);
  }

  /**
   * A repaint of one row: redraws the cells whose look differs from the last repaint's, or
   * the whole row the first time. (A full draw, drawFullRow, keeps no record of the looks:
   * building them for every cell of a column switch is work no one reads.)
   */
  private drawChangedCells(context: CanvasRenderingContext2D, y: number, index: number, cells: readonly Cell[]): void {
    const before = this.drawn.get(index);
    const looks: string[] = [];
    for (let column = this.columns.first; column <= this.columns.last; column++) {
      const cell = cells[column];
      const slot = column - this.columns.first;
      const look = lookKey(cell, this.narrow);
      looks.push(look);
      if (before?.[slot] === look) continue;
      const x = slot * this.cellWidth;
      context.clearRect(x, y, this.cellWidth, ROW_HEIGHT);
      if (cell) this.drawCell(context, cell, x + INSET_X, y + INSET_Y);
    }
    this.drawn.set(index, looks);
  }

  /**
   * A whole row, layer by layer as drawCell draws one cell (fills, hatching, accept bars,
   * triangles, rings, figures, frames; the marks of one cell never overlap another's), so
   * a colour is set once per row rather than once per cell and the row's triangles are
   * one path: a screen of member columns is ≈ 500 cells.
   */
  private drawFullRow(context: CanvasRenderingContext2D, top: number, cells: readonly Cell[] | undefined): void {
    if (!cells) return;
    const y = top + INSET_Y;
    const width = this.cellWidth - 2 * INSET_X;
    const height = ROW_HEIGHT - 2 * INSET_Y;
    const first = this.columns.first;
    const last = Math.min(this.columns.last, cells.length - 1);
    const xOf = (column: number): number => (column - first) * this.cellWidth + INSET_X;
    let vacant = false;
    let bars = false;
    let triangles = false;
    for (let column = first; column <= last; column++) {
      const cell = cells[column];
      if (!cell) continue;
      const empty = cell.counts.members === 0;
      vacant ||= empty;
      bars ||= !empty && cell.acceptShare > 0;
      triangles ||= !empty && cell.marks.objection;
      context.fillStyle = empty ? VACANT_FILL : fillOf(cell.endorseShare);
      context.fillRect(xOf(column), y, width, height);
    }
    const marks = this.sprites.marks(context);
    if (vacant && marks.hatch) {
      context.fillStyle = marks.hatch;
      for (let column = first; column <= last; column++) if (cells[column]?.counts.members === 0) context.fillRect(xOf(column), y, width, height);
    }
    if (bars) {
      context.fillStyle = ACCEPT_BAR;
      for (let column = first; column <= last; column++) {
        const cell = cells[column];
        if (!cell || cell.counts.members === 0 || cell.acceptShare <= 0) continue;
        context.fillRect(xOf(column), y + height - BAR, Math.max(1, Math.round(width * cell.acceptShare)), BAR);
      }
    }
    if (triangles) {
      context.fillStyle = OBJECTION_MARK;
      context.beginPath();
      for (let column = first; column <= last; column++) {
        const cell = cells[column];
        if (!cell || cell.counts.members === 0 || !cell.marks.objection) continue;
        const right = xOf(column) + width;
        context.moveTo(right - TRIANGLE, y);
        context.lineTo(right, y);
        context.lineTo(right, y + TRIANGLE);
        context.closePath();
      }
      context.fill();
    }
    for (let column = first; column <= last; column++) {
      const cell = cells[column];
      if (!cell || cell.counts.members === 0) continue;
      const dark = darkFill(cell.endorseShare);
      if (cell.marks.reservation) context.drawImage(dark ? marks.ringOnDark : marks.ring, xOf(column), y, RING_BOX, RING_BOX);
      const text = cellText(cell, this.narrow);
      if (text) this.sprites.atlas(dark ? INK_ON_DARK : INK).draw(context, text, xOf(column), y, width);
    }
    // A full row's rounded corners in one image (its first slots), not one per cell.
    const frames = this.frameFor();
    const ratio = window.devicePixelRatio || 1;
    context.drawImage(frames.row, 0, 0, frames.rowWidth * ratio, ROW_HEIGHT * ratio, 0, y - INSET_Y, frames.rowWidth, ROW_HEIGHT);
  }

  /**
   * One cell (a repaint), in the order that lets the cheapest operations do it: the fill
   * and the accept bar as plain rectangles, the triangle as a three-point path, the ring
   * as a ready-drawn image, the text stamped from a glyph atlas, and last the frame —
   * white rounded-off corners over the square, as the grid's background is white. Anti-aliased round rectangles, clips and arcs per cell
   * cost Skia twice the raster time for a screen of member columns.
   */
  private drawCell(context: CanvasRenderingContext2D, cell: Cell, x: number, y: number): void {
    const width = this.cellWidth - 2 * INSET_X;
    const height = ROW_HEIGHT - 2 * INSET_Y;
    if (cell.counts.members === 0) {
      context.fillStyle = VACANT_FILL;
      context.fillRect(x, y, width, height);
      const hatch = this.sprites.marks(context).hatch;
      if (hatch) {
        context.fillStyle = hatch;
        context.fillRect(x, y, width, height);
      }
      context.drawImage(this.frameFor().cell, x, y, width, height);
      return;
    }
    context.fillStyle = fillOf(cell.endorseShare);
    context.fillRect(x, y, width, height);
    const dark = darkFill(cell.endorseShare);
    if (cell.acceptShare > 0) {
      context.fillStyle = ACCEPT_BAR;
      context.fillRect(x, y + height - BAR, Math.max(1, Math.round(width * cell.acceptShare)), BAR);
    }
    if (cell.marks.objection) {
      context.fillStyle = OBJECTION_MARK;
      context.beginPath();
      context.moveTo(x + width - TRIANGLE, y);
      context.lineTo(x + width, y);
      context.lineTo(x + width, y + TRIANGLE);
      context.closePath();
      context.fill();
    }
    if (cell.marks.reservation) {
      const marks = this.sprites.marks(context);
      context.drawImage(dark ? marks.ringOnDark : marks.ring, x, y, RING_BOX, RING_BOX);
    }
    const text = cellText(cell, this.narrow);
    if (text) this.sprites.atlas(dark ? INK_ON_DARK : INK).draw(context, text, x, y, width);
    context.drawImage(this.frameFor().cell, x, y, width, height);
  }

  /** The frames for the cell width and columns drawn now. */
  private frameFor(): Frames {
    return this.sprites.frameFor(this.cellWidth, Math.max(1, this.columns.last - this.columns.first + 1));
  }
}

/** Fills by share, made once each (d3's interpolation builds a new string every call). */
const fills = new Map<number, string>();
function fillOf(share: number): string {
  let fill = fills.get(share);
  if (fill === undefined) {
    if (fills.size > 4096) fills.clear();
    fills.set(share, (fill = fillFor(share)));
  }
  return fill;
}
