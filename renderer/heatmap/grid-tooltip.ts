/**
 * The heatmap cell's tooltip: its row, its column and its counts in words, under the cell
 * that has the mouse or the focus (the cell's probe names it with aria-describedby). Its
 * place comes from the grid's fixed geometry, so showing it reads no layout.
 */
export class CellTooltip {
  readonly element: HTMLElement;
  private owner: HTMLElement | null = null;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'hm-tooltip';
    this.element.id = 'heatmap-tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
  }

  /** The element the tooltip describes now, if it is shown. */
  get describes(): HTMLElement | null {
    return this.owner;
  }

  /**
   * Shows `heading` and `counts` with the tooltip's top left corner at (`left`, `top`) in
   * the scroller's content, for the cell element `owner`.
   */
  show(owner: HTMLElement, heading: string, counts: string, left: number, top: number): void {
    if (this.owner !== owner) this.owner?.removeAttribute('aria-describedby');
    this.owner = owner;
    this.fill(heading, counts);
    owner.setAttribute('aria-describedby', this.element.id);
    this.element.style.left = `${Math.max(0, left)}px`;
    this.element.style.top = `${top}px`;
  }

  /** New words for the shown tooltip (a live change to its cell); its place stays. */
  refresh(heading: string, counts: string): void {
    if (this.owner) this.fill(heading, counts);
  }

  hide(): void {
    this.owner?.removeAttribute('aria-describedby');
    this.owner = null;
    this.element.hidden = true;
  }

  private fill(heading: string, counts: string): void {
    const strong = document.createElement('strong');
    strong.textContent = heading;
    const line = document.createElement('div');
    line.textContent = counts;
    this.element.replaceChildren(strong, line);
    this.element.hidden = false;
  }
}
