/**
 * The cells' marks — the accept bar at the foot, the objection's corner triangle and the
 * reservation's ring — drawn on one canvas laid over the rows and columns on screen,
 * instead of two pseudo-elements and a background per cell: those doubled the style,
 * layout and paint work of a screen of member columns. The cells themselves stay DOM
 * elements (fill, text, focus, hover, aria-label and the mark classes); the canvas is
 * aria-hidden and lets the pointer through.
 */
import type { Cell } from '../../shared/heatmap/cells.ts';
import { ACCEPT_BAR, OBJECTION_MARK, darkFill } from '../../shared/heatmap/scale.ts';
import { LABEL_WIDTH, ROW_HEIGHT, type Span } from './grid-viewport.ts';

/** Cell box inside its row and column slot (heatmap.css: top 2px, 1px each side). */
const INSET_X = 1;
const INSET_Y = 2;
const RADIUS = 4;
const BAR = 4;
const TRIANGLE = 11;
/** The ring: 6 px inside a 1.5 px line, 3 px from the cell's top left corner. */
const RING = 3.75;
const RING_CENTRE = 7.5;

export class GridMarks {
  readonly canvas: HTMLCanvasElement;
  private rows: Span = { first: 0, last: -1 };
  private columns: Span = { first: 0, last: -1 };
  private cellWidth = 0;

  constructor() {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'hm-marks';
    this.canvas.setAttribute('aria-hidden', 'true');
  }

  /** Covers rows × columns (cells `cellWidth` wide) and draws every cell's marks. */
  draw(rows: Span, columns: Span, cellWidth: number, cellsOfRow: (index: number) => readonly Cell[] | undefined): void {
    this.rows = rows;
    this.columns = columns;
    this.cellWidth = cellWidth;
    const width = Math.max(0, columns.last - columns.first + 1) * cellWidth;
    const height = Math.max(0, rows.last - rows.first + 1) * ROW_HEIGHT;
    const ratio = window.devicePixelRatio || 1;
    const style = this.canvas.style;
    style.left = `${LABEL_WIDTH + columns.first * cellWidth}px`;
    style.top = `${rows.first * ROW_HEIGHT}px`;
    style.width = `${width}px`;
    style.height = `${height}px`;
    const pixelsWide = Math.ceil(width * ratio);
    const pixelsHigh = Math.ceil(height * ratio);
    if (this.canvas.width !== pixelsWide || this.canvas.height !== pixelsHigh) {
      this.canvas.width = pixelsWide;
      this.canvas.height = pixelsHigh;
    }
    const context = this.context();
    if (!context) return;
    context.clearRect(0, 0, width, height);
    for (let row = rows.first; row <= rows.last; row++) this.drawRow(context, row, cellsOfRow(row));
  }

  /** Redraws one row's marks (a stance or an edit changed its figures). */
  redrawRow(index: number, cells: readonly Cell[]): void {
    if (index < this.rows.first || index > this.rows.last) return;
    const context = this.context();
    if (!context) return;
    const width = (this.columns.last - this.columns.first + 1) * this.cellWidth;
    context.clearRect(0, (index - this.rows.first) * ROW_HEIGHT, width, ROW_HEIGHT);
    this.drawRow(context, index, cells);
  }

  private context(): CanvasRenderingContext2D | null {
    const context = this.canvas.getContext('2d');
    if (!context) return null;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    return context;
  }

  private drawRow(context: CanvasRenderingContext2D, index: number, cells: readonly Cell[] | undefined): void {
    if (!cells) return;
    const y = (index - this.rows.first) * ROW_HEIGHT + INSET_Y;
    const height = ROW_HEIGHT - 2 * INSET_Y;
    const width = this.cellWidth - 2 * INSET_X;
    for (let column = this.columns.first; column <= this.columns.last; column++) {
      const cell = cells[column];
      if (!cell || cell.counts.members === 0) continue;
      const x = (column - this.columns.first) * this.cellWidth + INSET_X;
      if (cell.acceptShare > 0) {
        context.fillStyle = ACCEPT_BAR;
        context.beginPath();
        context.roundRect(x, y + height - BAR, Math.max(1, width * cell.acceptShare), BAR, [0, 0, RADIUS, RADIUS]);
        context.fill();
      }
      if (cell.marks.objection) {
        context.save();
        context.beginPath();
        context.roundRect(x, y, width, height, RADIUS);
        context.clip();
        context.fillStyle = OBJECTION_MARK;
        context.beginPath();
        context.moveTo(x + width - TRIANGLE, y);
        context.lineTo(x + width, y);
        context.lineTo(x + width, y + TRIANGLE);
        context.closePath();
        context.fill();
        context.restore();
      }
      if (cell.marks.reservation) {
        context.strokeStyle = darkFill(cell.endorseShare) ? '#ffffff' : '#1f2430';
        context.lineWidth = 1.5;
        context.beginPath();
        context.arc(x + RING_CENTRE, y + RING_CENTRE, RING, 0, 2 * Math.PI);
        context.stroke();
      }
    }
  }
}
