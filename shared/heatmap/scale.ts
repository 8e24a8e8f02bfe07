/**
 * The heatmap's colours. The fill is the share of the column's members who endorse, on
 * ColorBrewer's yellow–green–blue sequential scale (d3-scale-chromatic): lightness falls
 * steadily with the share, so it reads the same with any colour-vision deficiency and in
 * greyscale, and an empty report is a calm pale sheet rather than a dark wall (as
 * Viridis and Cividis would give at zero). Accept is a dark bar along the cell's foot
 * whose length is the share accepting; marks are shapes, never colour alone.
 */
import { interpolateYlGnBu } from 'd3-scale-chromatic';

const LOW = 0.04;
const HIGH = 0.92;

/** Colour for an endorse share in [0, 1]. */
export function fillFor(share: number): string {
  const t = LOW + (HIGH - LOW) * Math.min(1, Math.max(0, share));
  return interpolateYlGnBu(t);
}

/** Whether text on the fill for `share` should be light. */
export function darkFill(share: number): boolean {
  return share >= 0.55;
}

/** Vacant columns (no active members): neutral. */
export const VACANT_FILL = '#eceff3';
export const ACCEPT_BAR = '#2b2b2b';
export const OBJECTION_MARK = '#b2182b';

/** Stops for a legend, low to high. */
export function legendStops(count = 6): { share: number; colour: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const share = i / (count - 1);
    return { share, colour: fillFor(share) };
  });
}
