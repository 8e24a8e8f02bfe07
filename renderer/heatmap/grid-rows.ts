/**
 * The heatmap grid's row elements: only the rows near the viewport are in the DOM, and of
 * those only their headers (the cells are drawn on a canvas). New rows are parsed in one
 * piece straight into the grid's body; a row whose element holds the focus is never
 * removed while it does (removing a focused element forces a layout there and then).
 */
import type { HeatmapModel } from '../../shared/heatmap/model.ts';
import type { HeatmapRow } from '../../shared/heatmap/rows.ts';
import { rowMarkup, styleRow } from './grid-cells.ts';
import type { Span } from './grid-viewport.ts';

function rowKey(kind: string, id: string): string {
  return `${kind}:${id}`;
}

export class RowElements {
  private readonly body: HTMLElement;
  private readonly model: HeatmapModel;
  /** Moves the focus out of a row about to be removed; returns whether the grid had it. */
  private readonly parkFocus: () => boolean;
  private readonly rendered = new Map<string, HTMLElement>();

  constructor(body: HTMLElement, model: HeatmapModel, parkFocus: () => boolean) {
    this.body = body;
    this.model = model;
    this.parkFocus = parkFocus;
  }

  /** The element of a row, when it is in the DOM. */
  of(row: HeatmapRow): HTMLElement | undefined {
    return this.rendered.get(rowKey(row.kind, row.id));
  }

  /** The element of a section's or paragraph's row, when it is in the DOM. */
  byId(kind: HeatmapRow['kind'], id: string): HTMLElement | undefined {
    return this.rendered.get(rowKey(kind, id));
  }

  /** New rows: removes the elements that no longer show the row at their index as it is now. Returns whether one of them had the focus. */
  keepFitting(rows: readonly HeatmapRow[], expanded: ReadonlySet<string>): boolean {
    let hadFocus = false;
    for (const [key, element] of this.rendered) {
      const row = rows[Number(element.dataset.index)];
      if (row && rowKey(row.kind, row.id) === key && element.dataset.expanded === String(expanded.has(row.id))) continue;
      if (element.contains(document.activeElement)) hadFocus = this.parkFocus() || hadFocus;
      element.remove();
      this.rendered.delete(key);
    }
    return hadFocus;
  }

  /** The rows whose headers are in the DOM: those on screen and a few around them. */
  shown(rows: readonly HeatmapRow[]): HeatmapRow[] {
    const shown: HeatmapRow[] = [];
    for (const element of this.rendered.values()) {
      const row = rows[Number(element.dataset.index)];
      if (row) shown.push(row);
    }
    return shown;
  }

  /**
   * Builds the rows in `span` that are not in the DOM yet, and the focused row wherever
   * it is (it holds the grid's tab stop); takes the others out.
   */
  build(rows: readonly HeatmapRow[], span: Span, expanded: ReadonlySet<string>, focus: { row: number; col: number }): void {
    const wanted = new Set<string>();
    const indexes: number[] = [];
    for (let i = span.first; i <= span.last; i++) indexes.push(i);
    if (focus.row < span.first || focus.row > span.last) indexes.push(focus.row);
    let html = '';
    const built: { key: string; index: number }[] = [];
    for (const i of indexes) {
      const row = rows[i];
      if (!row) continue;
      const key = rowKey(row.kind, row.id);
      wanted.add(key);
      const element = this.rendered.get(key);
      if (element && Number(element.dataset.index) === i) continue;
      if (element?.contains(document.activeElement)) this.parkFocus();
      element?.remove();
      this.rendered.delete(key);
      html += rowMarkup(row, i, { model: this.model, expanded: expanded.has(row.id), odd: i % 2 === 1, tabStop: i === focus.row && focus.col === 0 });
      built.push({ key, index: i });
    }
    for (const [key, element] of this.rendered) {
      if (wanted.has(key) || element.contains(document.activeElement)) continue;
      element.remove();
      this.rendered.delete(key);
    }
    if (built.length === 0) return;
    // One parse for every new row, straight into the body (no adoption from another
    // document), then their places through the CSSOM.
    const before = this.body.childElementCount;
    this.body.insertAdjacentHTML('beforeend', html);
    const parsed = this.body.children;
    built.forEach(({ key, index }, i) => {
      const element = parsed[before + i] as HTMLElement | undefined;
      if (!element) return;
      styleRow(element, index);
      this.rendered.set(key, element);
    });
  }
}
