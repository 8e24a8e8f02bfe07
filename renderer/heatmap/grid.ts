/**
 * The heatmap grid: an ARIA grid (row headers are sections and paragraphs, column headers
 * the columns) with one tab stop and arrow-key navigation. Only the rows near the
 * viewport are in the DOM (fixed row height; grid-rows.ts), and of those only the row
 * headers: the cells are drawn on canvases (grid-canvas.ts), and the focused and hovered
 * cells are made real elements over them (grid-probe.ts) — so a column switch or a live
 * stance costs canvas rectangles, not Blink style and layout of hundreds of cells. A
 * change repaints just the cells of the rows it names.
 *
 * Keys: arrows move; Home/End go to the row's ends; PageUp/PageDown move a screen;
 * Enter or Space on a row header expands or collapses a section; Enter on a cell opens
 * the report there; the cell under focus or the mouse shows its counts.
 */
import type { HeatmapModel } from '../../shared/heatmap/model.ts';
import type { HeatmapRow } from '../../shared/heatmap/rows.ts';
import type { Cell } from '../../shared/heatmap/cells.ts';
import { paintRowHead, rowHeadOf } from './grid-cells.ts';
import { RowElements } from './grid-rows.ts';
import type { CellAt, GridCanvas } from './grid-canvas.ts';
import { GridSurfaces } from './grid-surfaces.ts';
import { CellProbe } from './grid-probe.ts';
import { CellTooltip } from './grid-tooltip.ts';
import { buildHeaderRow } from './grid-header.ts';
import { keyAction } from './grid-keys.ts';
import { CELL_NARROW, CELL_WIDE, GridViewport, LABEL_WIDTH, NARROW_ABOVE, ROW_HEIGHT, type Span } from './grid-viewport.ts';

export { ROW_HEIGHT } from './grid-viewport.ts';

export interface GridCallbacks {
  toggle(sectionId: string): void;
  open(row: HeatmapRow): void;
  /** Rows were drawn (new rows, new columns, a scroll). */
  drawn(): void;
}

export class HeatmapGrid {
  readonly element: HTMLElement;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tooltip = new CellTooltip();
  private readonly model: HeatmapModel;
  private readonly callbacks: GridCallbacks;
  private readonly viewport: GridViewport;
  private readonly surfaces: GridSurfaces;
  /** The focused cell (the tab stop when a cell has it); replaced, not moved, while it holds focus. */
  private focusProbe = new CellProbe('hm-focus-cell');
  private readonly hoverProbe = new CellProbe('hm-hover-cell');
  private rows: readonly HeatmapRow[] = [];
  private expanded: ReadonlySet<string> = new Set();
  private readonly rowElements: RowElements;
  /** The columns the header has cells for (and the canvas draws). */
  private span: Span = { first: 0, last: -1 };
  /** Focus position: row index and column (0 = row header, i + 1 = column i). */
  private focusRow = 0;
  private focusCol = 0;
  private frame = 0;
  private focusFrame = 0;

  constructor(scroller: HTMLElement, model: HeatmapModel, callbacks: GridCallbacks) {
    this.model = model;
    this.callbacks = callbacks;
    this.element = document.createElement('div');
    this.element.className = 'hm-grid';
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Consensus heatmap');
    // Focus waits here while the row under it is rebuilt (parkFocus).
    this.element.tabIndex = -1;
    this.element.style.setProperty('--hm-label', `${LABEL_WIDTH}px`);
    this.element.style.setProperty('--hm-row', `${ROW_HEIGHT}px`);
    this.head = document.createElement('div');
    this.head.className = 'hm-head';
    this.head.setAttribute('role', 'rowgroup');
    this.body = document.createElement('div');
    this.body.className = 'hm-body';
    this.body.setAttribute('role', 'rowgroup');
    this.rowElements = new RowElements(this.body, model, () => this.parkFocus());
    this.surfaces = new GridSurfaces(this.body, {
      move: (at) => this.hover(at),
      leave: () => this.hover(null),
      click: (at) => this.onCanvasClick(at),
    });
    this.element.append(this.head, this.body);
    scroller.append(this.element, this.tooltip.element);
    this.viewport = new GridViewport(scroller, this.head, () => this.renderWindow());
    scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('focusin', (event) => this.onFocus(event.target as HTMLElement));
    this.element.addEventListener('focusout', () => this.tooltip.hide());
  }

  /** The cells' canvas of the columns shown. */
  private get canvas(): GridCanvas {
    return this.surfaces.cells;
  }

