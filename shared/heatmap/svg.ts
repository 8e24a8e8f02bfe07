/**
 * The heatmap as a standalone SVG string (for the chair's slides; PNG is this drawn on a
 * canvas). Pure: the same rows, cells and colours as the view, with the counts in each
 * cell's <title> and a legend.
 */
import type { Cell } from './cells.ts';
import { describeCounts, describeMarks } from './cells.ts';
import type { HeatmapModel } from './model.ts';
import type { HeatmapRow } from './rows.ts';
import { ACCEPT_BAR, OBJECTION_MARK, VACANT_FILL, darkFill, fillFor, legendStops } from './scale.ts';

export interface SvgOptions {
  title: string;
  /** What the columns are, e.g. "Stakeholder groups". */
  columnsLabel: string;
}

const ROW = 26;
const LABEL = 420;
const PAD = 16;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function cellSvg(cell: Cell, x: number, y: number, w: number, label: string): string {
  const vacant = cell.counts.members === 0;
  const fill = vacant ? VACANT_FILL : fillFor(cell.endorseShare);
  const ink = !vacant && darkFill(cell.endorseShare) ? '#ffffff' : '#1f2430';
  const parts = [`<g><title>${escapeXml(`${label}: ${describeCounts(cell.counts)}${describeMarks(cell.marks) ? ` (${describeMarks(cell.marks)})` : ''}`)}</title>`];
  parts.push(`<rect x="${x}" y="${y}" width="${w - 2}" height="${ROW - 2}" rx="3" fill="${fill}"/>`);
  if (cell.acceptShare > 0) parts.push(`<rect x="${x}" y="${y + ROW - 6}" width="${((w - 2) * cell.acceptShare).toFixed(1)}" height="4" fill="${ACCEPT_BAR}"/>`);
  if (cell.marks.objection) parts.push(`<path d="M${x + w - 14} ${y} h12 v12 z" fill="${OBJECTION_MARK}" stroke="#ffffff" stroke-width="1"/>`);
  if (cell.marks.reservation) parts.push(`<circle cx="${x + 7}" cy="${y + 7}" r="3.5" fill="none" stroke="${ink}" stroke-width="1.5"/>`);
  if (cell.marks.stale) parts.push(`<path d="M${x + 4} ${y + ROW - 9} l6 -6" stroke="${ink}" stroke-width="1.5"/>`);
  if (!vacant && w >= 40) parts.push(`<text x="${x + (w - 2) / 2}" y="${y + 16}" text-anchor="middle" font-size="11" fill="${ink}">${Math.round(cell.endorseShare * 100)}%</text>`);
  parts.push('</g>');
  return parts.join('');
}

export function heatmapSvg(model: HeatmapModel, rows: readonly HeatmapRow[], options: SvgOptions): string {
  const columns = model.columns;
  const cellWidth = columns.length > 12 ? 30 : 64;
  const headerHeight = columns.length > 12 ? 110 : 54;
  const width = PAD * 2 + LABEL + cellWidth * Math.max(columns.length, 1);
  const top = PAD + 28 + headerHeight;
  const legendTop = top + rows.length * ROW + 18;
  const height = legendTop + 64;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family='${FONT}' role="img" aria-label="${escapeXml(options.title)}">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${PAD}" y="${PAD + 14}" font-size="16" font-weight="600" fill="#1f2430">${escapeXml(options.title)}</text>`);
  out.push(`<text x="${PAD}" y="${PAD + 28 + headerHeight - 8}" font-size="11" fill="#5a6270">Section · columns: ${escapeXml(options.columnsLabel)}</text>`);
  columns.forEach((column, i) => {
    const cx = PAD + LABEL + i * cellWidth + (cellWidth - 2) / 2;
    const y = PAD + 28 + headerHeight - 8;
    const text = cellWidth < 40 ? clip(column.label, 16) : column.short;
    const rotate = cellWidth < 40 ? ` transform="rotate(-60 ${cx} ${y})"` : '';
    out.push(`<text x="${cx}" y="${y}" font-size="11" font-weight="600" fill="#1f2430" text-anchor="${cellWidth < 40 ? 'start' : 'middle'}"${rotate}><title>${escapeXml(column.label)}</title>${escapeXml(text)}</text>`);
  });
  rows.forEach((row, r) => {
    const y = top + r * ROW;
    const indent = row.kind === 'paragraph' ? 28 : (Math.min(row.level, 4) - 1) * 12;
    const weight = row.kind === 'section' && row.level === 1 ? '600' : '400';
    const label = `${row.number ? `${row.number} ` : ''}${row.title}`;
    if (r % 2 === 1) out.push(`<rect x="${PAD}" y="${y}" width="${width - PAD * 2}" height="${ROW - 2}" fill="#f6f7f9"/>`);
    out.push(`<text x="${PAD + indent}" y="${y + 16}" font-size="12" font-weight="${weight}" fill="#1f2430"><title>${escapeXml(label)}</title>${escapeXml(clip(label, Math.floor((LABEL - indent - 8) / 6.4)))}</text>`);
    const cells = row.kind === 'section' ? model.sectionFigures(row.id)?.cells ?? [] : model.paragraphCells(row.id);
    cells.forEach((cell, i) => out.push(cellSvg(cell, PAD + LABEL + i * cellWidth, y, cellWidth, `${label} — ${columns[i]?.label ?? ''}`)));
  });
  const stops = legendStops();
  out.push(`<text x="${PAD}" y="${legendTop + 12}" font-size="11" fill="#1f2430">Share endorsing</text>`);
  stops.forEach((stop, i) => {
    const x = PAD + 100 + i * 40;
    out.push(`<rect x="${x}" y="${legendTop}" width="38" height="16" fill="${stop.colour}"/>`);
    out.push(`<text x="${x + 19}" y="${legendTop + 30}" font-size="10" text-anchor="middle" fill="#5a6270">${Math.round(stop.share * 100)}%</text>`);
  });
  const keyX = PAD + 100 + stops.length * 40 + 24;
  out.push(`<rect x="${keyX}" y="${legendTop + 10}" width="24" height="4" fill="${ACCEPT_BAR}"/><text x="${keyX + 30}" y="${legendTop + 15}" font-size="11" fill="#1f2430">accept (bar length = share)</text>`);
  out.push(`<path d="M${keyX + 200} ${legendTop + 2} h12 v12 z" fill="${OBJECTION_MARK}"/><text x="${keyX + 218}" y="${legendTop + 13}" font-size="11" fill="#1f2430">objection</text>`);
  out.push(`<circle cx="${keyX + 290}" cy="${legendTop + 8}" r="3.5" fill="none" stroke="#1f2430" stroke-width="1.5"/><text x="${keyX + 300}" y="${legendTop + 13}" font-size="11" fill="#1f2430">reservation</text>`);
  out.push(`<path d="M${keyX + 380} ${legendTop + 12} l6 -6" stroke="#1f2430" stroke-width="1.5"/><text x="${keyX + 392}" y="${legendTop + 13}" font-size="11" fill="#1f2430">stale stance</text>`);
  out.push('</svg>');
  return out.join('\n');
}
