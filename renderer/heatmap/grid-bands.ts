/**
 * The canvases the heatmap's cells are drawn on: one per band of BAND_ROWS rows, placed
 * at the band's rows in the grid's body.
 *
 * Why bands: every canvas changed in a frame is copied whole when the frame is committed
 * (≈ 1 ms for a screen of member columns without a GPU), so a stance that repaints one
 * row should change a band, not a screen. Why a pool of equal canvases that only grow:
 * resizing a canvas makes Chromium allocate its bitmap again at the next drawing call,
 * a few ms in the middle of a column switch.
 */
import { ROW_HEIGHT } from './grid-viewport.ts';

export const BAND_ROWS = 8;
export const BAND_HEIGHT = BAND_ROWS * ROW_HEIGHT;

interface Band {
  readonly canvas: HTMLCanvasElement;
  readonly context: CanvasRenderingContext2D | null;
  /** Which band of rows it shows: rows index × BAND_ROWS onwards. */
  index: number;
  /** Drawn on since its size was set (its bitmap exists). */
  drawn: boolean;
}

export class CanvasBands {
  /** Holds the band canvases; the grid places it at the first drawn column. */
  readonly element: HTMLElement;
  private readonly pool: Band[] = [];
  private readonly placed = new Map<number, Band>();
  private pixelsWide = 0;
  private ratio = 0;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'hm-bands';
    this.element.setAttribute('aria-hidden', 'true');
  }

  /**
   * Shows bands `first` to `last` at their rows, at least `width` CSS pixels wide (and
   * never narrower than before), cleared and scaled to CSS pixels; hides the others.
   */
  cover(first: number, last: number, width: number): void {
    this.size(last - first + 1, width);
    this.placed.clear();
    this.pool.forEach((band, slot) => {
      const index = first + slot;
      const shown = index <= last;
      if (band.canvas.hidden === shown) band.canvas.hidden = !shown;
      if (!shown) return;
      band.index = index;
      band.canvas.style.top = `${index * BAND_HEIGHT}px`;
      this.placed.set(index, band);
      band.context?.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
      band.context?.clearRect(0, 0, this.pixelsWide / this.ratio, BAND_HEIGHT);
      band.drawn = true;
    });
  }

  /**
   * Makes `count` bands `width` CSS pixels wide before they are first shown (for idle
   * time), and has `warm` draw on each once (then clears it): a canvas's bitmap is
   * allocated, and an image made offscreen rasterized, at the first drawing that needs
   * it — otherwise in the middle of a column switch.
   */
  reserve(count: number, width: number, warm: (context: CanvasRenderingContext2D) => void): void {
    this.size(count, width);
    for (const band of this.pool) {
      if (band.drawn || !band.context) continue;
      band.context.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
      warm(band.context);
      band.context.clearRect(0, 0, this.pixelsWide / this.ratio, BAND_HEIGHT);
      band.drawn = true;
    }
  }

  /** The context a row is drawn with and the row's top in it (CSS pixels), or null when its band is not shown. */
  at(row: number): { context: CanvasRenderingContext2D; y: number } | null {
    const index = Math.floor(row / BAND_ROWS);
    const context = this.placed.get(index)?.context;
    return context ? { context, y: (row - index * BAND_ROWS) * ROW_HEIGHT } : null;
  }

  /** The row under a point of a band canvas, given in that canvas's CSS pixels; null off the bands. */
  rowAt(target: EventTarget | null, offsetY: number): number | null {
    for (const band of this.placed.values()) {
      if (band.canvas === target) return band.index * BAND_ROWS + Math.floor(offsetY / ROW_HEIGHT);
    }
    return null;
  }

  /** At least `count` bands, all the same size, at least `width` CSS pixels wide. */
  private size(count: number, width: number): void {
    const ratio = window.devicePixelRatio || 1;
    // A new pixel ratio (the window moved to another screen) starts the widths afresh.
    const pixelsWide = Math.max(ratio === this.ratio ? this.pixelsWide : 0, Math.ceil(width * ratio));
    const pixelsHigh = Math.ceil(BAND_HEIGHT * ratio);
    this.pixelsWide = pixelsWide;
    this.ratio = ratio;
    while (this.pool.length < count) {
      const canvas = document.createElement('canvas');
      canvas.className = 'hm-canvas';
      canvas.hidden = true;
      this.element.append(canvas);
      this.pool.push({ canvas, context: canvas.getContext('2d'), index: -1, drawn: false });
    }
    for (const band of this.pool) {
      const { canvas } = band;
      if (canvas.width === pixelsWide && canvas.height === pixelsHigh) continue;
      band.drawn = false;
      canvas.width = pixelsWide;
      canvas.height = pixelsHigh;
      canvas.style.width = `${pixelsWide / ratio}px`;
      canvas.style.height = `${pixelsHigh / ratio}px`;
    }
  }
}
