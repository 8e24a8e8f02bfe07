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
import type { Cell } from '../../shared/heatmap/cells.ts';
import { paintRowElement, rowBuild, styleRow, type RowBuild, type RowContext } from './grid-cells.ts';
import { GridMarks } from './grid-marks.ts';
import { CellTooltip } from './grid-tooltip.ts';
import { CELL_NARROW, CELL_WIDE, GridViewport, LABEL_WIDTH, NARROW_ABOVE, ROW_HEIGHT, type Span } from './grid-viewport.ts';

export { ROW_HEIGHT } from './grid-viewport.ts';

export interface GridCallbacks {
  toggle(sectionId: string): void;
  open(row: HeatmapRow): void;
}

function rowKey(row: HeatmapRow): string {
  return `${row.kind}:${row.id}`;
}

export class HeatmapGrid {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tooltip: CellTooltip;
  private readonly model: HeatmapModel;
  private readonly callbacks: GridCallbacks;
  private readonly viewport: GridViewport;
  private readonly marks = new GridMarks();
  private rows: HeatmapRow[] = [];
  private expanded: ReadonlySet<string> = new Set();
  private readonly rendered = new Map<string, HTMLElement>();
  /** The columns the rendered rows have cells for. */
  private span: Span = { first: 0, last: -1 };
  /** Focus position: row index (−1 = the header row) and column (0 = row header). */
  private focusRow = 0;
  private focusCol = 0;
  private frame = 0;
  private focusFrame = 0;

  constructor(scroller: HTMLElement, model: HeatmapModel, callbacks: GridCallbacks) {
    this.scroller = scroller;
    this.model = model;
    this.callbacks = callbacks;
    this.element = document.createElement('div');
    this.element.className = 'hm-grid';
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Consensus heatmap');
    // Focus waits here while the rows under it are rebuilt (parkFocus).
    this.element.tabIndex = -1;
    this.element.style.setProperty('--hm-label', `${LABEL_WIDTH}px`);
    this.element.style.setProperty('--hm-row', `${ROW_HEIGHT}px`);
    this.head = document.createElement('div');
    this.head.className = 'hm-head';
    this.head.setAttribute('role', 'rowgroup');
    this.body = document.createElement('div');
    this.body.className = 'hm-body';
    this.body.setAttribute('role', 'rowgroup');
    this.body.append(this.marks.canvas);
    this.element.append(this.head, this.body);
    this.tooltip = new CellTooltip(scroller, (colIndex) => this.model.columns[colIndex - 2]?.label ?? '');
    scroller.append(this.element, this.tooltip.element);
    this.viewport = new GridViewport(scroller, this.head, () => this.renderWindow());
    scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('focusin', (event) => this.onFocus(event.target as HTMLElement));
    this.element.addEventListener('mouseover', (event) => this.tooltip.show(event.target as HTMLElement));
    this.element.addEventListener('mouseleave', () => this.tooltip.hide());
    this.element.addEventListener('focusout', () => this.tooltip.hide());
  }

  get rowList(): readonly HeatmapRow[] {
    return this.rows;
  }

  private get narrow(): boolean {
    return this.model.columns.length > NARROW_ABOVE;
  }

  private get cellWidth(): number {
    return this.narrow ? CELL_NARROW : CELL_WIDE;
  }

  /** New rows or columns: rebuilds the header and the rows on screen. */
  setRows(rows: HeatmapRow[], expanded: ReadonlySet<string>): void {
    const hadFocus = this.parkFocus();
    this.rows = rows;
    this.expanded = expanded;
    const columns = this.model.columns;
    this.element.style.setProperty('--hm-columns', String(columns.length));
    this.element.style.setProperty('--hm-cell', `${this.cellWidth}px`);
    this.element.classList.toggle('hm-narrow', this.narrow);
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.element.setAttribute('aria-colcount', String(columns.length + 1));
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.body.replaceChildren(this.marks.canvas);
    this.rendered.clear();
    this.focusRow = Math.min(this.focusRow, Math.max(rows.length - 1, 0));
    this.focusCol = Math.min(this.focusCol, columns.length);
    this.span = { first: 0, last: -1 };
    this.renderWindow();
    if (hadFocus) this.restoreFocus();
  }

