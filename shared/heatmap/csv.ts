/**
 * The heatmap's underlying counts as CSV (RFC 4180, CRLF): one line per row and column,
 * for sections and paragraphs alike, so a spreadsheet can pivot them any way.
 */
import type { Cell } from './cells.ts';
import type { HeatmapModel } from './model.ts';

export const CSV_HEADER = [
  'row', 'number', 'title', 'column', 'members', 'paragraphs', 'endorse', 'accept', 'reserve', 'object', 'stale', 'no stance', 'state',
];

function field(value: string | number): string {
  const text = String(value);
  // A leading =, +, - or @ would be read as a formula by spreadsheets.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function lines(kind: string, number: string, title: string, cells: readonly Cell[], model: HeatmapModel): string[] {
  return cells.map((cell, i) => {
    const c = cell.counts;
    return [kind, number, title, model.columns[i]?.label ?? '', c.members, c.paragraphs, c.endorse, c.accept, c.reserve, c.object, c.stale, c.none, cell.state]
      .map(field).join(',');
  });
}

/** Every section and every paragraph of the report, whatever the view shows. */
export function heatmapCsv(model: HeatmapModel): string {
  const out = [CSV_HEADER.join(',')];
  for (const section of model.sections()) {
    const figures = model.sectionFigures(section.id);
    if (!figures) continue;
    out.push(...lines('section', model.numberOf(section.id), section.title, figures.cells, model));
    for (const id of model.directBlocks(section.id)) {
      const block = model.engine.blocks.byId.get(id);
      if (!block) continue;
      out.push(...lines('paragraph', model.numberOf(id), block.text, model.paragraphCells(id), model));
    }
  }
  return `${out.join('\r\n')}\r\n`;
}
