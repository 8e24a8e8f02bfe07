/**
 * The small images the heatmap canvas (grid-canvas.ts) stamps its cells with, each made
 * once: the reservation rings and the vacant hatching (the same for every cell size),
 * per cell size the rounded-corner frame of one cell and of a whole row, and one glyph
 * atlas per text colour for the figures a cell shows ("⁄ 73%").
 *
 * Why images: anti-aliased round rectangles, arcs and clips per cell cost Skia twice the
 * raster time of a screen of member columns. Why made once: each image is an
 * OffscreenCanvas, a context and a transfer (≈ 0.3–0.5 ms each); made per text or per
 * column switch they were a third of an edited paragraph's repaint (a new "⁄ 62%") and
 * ≈ 3 ms of every switch between wide and narrow columns. Why ImageBitmaps: drawing from
 * a canvas makes Chromium snapshot it at every drawImage.
 */

/** The ring's image: a square from the cell's top left corner that holds it. */
export const RING_BOX = 12;
/** The ring: 6 px inside a 1.5 px line, 3 px from the cell's top left corner. */
const RING = 3.75;
const RING_CENTRE = 7.5;
const RADIUS = 4;
/** The hatching of a vacant cell: a 5 px diagonal stripe of 5 % black. */
const HATCH = 'rgba(0, 0, 0, 0.05)';
/** Every character a cell's text can hold: its share in per cent, after a "⁄" when stale. */
const GLYPHS = '0123456789%⁄ ';
/** Room each side of a glyph's advance for its ink to overhang. */
const GLYPH_PAD = 2;

/** A small image drawn once at `ratio` device pixels per CSS pixel. */
export function spriteImage(width: number, height: number, ratio: number, draw: (context: OffscreenCanvasRenderingContext2D) => void): ImageBitmap {
  const canvas = new OffscreenCanvas(Math.max(1, Math.ceil(width * ratio)), Math.max(1, Math.ceil(height * ratio)));
  const context = canvas.getContext('2d');
  if (context) {
    context.scale(ratio, ratio);
    draw(context);
  }
  return canvas.transferToImageBitmap();
}

/** The marks that look the same in every cell size. */
export interface Marks {
  readonly ring: ImageBitmap;
  readonly ringOnDark: ImageBitmap;
  readonly hatch: CanvasPattern | null;
}

export function makeMarks(ratio: number, ink: string, inkOnDark: string, patternOn: CanvasRenderingContext2D): Marks {
  const ring = (colour: string): ImageBitmap => spriteImage(RING_BOX, RING_BOX, ratio, (c) => {
    c.strokeStyle = colour;
    c.lineWidth = 1.5;
    c.beginPath();
    c.arc(RING_CENTRE, RING_CENTRE, RING, 0, 2 * Math.PI);
    c.stroke();
  });
  const tile = spriteImage(5, 5, 1, (c) => {
    c.strokeStyle = HATCH;
    c.lineWidth = 1;
    c.beginPath();
    c.moveTo(-1, 6);
    c.lineTo(6, -1);
    c.stroke();
  });
  return { ring: ring(ink), ringOnDark: ring(inkOnDark), hatch: patternOn.createPattern(tile, 'repeat') };
}

/** White outside a `width` × `height` cell's rounded corners, clear inside. */
export function makeFrame(width: number, height: number, ratio: number): ImageBitmap {
  return spriteImage(width, height, ratio, (c) => {
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, width, height);
    c.globalCompositeOperation = 'destination-out';
    c.beginPath();
    c.roundRect(0, 0, width, height, RADIUS);
    c.fill();
  });
}

/**
 * The frames of `count` cells side by side, `slot` wide with the cell inset by `insetX`
 * and `insetY` in a row `rowHeight` tall; drawn partly (its first n slots) for a row of
 * n cells, so one image serves every column count of a cell size.
 */
export function makeRowFrame(frame: ImageBitmap, count: number, slot: number, insetX: number, insetY: number, rowHeight: number, ratio: number): ImageBitmap {
  const width = slot - 2 * insetX;
  const height = rowHeight - 2 * insetY;
  return spriteImage(count * slot, rowHeight, ratio, (c) => {
    for (let i = 0; i < count; i++) c.drawImage(frame, i * slot + insetX, insetY, width, height);
  });
}

/**
 * The figures' characters in one colour, side by side in one image, with their advances,
 * and after them every share a cell can show ("0%" to "100%") as a whole: a cell's text
 * is stamped from it — its share in one piece, a stale mark glyph by glyph — at the
 * advances the font gives, centred as `fillText` with `textAlign = 'center'` would place
 * the whole string. (Glyph by glyph, a share was four or five images per cell, and each
 * drawImage costs ≈ 10 µs.)
 */
export class GlyphAtlas {
  readonly image: ImageBitmap;
  private readonly ratio: number;
  private readonly height: number;
  /** Where each glyph or whole share is in the image (CSS pixels), how wide its box is, and how far it advances. */
  private readonly slots = new Map<string, { x: number; box: number; advance: number }>();

  constructor(font: string, colour: string, height: number, ratio: number) {
    this.ratio = ratio;
    this.height = height;
    const measure = new OffscreenCanvas(1, 1).getContext('2d');
    if (measure) measure.font = font;
    const pieces = [...GLYPHS, ...Array.from({ length: 101 }, (_, n) => `${n}%`)];
    let x = 0;
    for (const piece of pieces) {
      const advance = measure?.measureText(piece).width ?? 0;
      const box = Math.ceil(advance) + 2 * GLYPH_PAD;
      this.slots.set(piece, { x, box, advance });
      x += box;
    }
    this.image = spriteImage(x, height, ratio, (c) => {
      c.font = font;
      c.fillStyle = colour;
      c.textAlign = 'left';
      c.textBaseline = 'middle';
      for (const [piece, slot] of this.slots) c.fillText(piece, slot.x + GLYPH_PAD, height / 2 + 0.5);
    });
  }

  /** The pieces `text` is stamped from: a whole share where it can be, else glyphs. */
  private pieces(text: string): string[] {
    if (this.slots.has(text)) return [text];
    const stale = /^(⁄ ?)(\d+%)?$/.exec(text);
    if (stale && (stale[2] === undefined || this.slots.has(stale[2]))) return [...(stale[1] ?? ''), ...(stale[2] ? [stale[2]] : [])];
    return [...text];
  }

  /** Stamps `text` centred in the box from `x`, `y`, `width` wide and the atlas's height tall. */
  draw(context: CanvasRenderingContext2D, text: string, x: number, y: number, width: number): void {
    const ratio = this.ratio;
    const pieces = this.pieces(text);
    let advances = 0;
    for (const piece of pieces) advances += this.slots.get(piece)?.advance ?? 0;
    // Each piece on a whole device pixel, so it is copied rather than resampled.
    let pen = x + (width - advances) / 2;
    const sourceHeight = this.height * ratio;
    for (const piece of pieces) {
      const slot = this.slots.get(piece);
      if (!slot) continue;
      if (piece !== ' ') {
        const left = Math.round((pen - GLYPH_PAD) * ratio) / ratio;
        context.drawImage(this.image, slot.x * ratio, 0, slot.box * ratio, sourceHeight, left, y, slot.box, this.height);
      }
      pen += slot.advance;
    }
  }
}
