/**
 * The sprites of the heatmap's cells (grid-sprites.ts), made once per cell width, colour,
 * font and pixel ratio, and shared by the grid's canvases for wide and narrow columns:
 * made anew for each canvas, they were ≈ 5 ms of the first switch to member columns
 * (reading the font from the page's styles forces a style update there and then). A
 * cell width not shown yet can be made ahead, in idle time (`warm`).
 */
import { ROW_HEIGHT } from './grid-viewport.ts';
import { GlyphAtlas, makeFrame, makeMarks, makeRowFrame, type Marks } from './grid-sprites.ts';

/** Cell box inside its row and column slot: 2 px above and below, 1 px each side. */
export const INSET_X = 1;
export const INSET_Y = 2;
export const INK = '#1f2430';
export const INK_ON_DARK = '#ffffff';

/** The page's rem in CSS pixels and its UI font family (reading them forces a style update: read once). */
export function pageType(): { rem: number; family: string } {
  return {
    rem: parseFloat(getComputedStyle(document.documentElement).fontSize) || 16,
    family: getComputedStyle(document.body).fontFamily || 'sans-serif',
  };
}

/** The cells' font: 0.72rem of the UI face. */
function cellFont(): string {
  const { rem, family } = pageType();
  return `${(0.72 * rem).toFixed(2)}px ${family}`;
}

export interface Frames {
  /** One cell's frame. */
  readonly cell: ImageBitmap;
  /** A row of cells' frames, to be drawn in part: its first `rowWidth` CSS pixels. */
  readonly row: ImageBitmap;
  readonly rowWidth: number;
}

export class CellSprites {
  private font = '';
  private readonly frames = new Map<string, { cell: ImageBitmap; row: ImageBitmap; count: number }>();
  private marksMade: Marks | null = null;
  private marksRatio = 0;
  private readonly atlases = new Map<string, GlyphAtlas>();

  /** The frames of one cell and of a row of `count` cells `cellWidth` wide. */
  frameFor(cellWidth: number, count: number): Frames {
    const ratio = window.devicePixelRatio || 1;
    const key = `${cellWidth}@${ratio}`;
    let frames = this.frames.get(key);
    if (!frames || frames.count < count) {
      const cell = frames?.cell ?? makeFrame(cellWidth - 2 * INSET_X, ROW_HEIGHT - 2 * INSET_Y, ratio);
      frames?.row.close();
      // Room for a few more columns than now, so a wider window does not remake it.
      const slots = count + 8;
      frames = { cell, count: slots, row: makeRowFrame(cell, slots, cellWidth, INSET_X, INSET_Y, ROW_HEIGHT, ratio) };
      this.frames.set(key, frames);
    }
    return { cell: frames.cell, row: frames.row, rowWidth: count * cellWidth };
  }

  /** The rings and the hatching (its pattern made with `context`). */
  marks(context: CanvasRenderingContext2D): Marks {
    const ratio = window.devicePixelRatio || 1;
    if (!this.marksMade || this.marksRatio !== ratio) {
      this.marksMade = makeMarks(ratio, INK, INK_ON_DARK, context);
      this.marksRatio = ratio;
    }
    return this.marksMade;
  }

  /**
   * The figures' glyphs in a colour: setting a font on the grid's own canvases makes
   * Chromium bring the page's style up to date there and then, in the middle of a column
   * switch, so text is drawn on an offscreen canvas and stamped.
   */
  atlas(colour: string): GlyphAtlas {
    this.font ||= cellFont();
    const ratio = window.devicePixelRatio || 1;
    const key = `${colour}|${ratio}|${this.font}`;
    let atlas = this.atlases.get(key);
    if (!atlas) this.atlases.set(key, (atlas = new GlyphAtlas(this.font, colour, ROW_HEIGHT - 2 * INSET_Y, ratio)));
    return atlas;
  }

  /**
   * Makes what `count` cells `cellWidth` wide need and draws it once on `context` (for
   * idle time): an image made offscreen is rasterized at its first drawing.
   */
  warm(context: CanvasRenderingContext2D, cellWidth: number, count: number): void {
    const frames = this.frameFor(cellWidth, count);
    context.drawImage(frames.row, 0, 0);
    context.drawImage(frames.cell, 0, 0);
    for (const ink of [INK, INK_ON_DARK]) context.drawImage(this.atlas(ink).image, 0, 0);
    const marks = this.marks(context);
    context.drawImage(marks.ring, 0, 0);
    context.drawImage(marks.ringOnDark, 0, 0);
  }
}
