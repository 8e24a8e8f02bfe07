/**
 * The heatmap grid: an ARIA grid (row headers are sections and paragraphs, column headers
 * the columns) with one tab stop and arrow-key navigation. Only the rows near the
 * viewport are in the DOM (fixed row height), so 300 sections × 60 members costs what
 * is on screen; a change repaints just the cells of the rows it names.
 *
 * Keys: arrows move; Home/End go to the row's ends; PageUp/PageDown move a screen;
 * Enter or Space on a row header expands or collapses a section; Enter on a cell opens
 * the report there; the cell under focus or the mouse shows its counts.
 */
import type { HeatmapModel } from '../../shared/heatmap/model.ts';
import type { HeatmapRow } from '../../shared/heatmap/rows.ts';
import { describeCounts, describeMarks, type Cell } from '../../shared/heatmap/cells.ts';
import { COLUMN_STATE_LABELS } from '../../shared/consensus/rules.ts';
import { VACANT_FILL, darkFill, fillFor } from '../../shared/heatmap/scale.ts';

export const ROW_HEIGHT = 30;
const OVERSCAN = 6;

export interface GridCallbacks {
  toggle(sectionId: string): void;
  open(row: HeatmapRow): void;
}

function rowKey(row: HeatmapRow): string {
  return `${row.kind}:${row.id}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export class HeatmapGrid {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly model: HeatmapModel;
  private readonly callbacks: GridCallbacks;
  private rows: HeatmapRow[] = [];
  private expanded: ReadonlySet<string> = new Set();
  private readonly rendered = new Map<string, HTMLElement>();
  /** Focus position: row index (−1 = the header row) and column (0 = row header). */
  private focusRow = 0;
  private focusCol = 0;
  private frame = 0;

  constructor(scroller: HTMLElement, model: HeatmapModel, callbacks: GridCallbacks) {
    this.scroller = scroller;
    this.model = model;
    this.callbacks = callbacks;
    this.element = document.createElement('div');
    this.element.className = 'hm-grid';
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Consensus heatmap');
    this.head = document.createElement('div');
    this.head.className = 'hm-head';
    this.head.setAttribute('role', 'rowgroup');
    this.body = document.createElement('div');
    this.body.className = 'hm-body';
    this.body.setAttribute('role', 'rowgroup');
    this.element.append(this.head, this.body);
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'hm-tooltip';
    this.tooltip.id = 'heatmap-tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    scroller.append(this.element, this.tooltip);
    scroller.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('focusin', (event) => this.onFocus(event.target as HTMLElement));
    this.element.addEventListener('mouseover', (event) => this.showTip(event.target as HTMLElement));
    this.element.addEventListener('mouseleave', () => this.hideTip());
    this.element.addEventListener('focusout', () => this.hideTip());
  }

  get rowList(): readonly HeatmapRow[] {
    return this.rows;
  }

  /** New rows or columns: rebuilds the header and the rows on screen. */
  setRows(rows: HeatmapRow[], expanded: ReadonlySet<string>): void {
    this.rows = rows;
    this.expanded = expanded;
    const columns = this.model.columns;
    this.element.style.setProperty('--hm-columns', String(columns.length));
    this.element.classList.toggle('hm-narrow', columns.length > 12);
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.element.setAttribute('aria-colcount', String(columns.length + 1));
    const header = document.createElement('div');
    header.className = 'hm-row hm-header-row';
    header.setAttribute('role', 'row');
    header.setAttribute('aria-rowindex', '1');
    const corner = document.createElement('div');
    corner.className = 'hm-corner';
    corner.setAttribute('role', 'columnheader');
    corner.textContent = 'Section';
    header.append(corner);
    columns.forEach((column, i) => {
      const th = document.createElement('div');
      th.className = 'hm-colhead';
      th.setAttribute('role', 'columnheader');
      th.setAttribute('aria-colindex', String(i + 2));
      th.title = column.label;
      const label = document.createElement('span');
      label.textContent = columns.length > 12 ? column.label : column.short;
      label.setAttribute('aria-label', column.label);
      th.append(label);
      header.append(th);
    });
    this.head.replaceChildren(header);
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    for (const element of this.rendered.values()) element.remove();
    this.rendered.clear();
    this.focusRow = Math.min(this.focusRow, Math.max(rows.length - 1, 0));
    this.focusCol = Math.min(this.focusCol, columns.length);
    this.renderWindow();
  }

  /** Repaints the rows (section or block ids) a change named, if they are on screen. */
  repaint(ids: Iterable<string>): void {
    for (const id of ids) {
      for (const kind of ['section', 'paragraph']) {
        const element = this.rendered.get(`${kind}:${id}`);
        const row = element ? this.rows[Number(element.dataset.index)] : undefined;
        if (element && row) this.paintRow(element, row);
      }
    }
  }

  focus(): void {
    this.ensureVisible(this.focusRow);
    this.focusedElement()?.focus();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderWindow();
    });
  }

  /** Puts the rows near the viewport into the DOM and takes the others out. */
  renderWindow(): void {
    const top = Math.max(0, this.scroller.scrollTop - this.body.offsetTop);
    const height = this.scroller.clientHeight || 800;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const wanted = new Set<string>();
    for (let i = first; i <= last; i++) {
      const row = this.rows[i];
      if (!row) continue;
      const key = rowKey(row);
      wanted.add(key);
      let element = this.rendered.get(key);
      if (!element || Number(element.dataset.index) !== i) {
        element?.remove();
        element = this.buildRow(row, i);
        this.rendered.set(key, element);
        this.body.append(element);
      }
    }
    for (const [key, element] of this.rendered) {
      if (wanted.has(key) || element.contains(document.activeElement)) continue;
      element.remove();
      this.rendered.delete(key);
    }
  }

  private buildRow(row: HeatmapRow, index: number): HTMLElement {
    const element = document.createElement('div');
    element.className = `hm-row hm-${row.kind} hm-level-${Math.min(row.level, 5)}${index % 2 ? ' hm-odd' : ''}`;
    element.setAttribute('role', 'row');
    element.setAttribute('aria-rowindex', String(index + 2));
    element.dataset.index = String(index);
    element.dataset.id = row.id;
    element.dataset.kind = row.kind;
    element.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    const header = document.createElement('div');
    header.className = 'hm-rowhead';
    header.setAttribute('role', 'rowheader');
    header.setAttribute('aria-colindex', '1');
    header.tabIndex = -1;
    if (row.kind === 'section') {
      const open = this.expanded.has(row.id);
      header.setAttribute('aria-expanded', String(open));
      const twisty = document.createElement('span');
      twisty.className = 'hm-twisty';
      twisty.setAttribute('aria-hidden', 'true');
      twisty.textContent = open ? '▾' : '▸';
      header.append(twisty);
    }
    const number = document.createElement('span');
    number.className = 'hm-number';
    const title = document.createElement('span');
    title.className = 'hm-title';
    header.append(number, title);
    element.append(header);
    for (let i = 0; i < this.model.columns.length; i++) {
      const cell = document.createElement('div');
      cell.className = 'hm-cell';
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('aria-colindex', String(i + 2));
      cell.tabIndex = -1;
      cell.dataset.col = String(i + 1);
      const bar = document.createElement('span');
      bar.className = 'hm-accept';
      const share = document.createElement('span');
      share.className = 'hm-share';
      share.setAttribute('aria-hidden', 'true');
      cell.append(share, bar);
      element.append(cell);
    }
    header.dataset.col = '0';
    this.paintRow(element, row);
    if (index === this.focusRow) this.focusedIn(element)?.setAttribute('tabindex', '0');
    return element;
  }

  private cellsOf(row: HeatmapRow): readonly Cell[] {
    return row.kind === 'section' ? this.model.sectionFigures(row.id)?.cells ?? [] : this.model.paragraphCells(row.id);
  }

  private paintRow(element: HTMLElement, row: HeatmapRow): void {
    const header = element.firstElementChild as HTMLElement;
    const number = header.querySelector('.hm-number') as HTMLElement;
    const title = header.querySelector('.hm-title') as HTMLElement;
    const block = row.kind === 'paragraph' ? this.model.engine.blocks.byId.get(row.id) : undefined;
    const text = row.kind === 'section' ? this.model.section(row.id)?.title ?? row.title : block && block.kind !== 'heading' ? block.text : row.title;
    number.textContent = row.number;
    title.textContent = text || '(empty)';
    header.title = `${row.number} ${text}`.trim();
    const cells = this.cellsOf(row);
    const columns = this.model.columns;
    const name = `${row.kind === 'section' ? 'Section' : 'Paragraph'} ${row.number || ''} ${row.kind === 'section' ? text : ''}`.replace(/\s+/g, ' ').trim();
    for (let i = 0; i < columns.length; i++) {
      const element_ = element.children[i + 1] as HTMLElement | undefined;
      const cell = cells[i];
      if (!element_ || !cell) continue;
      const vacant = cell.counts.members === 0;
      const fill = vacant ? VACANT_FILL : fillFor(cell.endorseShare);
      if (element_.style.backgroundColor !== fill) element_.style.backgroundColor = fill;
      element_.classList.toggle('hm-dark', !vacant && darkFill(cell.endorseShare));
      element_.classList.toggle('hm-objection', cell.marks.objection);
      element_.classList.toggle('hm-reservation', cell.marks.reservation);
      element_.classList.toggle('hm-stale', cell.marks.stale);
      element_.classList.toggle('hm-vacant', vacant);
      (element_.lastElementChild as HTMLElement).style.width = percent(cell.acceptShare);
      (element_.firstElementChild as HTMLElement).textContent = vacant || columns.length > 12 ? '' : percent(cell.endorseShare);
      const marks = describeMarks(cell.marks);
      const label = `${name}, ${columns[i]?.label ?? ''}: ${vacant ? 'no active members' : `${percent(cell.endorseShare)} endorse; ${describeCounts(cell.counts)}; ${COLUMN_STATE_LABELS[cell.state]}${marks ? `; ${marks}` : ''}`}`;
      element_.setAttribute('aria-label', label);
      element_.dataset.counts = vacant ? 'no active members' : describeCounts(cell.counts);
    }
    if (this.tipFor && element.contains(this.tipFor)) this.showTip(this.tipFor);
  }

  // ---- focus and keys ----

  private focusedIn(rowElement: HTMLElement): HTMLElement | null {
    return rowElement.children[this.focusCol] as HTMLElement | null;
  }

  private focusedElement(): HTMLElement | null {
    const row = this.rows[this.focusRow];
    const element = row ? this.rendered.get(rowKey(row)) : undefined;
    return element ? this.focusedIn(element) : null;
  }

  private ensureVisible(index: number): void {
    const top = this.body.offsetTop + index * ROW_HEIGHT;
    const headHeight = this.head.offsetHeight;
    if (top - headHeight < this.scroller.scrollTop) this.scroller.scrollTop = top - headHeight;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = top + ROW_HEIGHT - this.scroller.clientHeight;
    this.renderWindow();
  }

  private moveTo(row: number, col: number): void {
    const rows = this.rows.length;
    if (rows === 0) return;
    this.focusedElement()?.setAttribute('tabindex', '-1');
    this.focusRow = Math.max(0, Math.min(rows - 1, row));
    this.focusCol = Math.max(0, Math.min(this.model.columns.length, col));
    this.ensureVisible(this.focusRow);
    const target = this.focusedElement();
    if (target) {
      target.tabIndex = 0;
      target.focus();
    }
  }

  private onFocus(target: HTMLElement): void {
    const rowElement = target.closest<HTMLElement>('.hm-row');
    if (!rowElement || rowElement.dataset.index === undefined) return;
    const row = Number(rowElement.dataset.index);
    const col = Number(target.dataset.col ?? 0);
    if (row !== this.focusRow || col !== this.focusCol) {
      this.focusedElement()?.setAttribute('tabindex', '-1');
      this.focusRow = row;
      this.focusCol = col;
      target.tabIndex = 0;
    }
    this.showTip(target);
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const row = this.rows[this.focusRow];
    switch (event.key) {
      case 'ArrowDown': this.moveTo(this.focusRow + 1, this.focusCol); break;
      case 'ArrowUp': this.moveTo(this.focusRow - 1, this.focusCol); break;
      case 'ArrowRight': this.moveTo(this.focusRow, this.focusCol + 1); break;
      case 'ArrowLeft': this.moveTo(this.focusRow, this.focusCol - 1); break;
      case 'Home': this.moveTo(event.ctrlKey ? 0 : this.focusRow, 0); break;
      case 'End': this.moveTo(event.ctrlKey ? this.rows.length - 1 : this.focusRow, this.model.columns.length); break;
      case 'PageDown': this.moveTo(this.focusRow + page, this.focusCol); break;
      case 'PageUp': this.moveTo(this.focusRow - page, this.focusCol); break;
      case 'Enter':
      case ' ':
        if (!row) return;
        if (this.focusCol === 0 && row.kind === 'section') this.callbacks.toggle(row.id);
        else if (event.key === 'Enter') this.callbacks.open(row);
        else return;
        break;
      default: return;
    }
    event.preventDefault();
  }

  private onClick(event: MouseEvent): void {
    const target = (event.target as HTMLElement).closest<HTMLElement>('.hm-rowhead, .hm-cell');
    const rowElement = target?.closest<HTMLElement>('.hm-row');
    const row = rowElement ? this.rows[Number(rowElement.dataset.index)] : undefined;
    if (!target || !row) return;
    if (target.classList.contains('hm-rowhead')) {
      if (row.kind === 'section') this.callbacks.toggle(row.id);
    } else {
      this.callbacks.open(row);
    }
  }

  // ---- tooltip ----

  private tipFor: HTMLElement | null = null;

  private showTip(target: HTMLElement): void {
    const cell = target.closest<HTMLElement>('.hm-cell');
    if (!cell || !cell.dataset.counts) return this.hideTip();
    this.tipFor = cell;
    const header = this.head.querySelector<HTMLElement>(`[aria-colindex="${cell.getAttribute('aria-colindex')}"]`);
    const rowHead = cell.parentElement?.firstElementChild as HTMLElement | null;
    this.tooltip.replaceChildren();
    const strong = document.createElement('strong');
    const rowName = rowHead?.title ?? '';
    strong.textContent = `${rowName.length > 70 ? `${rowName.slice(0, 69)}…` : rowName} · ${header?.title ?? ''}`;
    const counts = document.createElement('div');
    counts.textContent = cell.dataset.counts;
    this.tooltip.append(strong, counts);
    this.tooltip.hidden = false;
    const box = cell.getBoundingClientRect();
    const host = this.scroller.getBoundingClientRect();
    const left = Math.min(box.left - host.left + this.scroller.scrollLeft, this.scroller.scrollWidth - 300);
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${box.bottom - host.top + this.scroller.scrollTop + 4}px`;
    cell.setAttribute('aria-describedby', this.tooltip.id);
  }

  private hideTip(): void {
    this.tipFor?.removeAttribute('aria-describedby');
    this.tipFor = null;
    this.tooltip.hidden = true;
  }
}