  /**
   * Makes the canvases for narrow columns (members) and their names ahead of a first
   * switch to them, as large as this viewport needs; for idle time.
   */
  prepareCanvases(): void {
    if (this.narrow) return;
    const room = this.viewport.cellsRoom(CELL_NARROW);
    this.surfaces.prepareNarrow(room.rows, room.width, this.model.columnsOf('member').map((c) => c.label));
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

  /** New rows or columns: keeps the row elements that still fit, rebuilds the header and redraws the cells. */
  setRows(rows: readonly HeatmapRow[], expanded: ReadonlySet<string>): void {
    this.rows = rows;
    this.expanded = expanded;
    const hadFocus = this.rowElements.keepFitting(rows, expanded);
    const columns = this.model.columns;
    this.element.style.setProperty('--hm-columns', String(columns.length));
    this.element.style.setProperty('--hm-cell', `${this.cellWidth}px`);
    this.element.classList.toggle('hm-narrow', this.narrow);
    this.viewport.setHeadKind(this.narrow ? 'narrow' : 'wide');
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.element.setAttribute('aria-colcount', String(columns.length + 1));
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.focusRow = Math.min(this.focusRow, Math.max(rows.length - 1, 0));
    this.focusCol = Math.min(this.focusCol, columns.length);
    this.span = { first: 0, last: -1 };
    this.surfaces.show(this.narrow);
    this.canvas.invalidate();
    this.hover(null);
    this.renderWindow();
    if (hadFocus) this.restoreFocus();
  }

  /** Repaints the rows (section or block ids) a change named, if they are on screen: their changed cells on the canvas, their headers and probes. */
  repaint(ids: Iterable<string>): void {
    for (const id of ids) {
      for (const kind of ['section', 'paragraph'] as const) {
        const element = this.rowElements.byId(kind, id);
        const index = Number(element?.dataset.index);
        const row = this.rows[index];
        if (!element || !row) continue;
        const cells = this.cellsOf(row);
        const head = rowHeadOf(this.model, row);
        paintRowHead(element, head);
        this.canvas.redrawRow(index, cells);
        for (const probe of [this.focusProbe, this.hoverProbe]) {
          const column = probe.place?.column ?? -1;
          if (!probe.isOn(index)) continue;
          probe.paint(cells[column], head.name, this.columnLabel(column));
          if (this.tooltip.describes === probe.element) this.tooltip.refresh(this.tooltipHeading(head.title, column), probe.countsText);
        }
      }
    }
  }

  /**
   * Moves focus from a row about to be removed to the grid itself (its keys still work):
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

  /**
   * Puts the row headers near the viewport into the DOM and takes the others out, builds
   * the column headers near it, puts the focused cell on its row and draws the cells.
   * Nothing here reads layout.
   */
  renderWindow(): void {
    const wanted = this.viewport.columns(this.model.columns.length, this.cellWidth);
    const rows = this.viewport.rows(this.rows.length);
    if (wanted.first < this.span.first || wanted.last > this.span.last) {
      this.span = wanted;
      this.head.replaceChildren(buildHeaderRow(this.model.columns, this.span, this.narrow ? this.surfaces.headNames : null));
    }
    this.rowElements.build(this.rows, rows, this.expanded, { row: this.focusRow, col: this.focusCol });
    this.placeFocusProbe();
    if (this.hoverProbe.place && !this.hoverProbe.element.isConnected) this.hover(null);
    this.canvas.draw(this.viewport.rows(this.rows.length, 0), rows, this.span, this.cellWidth, this.narrow, (index) => {
      const row = this.rows[index];
      return row ? this.cellsOf(row) : undefined;
    });
    this.callbacks.drawn();
  }

  /** The rows whose headers are in the DOM: those on screen and a few around them. */
  shownRows(): HeatmapRow[] {
    return this.rowElements.shown(this.rows);
  }

  /**
   * Puts the focus probe on the focused cell (nothing when a row header has the focus).
   * A probe that holds the focus is never moved to another row (removing a focused
   * element forces a layout): a new one takes its place and the focus first.
   */
  private placeFocusProbe(): void {
    const probe = this.focusProbe;
    const row = this.rows[this.focusRow];
    const rowElement = row ? this.rowElements.of(row) : undefined;
    const column = this.focusCol - 1;
    const holds = document.activeElement === probe.element;
    if (!row || !rowElement || column < 0) {
      if (holds) this.parkFocus();
      probe.remove();
      return;
    }
    const target = holds && probe.place?.rowElement !== rowElement ? new CellProbe('hm-focus-cell') : probe;
    const head = rowHeadOf(this.model, row);
    target.show({ rowElement, index: this.focusRow, column }, this.cellsOf(row)[column], head.name, this.columnLabel(column), this.cellWidth);
    target.element.tabIndex = 0;
    if (target !== probe) {
      this.focusProbe = target;
      target.element.focus({ preventScroll: true });
      probe.remove();
    }
    if (this.tooltip.describes === probe.element || this.tooltip.describes === target.element) this.showTooltip(target);
  }

  /** The mouse is over a cell (or none): the hover probe and the tooltip follow it. */
  private hover(at: CellAt): void {
    const probe = this.hoverProbe;
    const row = at ? this.rows[at.row] : undefined;
    const rowElement = row ? this.rowElements.of(row) : undefined;
    const onFocused = at !== null && at.row === this.focusRow && at.column === this.focusCol - 1 && this.focusProbe.element.isConnected;
    this.focusProbe.element.classList.toggle('hm-hovered', onFocused);
    if (!at || !row || !rowElement || onFocused) {
      const had = probe.place !== null;
      probe.remove();
      if (onFocused) this.showTooltip(this.focusProbe);
      else if (had) this.tooltipToFocus();
      return;
    }
    if (probe.place?.index === at.row && probe.place.column === at.column && probe.element.isConnected) return;
    const head = rowHeadOf(this.model, row);
    probe.show({ rowElement, index: at.row, column: at.column }, this.cellsOf(row)[at.column], head.name, this.columnLabel(at.column), this.cellWidth);
    this.showTooltip(probe);
  }

  /** The tooltip goes back to the focused cell when the grid has focus, or away. */
  private tooltipToFocus(): void {
    if (document.activeElement === this.focusProbe.element) this.showTooltip(this.focusProbe);
    else this.tooltip.hide();
  }

  private showTooltip(probe: CellProbe): void {
    const place = probe.place;
    const row = place ? this.rows[place.index] : undefined;
    if (!place || !row || !probe.countsText) return this.tooltip.hide();
    // Under the cell, kept inside the scroller's content (as wide as the grid or the view, whichever is wider).
    const contentWidth = Math.max(LABEL_WIDTH + this.model.columns.length * this.cellWidth, this.viewport.viewWidth);
    const left = Math.min(LABEL_WIDTH + place.column * this.cellWidth, contentWidth - 300);
    const top = this.viewport.head + (place.index + 1) * ROW_HEIGHT + 2;
    this.tooltip.show(probe.element, this.tooltipHeading(rowHeadOf(this.model, row).title, place.column), probe.countsText, left, top);
  }

  private tooltipHeading(rowTitle: string, column: number): string {
    return `${rowTitle.length > 70 ? `${rowTitle.slice(0, 69)}…` : rowTitle} · ${this.columnLabel(column)}`;
  }

  private columnLabel(column: number): string {
    return this.model.columns[column]?.label ?? '';
  }

  private cellsOf(row: HeatmapRow): readonly Cell[] {
    return row.kind === 'section' ? this.model.sectionFigures(row.id)?.cells ?? [] : this.model.paragraphCells(row.id);
  }

  // ---- focus and keys ----

  private focusedElement(): HTMLElement | null {
    if (this.focusCol > 0) return this.focusProbe.element.isConnected ? this.focusProbe.element : null;
    const row = this.rows[this.focusRow];
    const element = row ? this.rowElements.of(row) : undefined;
    return (element?.firstElementChild as HTMLElement | null | undefined) ?? null;
  }

  /** Scrolls the row and column into view (from known geometry: no layout read) and renders them. */
  private ensureVisible(index: number, col: number): void {
    this.viewport.reveal(index, col, this.cellWidth);
    this.renderWindow();
  }

  private moveTo(row: number, col: number): void {
    const rows = this.rows.length;
    if (rows === 0) return;
    if (this.focusCol === 0) this.focusedElement()?.setAttribute('tabindex', '-1');
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
    if (target === this.focusProbe.element) return this.showTooltip(this.focusProbe);
    const rowElement = target.closest<HTMLElement>('.hm-row');
    if (!target.classList.contains('hm-rowhead') || !rowElement || rowElement.dataset.index === undefined) return;
    const row = Number(rowElement.dataset.index);
    if (row !== this.focusRow || this.focusCol !== 0) {
      this.focusedElement()?.setAttribute('tabindex', '-1');
      this.focusRow = row;
      this.focusCol = 0;
      target.tabIndex = 0;
      this.placeFocusProbe();
    }
    this.tooltip.hide();
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.viewHeight / ROW_HEIGHT) - 1);
    const action = keyAction(event, { row: this.focusRow, col: this.focusCol }, this.rows.length, this.model.columns.length, page);
    const row = this.rows[this.focusRow];
    if (!action) return;
    if ('move' in action) this.moveTo(action.move.row, action.move.col);
    else if (!row) return;
    else if (this.focusCol === 0 && row.kind === 'section') this.callbacks.toggle(row.id);
    else if (action.activate === 'enter') this.callbacks.open(row);
    else return;
    event.preventDefault();
  }

  /** A click on a row header expands or collapses its section. */
  private onClick(event: MouseEvent): void {
    const target = (event.target as HTMLElement).closest<HTMLElement>('.hm-rowhead');
    const rowElement = target?.closest<HTMLElement>('.hm-row');
    const row = rowElement ? this.rows[Number(rowElement.dataset.index)] : undefined;
    if (target && row?.kind === 'section') this.callbacks.toggle(row.id);
  }

  /** A click on a cell focuses it and opens the report there. */
  private onCanvasClick(at: CellAt): void {
    const row = at ? this.rows[at.row] : undefined;
    if (!at || !row) return;
    this.moveTo(at.row, at.column + 1);
    this.callbacks.open(row);
  }
}
