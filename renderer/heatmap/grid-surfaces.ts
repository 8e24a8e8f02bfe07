/**
 * What the grid draws on: the cells' canvases for wide and for narrow columns — each
 * keeps its size, so a switch between them resizes none (grid-bands.ts) — the sprites
 * both share, and the canvas of the member names over narrow columns. The canvases take
 * the pointer and report the cell under it.
 */
import { GridCanvas, type CellAt } from './grid-canvas.ts';
import { CellSprites } from './grid-sprite-cache.ts';
import { HeadNames } from './grid-head-names.ts';
import { CELL_NARROW } from './grid-viewport.ts';

export interface PointerHandlers {
  move(at: CellAt): void;
  leave(): void;
  click(at: CellAt): void;
}

export class GridSurfaces {
  readonly headNames = new HeadNames();
  private readonly sprites = new CellSprites();
  private readonly wide = new GridCanvas(this.sprites);
  private readonly narrow = new GridCanvas(this.sprites);
  private narrowShown = false;

  /** Puts both cells' canvases in the grid's body. */
  constructor(body: HTMLElement, pointer: PointerHandlers) {
    for (const cells of [this.wide.element, this.narrow.element]) {
      body.append(cells);
      cells.addEventListener('mousemove', (event) => pointer.move(this.cells.cellAt(event.target, event.offsetX, event.offsetY)));
      cells.addEventListener('mouseleave', () => pointer.leave());
      cells.addEventListener('click', (event) => pointer.click(this.cells.cellAt(event.target, event.offsetX, event.offsetY)));
    }
  }

  /** The cells' canvas of the columns shown. */
  get cells(): GridCanvas {
    return this.narrowShown ? this.narrow : this.wide;
  }

  /** Shows the canvas for narrow or for wide columns (the other keeps its bitmaps, hidden). */
  show(narrow: boolean): void {
    this.narrowShown = narrow;
    this.wide.element.hidden = narrow;
    this.narrow.element.hidden = !narrow;
  }

  /**
   * Makes the canvases for narrow columns, for `rows` rows `width` CSS pixels wide, and the
   * names over them, ahead of a first switch to them; for idle time.
   */
  prepareNarrow(rows: number, width: number, labels: readonly string[]): void {
    if (this.narrowShown) return;
    this.narrow.reserve(rows, width, CELL_NARROW);
    this.headNames.prepare(labels);
  }
}
