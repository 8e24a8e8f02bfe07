/**
 * Where the heatmap's scroller is looking, without asking layout for it while rendering.
 *
 * Reading scrollTop, clientHeight or offsetTop right after the grid's DOM was changed
 * forces a synchronous layout (tens of ms on a full screen of cells). So the scroll
 * offsets are taken from scroll events and the sizes from ResizeObserver (both report
 * after layout); until they are known (the view was just shown), generous estimates
 * (the window's size) give a superset of the rows and columns on screen, and the
 * observer asks for a re-window once the real sizes arrive.
 *
 * Geometry is fixed in CSS pixels (heatmap.css reads the same values as variables):
 * rows are ROW_HEIGHT tall, the row header LABEL_WIDTH wide, cells CELL_WIDE or
 * CELL_NARROW wide (narrow when there are more than NARROW_ABOVE columns).
 */
export const ROW_HEIGHT = 30;
export const LABEL_WIDTH = 384;
export const CELL_WIDE = 74;
export const CELL_NARROW = 32;
export const NARROW_ABOVE = 12;

/** Rows and columns kept beyond the visible ones, so small scrolls need no rebuild. */
const ROW_OVERSCAN = 2;
const COLUMN_OVERSCAN = 2;
/** The tallest header row (vertical member names), for a top bound before it is measured. */
const MAX_HEAD = 160;

export interface Span {
  readonly first: number;
  readonly last: number;
}

export class GridViewport {
  private readonly scroller: HTMLElement;
  private top = 0;
  private left = 0;
  private height = 0;
  private width = 0;
  private headHeight = -1;
  /** The header's measured height per kind of header (wide or narrow columns), and the kind shown. */
  private readonly headHeights = new Map<string, number>();
  private headKind = '';
  private readonly observer: ResizeObserver;

  /** `changed` runs when a size becomes known or changes (after layout, before paint). */
  constructor(scroller: HTMLElement, head: HTMLElement, changed: () => void) {
    this.scroller = scroller;
    scroller.addEventListener('scroll', () => {
      this.top = scroller.scrollTop;
      this.left = scroller.scrollLeft;
    }, { passive: true });
    this.observer = new ResizeObserver((entries) => {
      let moved = false;
      for (const entry of entries) {
        const box = entry.borderBoxSize[0];
        if (entry.target === head) {
          const next = box ? box.blockSize : head.offsetHeight;
          moved ||= next !== this.headHeight;
          this.headHeight = next;
          this.headHeights.set(this.headKind, next);
        } else {
          const height = scroller.clientHeight;
          const width = scroller.clientWidth;
          moved ||= height !== this.height || width !== this.width;
          this.height = height;
          this.width = width;
        }
      }
      if (moved) changed();
    });
    this.observer.observe(scroller);
    this.observer.observe(head);
  }

  /**
   * The header is about to change kind (member names stand rotated in a taller header):
   * the rows on screen are worked out from that kind's height as last measured, or from
   * bounds until it is, so the observer's report of the new height asks for no second
   * drawing of the cells in the same frame.
   */
  setHeadKind(kind: string): void {
    if (kind === this.headKind) return;
    this.headKind = kind;
    this.headHeight = this.headHeights.get(kind) ?? -1;
  }

  get viewHeight(): number {
    return this.height || window.innerHeight;
  }

  get head(): number {
    return this.headHeight >= 0 ? this.headHeight : MAX_HEAD;
  }

  /** Rows (by index) on screen, and `overscan` more on each side, out of `count`. */
  rows(count: number, overscan = ROW_OVERSCAN): Span {
    const headLow = this.headHeight >= 0 ? this.headHeight : 0;
    const headHigh = this.headHeight >= 0 ? this.headHeight : MAX_HEAD;
    const first = Math.max(0, Math.floor((this.top - headHigh) / ROW_HEIGHT) - overscan);
    const last = Math.min(count - 1, Math.ceil((this.top - headLow + this.viewHeight) / ROW_HEIGHT) + overscan);
    return { first, last };
  }

  /** Columns (zero-based) on screen or near it, out of `count` columns `cellWidth` wide. */
  columns(count: number, cellWidth: number): Span {
    const width = this.width || window.innerWidth;
    const first = Math.max(0, Math.floor(this.left / cellWidth) - COLUMN_OVERSCAN);
    const last = Math.min(count - 1, Math.ceil((this.left + width - LABEL_WIDTH) / cellWidth) + COLUMN_OVERSCAN);
    return { first, last: Math.max(first, last) };
  }

  /** The most rows, and the widest area (CSS pixels), that cells `cellWidth` wide can cover on screen with their overscan. */
  cellsRoom(cellWidth: number): { rows: number; width: number } {
    return {
      rows: Math.ceil(this.viewHeight / ROW_HEIGHT) + 2 * ROW_OVERSCAN + 2,
      width: (Math.ceil((this.viewWidth - LABEL_WIDTH) / cellWidth) + 2 * COLUMN_OVERSCAN + 1) * cellWidth,
    };
  }

  /** Scrolls just enough to show row `index` and column `col` (0 = the row header, i + 1 = column i). */
  reveal(index: number, col: number, cellWidth: number): void {
    const head = this.head;
    const top = head + index * ROW_HEIGHT;
    let scrollTop = this.top;
    if (top - head < scrollTop) scrollTop = top - head;
    else if (top + ROW_HEIGHT > scrollTop + this.viewHeight) scrollTop = top + ROW_HEIGHT - this.viewHeight;
    let scrollLeft = this.left;
    if (col > 0) {
      const left = LABEL_WIDTH + (col - 1) * cellWidth;
      if (left < scrollLeft + LABEL_WIDTH) scrollLeft = left - LABEL_WIDTH;
      else if (left + cellWidth > scrollLeft + this.viewWidth) scrollLeft = left + cellWidth - this.viewWidth;
    }
    this.scrollTo(scrollTop, scrollLeft);
  }

  /** Scrolls (and remembers) a new offset; used to bring the focused cell into view. */
  private scrollTo(top: number, left: number): void {
    if (top !== this.top) this.scroller.scrollTop = this.top = Math.max(0, top);
    if (left !== this.left) this.scroller.scrollLeft = this.left = Math.max(0, left);
  }

  get viewWidth(): number {
    return this.width || window.innerWidth;
  }
}
