/**
 * The heatmap's header row: the corner and the column headers of the columns near the
 * viewport. Narrow columns' headers are empty boxes named for screen readers and
 * tooltips; their names stand rotated on a canvas below them (grid-head-names.ts).
 */
import { CELL_NARROW, LABEL_WIDTH, type Span } from './grid-viewport.ts';
import type { HeadNames } from './grid-head-names.ts';

export function buildHeaderRow(columns: readonly { readonly label: string; readonly short: string }[], span: Span, names: HeadNames | null): HTMLElement {
  const header = document.createElement('div');
  header.className = 'hm-row hm-header-row';
  header.setAttribute('role', 'row');
  header.setAttribute('aria-rowindex', '1');
  const corner = document.createElement('div');
  corner.className = 'hm-corner';
  corner.setAttribute('role', 'columnheader');
  corner.textContent = 'Section';
  header.append(corner);
  for (let i = span.first; i <= span.last; i++) {
    const column = columns[i];
    if (!column) continue;
    const th = document.createElement('div');
    th.className = 'hm-colhead';
    th.setAttribute('role', 'columnheader');
    th.setAttribute('aria-colindex', String(i + 2));
    if (i === span.first) th.style.gridColumnStart = String(i + 2);
    th.title = column.label;
    if (names) th.setAttribute('aria-label', column.label);
    else {
      const label = document.createElement('span');
      label.textContent = column.short;
      label.setAttribute('aria-label', column.label);
      th.append(label);
    }
    header.append(th);
  }
  if (names) {
    names.draw(columns.map((c) => c.label), span, LABEL_WIDTH + span.first * CELL_NARROW);
    header.append(names.canvas);
  }
  return header;
}
