/**
 * The names over narrow (member) columns, standing rotated: drawn on one canvas in the
 * header row, under column header elements that carry each name as their accessible
 * name and tooltip. As rotated text boxes, 34 names cost Blink ≈ 10 ms of style, layout
 * and paint at every switch to member columns; here a switch draws one image.
 *
 * The names are drawn once per set of names (and font and pixel ratio) on an offscreen
 * atlas, one slot per column in column order, so the columns near the viewport are one
 * contiguous slice of it. Offscreen, because setting a font on a canvas of the page makes
 * Chromium bring the page's style up to date there and then, in the middle of a switch.
 */
import { CELL_NARROW } from './grid-viewport.ts';
import type { Span } from './grid-viewport.ts';
import { pageType } from './grid-sprite-cache.ts';

/** The names' box: 8rem tall, from 0.4rem above the header's foot (as the cells' font, in rem of the page). */
const NAMES_REM = 8;
const FOOT_REM = 0.4;
const FONT_REM = 0.78;

/** The names' font and colour, read from the page's styles (once: it forces a style update). */
function nameStyle(): { font: string; colour: string; rem: number } {
  const { rem, family } = pageType();
  const colour = getComputedStyle(document.documentElement).getPropertyValue('--ink-soft').trim() || '#4a4f57';
  return { font: `500 ${(FONT_REM * rem).toFixed(2)}px ${family}`, colour, rem };
}

/** `text`, cut with an ellipsis to fit `width` as `measure` measures it. */
function fitted(text: string, width: number, measure: (s: string) => number): string {
  if (measure(text) <= width) return text;
  let end = text.length;
  while (end > 0 && measure(`${text.slice(0, end)}…`) > width) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

export class HeadNames {
  readonly canvas: HTMLCanvasElement;
  private style: { font: string; colour: string; rem: number } | null = null;
  private atlas: { key: string; image: ImageBitmap; height: number; ratio: number } | null = null;

  constructor() {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'hm-head-names';
    this.canvas.setAttribute('aria-hidden', 'true');
  }

  /** Draws the atlas for these names unless it is drawn already (for idle time ahead of a switch, too). */
  prepare(labels: readonly string[]): void {
    this.style ??= nameStyle();
    const { font, colour, rem } = this.style;
    const ratio = window.devicePixelRatio || 1;
    const key = `${ratio}|${font}|${labels.join('\n')}`;
    if (this.atlas?.key === key) return;
    const height = Math.ceil((NAMES_REM + FOOT_REM) * rem);
    const canvas = new OffscreenCanvas(Math.max(1, labels.length * CELL_NARROW * ratio), Math.ceil(height * ratio));
    const context = canvas.getContext('2d');
    if (context) {
      context.scale(ratio, ratio);
      context.font = font;
      context.fillStyle = colour;
      context.textBaseline = 'middle';
      const room = NAMES_REM * rem;
      labels.forEach((label, i) => {
        context.save();
        // Reading upwards from the foot, as `writing-mode: vertical-rl` turned half round.
        context.translate(i * CELL_NARROW + CELL_NARROW / 2, height - FOOT_REM * rem);
        context.rotate(-Math.PI / 2);
        context.fillText(fitted(label, room, (s) => context.measureText(s).width), 0, 0);
        context.restore();
      });
    }
    this.atlas?.image.close();
    this.atlas = { key, image: canvas.transferToImageBitmap(), height, ratio };
  }

  /** Draws the names of the columns in `span` (of `labels`, in order) and places the canvas at the first one's left. */
  draw(labels: readonly string[], span: Span, left: number): void {
    this.prepare(labels);
    const atlas = this.atlas;
    if (!atlas) return;
    const { ratio, height, image } = atlas;
    const count = Math.max(0, span.last - span.first + 1);
    const width = count * CELL_NARROW;
    const pixelsWide = Math.max(this.canvas.width, Math.ceil(width * ratio));
    const pixelsHigh = Math.ceil(height * ratio);
    // Only grows (a resized canvas allocates its bitmap again); the header clips the rest.
    if (this.canvas.width !== pixelsWide || this.canvas.height !== pixelsHigh) {
      this.canvas.width = pixelsWide;
      this.canvas.height = pixelsHigh;
      this.canvas.style.width = `${pixelsWide / ratio}px`;
      this.canvas.style.height = `${height}px`;
    }
    this.canvas.style.left = `${left}px`;
    const context = this.canvas.getContext('2d');
    if (!context || count === 0) return;
    context.clearRect(0, 0, pixelsWide, pixelsHigh);
    context.drawImage(image, span.first * CELL_NARROW * ratio, 0, width * ratio, pixelsHigh, 0, 0, width * ratio, pixelsHigh);
  }
}