  /** The header row: the corner and the column headers of the columns in `span`. */
  private buildHeader(): void {
    const columns = this.model.columns;
    const narrow = this.narrow;
    const header = document.createElement('div');
    header.className = 'hm-row hm-header-row';
    header.setAttribute('role', 'row');
    header.setAttribute('aria-rowindex', '1');
    const corner = document.createElement('div');
    corner.className = 'hm-corner';
    corner.setAttribute('role', 'columnheader');
    corner.textContent = 'Section';
    header.append(corner);
    for (let i = this.span.first; i <= this.span.last; i++) {
      const column = columns[i];
      if (!column) continue;
      const th = document.createElement('div');
      th.className = 'hm-colhead';
      th.setAttribute('role', 'columnheader');
      th.setAttribute('aria-colindex', String(i + 2));
      if (i === this.span.first) th.style.gridColumnStart = String(i + 2);
      th.title = column.label;
      const label = document.createElement('span');
      label.textContent = narrow ? column.label : column.short;
      label.setAttribute('aria-label', column.label);
      th.append(label);
      header.append(th);
    }
    this.head.replaceChildren(header);
  }

  /** Repaints the rows (section or block ids) a change named, if they are on screen. */
  repaint(ids: Iterable<string>): void {
    const context = { model: this.model, columns: this.model.columns, narrow: this.narrow };
    for (const id of ids) {
      for (const kind of ['section', 'paragraph']) {
        const element = this.rendered.get(`${kind}:${id}`);
        const row = element ? this.rows[Number(element.dataset.index)] : undefined;
        if (!element || !row) continue;
        const cells = this.cellsOf(row);
        paintRowElement(element, row, cells, context);
        this.marks.redrawRow(Number(element.dataset.index), cells);
        this.tooltip.refresh(element);
      }
    }
  }

  /**
   * Moves focus from a cell about to be removed to the grid itself (its keys still work):
   * removing a focused element makes the browser lay out the page there and then, in the
   * middle of the rebuild. Returns whether the grid had focus.
   */
  private parkFocus(): boolean {
    if (!this.element.contains(document.activeElement)) return false;
    if (document.activeElement !== this.element) this.element.focus({ preventScroll: true });
    return true;
  }

  /** Focus back on the focused cell at the next frame, whose style and layout it needs anyway. */
  private restoreFocus(): void {
    if (this.focusFrame) return;
    this.focusFrame = requestAnimationFrame(() => {
      this.focusFrame = 0;
      if (document.activeElement === this.element) this.focusedElement()?.focus({ preventScroll: true });
    });
  }

