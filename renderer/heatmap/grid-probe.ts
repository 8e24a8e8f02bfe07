/**
 * A cell of the canvas-drawn grid made real in the DOM, over its place on the canvas:
 * the focused cell (the grid's tab stop, named for screen readers with its row, column
 * and every count, in its row element so the grid's row → gridcell structure holds) and
 * the hovered cell (its ring, and the same name for whoever reads it). It is transparent:
 * the canvas below shows the fill and marks; the probe adds the focus outline or the
 * hover ring, and lets the pointer through to the canvas.
 */
import type { Cell } from '../../shared/heatmap/cells.ts';
import { cellLook } from './grid-cells.ts';
import { LABEL_WIDTH } from './grid-viewport.ts';

export interface ProbePlace {
  /** The row element the cell belongs to. */
  readonly rowElement: HTMLElement;
  /** Row index in the grid's row list. */
  readonly index: number;
  /** Zero-based column. */
  readonly column: number;
}

export class CellProbe {
  readonly element: HTMLElement;
  private placed: ProbePlace | null = null;
  private counts = '';

  /** 'hm-focus-cell' or 'hm-hover-cell'. */
  private readonly role: string;

  constructor(role: string) {
    this.role = role;
    this.element = document.createElement('div');
    this.element.className = `hm-cell ${role}`;
    this.element.setAttribute('role', 'gridcell');
    this.element.tabIndex = -1;
  }

  get place(): ProbePlace | null {
    return this.placed;
  }

  /** The counts in words, for the tooltip. */
  get countsText(): string {
    return this.counts;
  }

  /** Puts the probe on a cell (moving it into the cell's row element when it is elsewhere) and names it. */
  show(place: ProbePlace, cell: Cell | undefined, rowName: string, columnLabel: string, cellWidth: number): void {
    const { element } = this;
    const moved = this.placed?.rowElement !== place.rowElement || element.parentElement !== place.rowElement;
    this.placed = place;
    const left = `${LABEL_WIDTH + place.column * cellWidth + 1}px`;
    if (element.style.left !== left) element.style.left = left;
    const colIndex = String(place.column + 2);
    if (element.getAttribute('aria-colindex') !== colIndex) element.setAttribute('aria-colindex', colIndex);
    element.dataset.col = String(place.column + 1);
    this.paint(cell, rowName, columnLabel);
    if (moved) place.rowElement.append(element);
  }

  /** New figures for the cell the probe is on. */
  paint(cell: Cell | undefined, rowName: string, columnLabel: string): void {
    const { element } = this;
    if (!cell) {
      this.counts = '';
      element.removeAttribute('aria-label');
      return;
    }
    const look = cellLook(cell, rowName, columnLabel);
    const className = `${look.className} ${this.role}${element.classList.contains('hm-hovered') ? ' hm-hovered' : ''}`;
    if (element.className !== className) element.className = className;
    if (element.getAttribute('aria-label') !== look.label) element.setAttribute('aria-label', look.label);
    if (element.dataset.counts !== look.counts) element.dataset.counts = look.counts;
    this.counts = look.counts;
  }

  /** Whether the probe is on this row (by index). */
  isOn(index: number): boolean {
    return this.placed !== null && this.placed.index === index && this.element.isConnected;
  }

  remove(): void {
    this.placed = null;
    this.element.remove();
  }
}
