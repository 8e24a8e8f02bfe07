/**
 * The heatmap cell's tooltip: its row, its column and its counts in words, under the cell
 * that has the mouse or the focus (the cell names it with aria-describedby).
 */
export class CellTooltip {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  /** The column's name for a cell's aria-colindex. */
  private readonly columnLabel: (colIndex: number) => string;
  private cell: HTMLElement | null = null;
  private frame = 0;

  constructor(scroller: HTMLElement, columnLabel: (colIndex: number) => string) {
    this.scroller = scroller;
    this.columnLabel = columnLabel;
    this.element = document.createElement('div');
    this.element.className = 'hm-tooltip';
    this.element.id = 'heatmap-tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
  }

  /** Shows the tooltip for the cell `target` is in (hides it for anything else). */
  show(target: HTMLElement): void {
    const cell = target.closest<HTMLElement>('.hm-cell');
    if (!cell || !cell.dataset.counts) return this.hide();
    if (this.cell !== cell) this.cell?.removeAttribute('aria-describedby');
    this.fill(cell);
    cell.setAttribute('aria-describedby', this.element.id);
    // Placed at the next frame: measuring now, right after a key moved the focus and
    // re-rendered rows, would force a layout of its own.
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const shown = this.cell;
      if (!shown || !shown.isConnected) return;
      const box = shown.getBoundingClientRect();
      const host = this.scroller.getBoundingClientRect();
      const left = Math.min(box.left - host.left + this.scroller.scrollLeft, this.scroller.scrollWidth - 300);
      this.element.style.left = `${Math.max(0, left)}px`;
      this.element.style.top = `${box.bottom - host.top + this.scroller.scrollTop + 4}px`;
    });
  }

  /** A repainted row: new words if the tooltip's cell is in it (its place stays). */
  refresh(row: HTMLElement): void {
    if (this.cell && row.contains(this.cell)) this.fill(this.cell);
  }

  hide(): void {
    this.cell?.removeAttribute('aria-describedby');
    this.cell = null;
    this.element.hidden = true;
  }

  private fill(cell: HTMLElement): void {
    this.cell = cell;
    const rowHead = cell.parentElement?.firstElementChild as HTMLElement | null;
    const strong = document.createElement('strong');
    const rowName = rowHead?.title ?? '';
    strong.textContent = `${rowName.length > 70 ? `${rowName.slice(0, 69)}…` : rowName} · ${this.columnLabel(Number(cell.getAttribute('aria-colindex')))}`;
    const counts = document.createElement('div');
    counts.textContent = cell.dataset.counts ?? '';
    this.element.replaceChildren(strong, counts);
    this.element.hidden = false;
  }
}
