/**
 * The heatmap's header row: the corner and the column headers of the columns near the
 * viewport (member names stand rotated when the columns are narrow).
 */
import type { Span } from './grid-viewport.ts';

export function buildHeaderRow(columns: readonly { readonly label: string; readonly short: string }[], span: Span, narrow: boolean): HTMLElement {
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
    const label = document.createElement('span');
    label.textContent = narrow ? column.label : column.short;
    label.setAttribute('aria-label', column.label);
    th.append(label);
    header.append(th);
  }
  return header;
}