  focus(): void {
    this.ensureVisible(this.focusRow, this.focusCol);
    // Already scrolled into view: focusing without scrolling asks layout nothing.
    this.focusedElement()?.focus({ preventScroll: true });
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderWindow();
    });
  }

  /** The columns to give cells: those on screen or near it. */
  private wantedSpan(): Span {
    return this.viewport.columns(this.model.columns.length, this.cellWidth);
  }

  /**
   * Puts the rows near the viewport into the DOM (with cells for the columns near it)
   * and takes the others out. Rows are built as markup in one parse; nothing here reads
   * layout.
   */
  renderWindow(): void {
    const wantedSpan = this.wantedSpan();
    const rows = this.viewport.rows(this.rows.length);
    // Rebuild every row when the columns on screen move out of what the rows hold.
    if (wantedSpan.first < this.span.first || wantedSpan.last > this.span.last) {
      const hadFocus = this.body.contains(document.activeElement) && this.parkFocus();
      this.span = wantedSpan;
      this.buildHeader();
      this.body.replaceChildren(this.marks.canvas);
      this.rendered.clear();
      this.buildRows(rows);
      if (hadFocus) this.restoreFocus();
    } else {
      this.buildRows(rows);
    }
    this.marks.draw(rows, this.span, this.cellWidth, (index) => {
      const row = this.rows[index];
      return row ? this.cellsOf(row) : undefined;
    });
  }

  /**
   * Builds the rows in `span` that are not in the DOM yet, and the focused row wherever
   * it is (it holds the grid's tab stop; it also gets the focused column's cell).
   */
  private buildRows(span: Span): void {
    const wanted = new Set<string>();
    const columns = this.model.columns;
    const shown: number[] = [];
    for (let i = this.span.first; i <= this.span.last; i++) shown.push(i);
    const focusColumn = this.focusCol - 1;
    const shownWithFocus = focusColumn < 0 || (focusColumn >= this.span.first && focusColumn <= this.span.last) || focusColumn >= columns.length
      ? shown
      : [...shown, focusColumn].sort((a, b) => a - b);
    const indexes: number[] = [];
    for (let i = span.first; i <= span.last; i++) indexes.push(i);
    if (this.focusRow < span.first || this.focusRow > span.last) indexes.push(this.focusRow);
    const builds: { key: string; build: RowBuild }[] = [];
    for (const i of indexes) {
      const row = this.rows[i];
      if (!row) continue;
      const key = rowKey(row);
      wanted.add(key);
      const element = this.rendered.get(key);
      if (element && Number(element.dataset.index) === i) continue;
      element?.remove();
      this.rendered.delete(key);
      const focused = i === this.focusRow;
      const context: RowContext = {
        model: this.model, columns, narrow: this.narrow, cellWidth: this.cellWidth, shown: focused ? shownWithFocus : shown, expanded: this.expanded.has(row.id), odd: i % 2 === 1,
        tabStop: focused ? this.focusCol : -1,
      };
      builds.push({ key, build: rowBuild(row, i, this.cellsOf(row), context) });
    }
    for (const [key, element] of this.rendered) {
      if (wanted.has(key) || element.contains(document.activeElement)) continue;
      element.remove();
      this.rendered.delete(key);
    }
    if (builds.length === 0) return;
    // One parse for every new row, straight into the body (no adoption from another
    // document), then their positions and fills through the CSSOM.
    const before = this.body.childElementCount;
    this.body.insertAdjacentHTML('beforeend', builds.map((b) => b.build.html).join(''));
    const parsed = this.body.children;
    builds.forEach(({ key, build }, i) => {
      const element = parsed[before + i] as HTMLElement | undefined;
      if (!element) return;
      styleRow(element, build);
      this.rendered.set(key, element);
    });
  }

  private cellsOf(row: HeatmapRow): readonly Cell[] {
    return row.kind === 'section' ? this.model.sectionFigures(row.id)?.cells ?? [] : this.model.paragraphCells(row.id);
  }

  // ---- focus and keys ----

  private focusedIn(rowElement: HTMLElement): HTMLElement | null {
    if (this.focusCol === 0) return rowElement.firstElementChild as HTMLElement | null;
    return rowElement.querySelector<HTMLElement>(`[data-col="${this.focusCol}"]`);
  }

  private focusedElement(): HTMLElement | null {
    const row = this.rows[this.focusRow];
    const element = row ? this.rendered.get(rowKey(row)) : undefined;
    return element ? this.focusedIn(element) : null;
  }

  /** Scrolls the row and column into view (from known geometry: no layout read) and renders them. */
  private ensureVisible(index: number, col: number): void {
    const { viewport } = this;
    const head = viewport.head;
    const top = head + index * ROW_HEIGHT;
    let scrollTop = viewport.scrollTop;
    if (top - head < scrollTop) scrollTop = top - head;
    else if (top + ROW_HEIGHT > scrollTop + viewport.viewHeight) scrollTop = top + ROW_HEIGHT - viewport.viewHeight;
    let scrollLeft = viewport.scrollLeft;
    if (col > 0) {
      const width = this.cellWidth;
      const left = LABEL_WIDTH + (col - 1) * width;
      if (left < scrollLeft + LABEL_WIDTH) scrollLeft = left - LABEL_WIDTH;
      else if (left + width > scrollLeft + viewport.viewWidth) scrollLeft = left + width - viewport.viewWidth;
    }
    viewport.scrollTo(scrollTop, scrollLeft);
    this.renderWindow();
  }

  private moveTo(row: number, col: number): void {
    const rows = this.rows.length;
    if (rows === 0) return;
    this.focusedElement()?.setAttribute('tabindex', '-1');
    this.focusRow = Math.max(0, Math.min(rows - 1, row));
    this.focusCol = Math.max(0, Math.min(this.model.columns.length, col));
    this.ensureVisible(this.focusRow, this.focusCol);
    const target = this.focusedElement();
    if (target) {
      target.tabIndex = 0;
      target.focus({ preventScroll: true });
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
    this.tooltip.show(target);
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.viewHeight / ROW_HEIGHT) - 1);
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
}
