/**
 * The chair's consensus dashboard: controls (columns, one group, filters, sort,
 * exports), the summary band, the grid, a legend, the follow-up list and the roster
 * balance. It reads the gutter's engine through a HeatmapModel and follows its change
 * events: a stance or an edit repaints only the rows it names (the summary figures follow
 * in the next idle time);
 * only changes the engine marks as `all` (rule, roster, sections) rebuild the rows.
 */
import type * as Y from 'yjs';
import type { ConsensusEngine, EngineChange } from '../../shared/consensus/engine.ts';
import { HeatmapModel } from '../../shared/heatmap/model.ts';
import { DEFAULT_FILTERS, heatmapRows, type HeatmapRow, type RowFilters } from '../../shared/heatmap/rows.ts';
import { HEATMAP_DIMENSIONS, isHeatmapDimension, type HeatmapDimensionId } from '../../shared/heatmap/dimensions.ts';
import { ParticipationTracker } from '../../shared/heatmap/participation.ts';
import { heatmapSvg } from '../../shared/heatmap/svg.ts';
import { heatmapCsv } from '../../shared/heatmap/csv.ts';
import { legendStops } from '../../shared/heatmap/scale.ts';
import type { Roster } from '../../shared/roster.ts';
import { reportGroups } from '../../shared/stakeholders.ts';
import { readMeta } from '../../shared/ydoc.ts';
import { HeatmapGrid } from './grid.ts';
import { SummaryBand } from './summary.ts';
import { BalancePanel } from './balance-panel.ts';
import { downloadCsv, downloadPng, downloadSvg, safeFileName } from './export.ts';

/**
 * Longest slice of background work (the participation recount, figures made ahead): a
 * click or key waits at most this long for it.
 */
const IDLE_SLICE_MS = 6;

/** When an idle slice must stop: within the idle period, never longer than IDLE_SLICE_MS. */
function sliceStop(deadline: IdleDeadline): () => boolean {
  const end = performance.now() + Math.min(IDLE_SLICE_MS, Math.max(2, deadline.timeRemaining()));
  return () => performance.now() >= end;
}

export interface HeatmapViewOptions {
  doc: Y.Doc;
  engine: ConsensusEngine;
  isChair: () => boolean;
  /** Opens the report at a block with its stances panel. */
  openBlock: (blockId: string) => void;
  report: (message: string) => void;
}

function control<T extends HTMLElement>(tag: string, id: string, label: string, parent: HTMLElement): T {
  const wrap = document.createElement('label');
  wrap.className = 'hm-control';
  wrap.htmlFor = id;
  const text = document.createElement('span');
  text.textContent = label;
  const element = document.createElement(tag) as T;
  element.id = id;
  wrap.append(text, element);
  parent.append(wrap);
  return element;
}

function option(select: HTMLSelectElement, value: string, label: string): void {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = label;
  select.append(element);
}

export class HeatmapView {
  readonly element: HTMLElement;
  readonly model: HeatmapModel;
  private readonly options: HeatmapViewOptions;
  private readonly tracker: ParticipationTracker;
  private readonly grid: HeatmapGrid;
  private readonly summary: SummaryBand;
  private readonly balance: BalancePanel;
  private readonly dimensionSelect: HTMLSelectElement;
  private readonly groupSelect: HTMLSelectElement;
  private filters: RowFilters = { ...DEFAULT_FILTERS };
  private expanded = new Set<string>();
  private visible = false;
  /** Changes that arrived while hidden: repainted on show. */
  private stale = false;
  private recountHandle = 0;
  private prepareHandle = 0;

  constructor(options: HeatmapViewOptions) {
    this.options = options;
    const { doc, engine } = options;
    // The engine's roster: reading the roster checks every member's key (tens of ms for 60),
    // and the engine's binding already does it once per change, before anything else hears of it.
    const currentRoster = (): Roster => engine.currentRoster;
    this.model = new HeatmapModel({ engine, roster: currentRoster, groups: () => reportGroups(doc) });
    this.model.configure({ dimension: 'group', group: null });
    // Counted in idle time once the view is shown (it visits every block).
    this.tracker = new ParticipationTracker(this.model, { deferred: true });
    this.element = document.createElement('section');
    this.element.id = 'heatmap';
    this.element.className = 'heatmap-view';
    this.element.hidden = true;
    this.element.setAttribute('aria-labelledby', 'heatmap-title');

    const top = document.createElement('div');
    top.className = 'hm-top';
    const title = document.createElement('h1');
    title.id = 'heatmap-title';
    title.className = 'hm-heading';
    title.textContent = 'Consensus heatmap';
    const controls = document.createElement('div');
    controls.className = 'hm-controls';
    controls.setAttribute('role', 'group');
    controls.setAttribute('aria-label', 'Heatmap columns, filters and exports');
    this.dimensionSelect = control<HTMLSelectElement>('select', 'hm-dimension', 'Columns', controls);
    for (const d of HEATMAP_DIMENSIONS) option(this.dimensionSelect, d.id, d.label);
    this.groupSelect = control<HTMLSelectElement>('select', 'hm-group', 'Members of', controls);
    const blocking = control<HTMLInputElement>('input', 'hm-blocking', 'Only rows blocking consensus', controls);
    blocking.type = 'checkbox';
    const hide = control<HTMLInputElement>('input', 'hm-hide-recognized', 'Hide sections recognized by all', controls);
    hide.type = 'checkbox';
    const sort = control<HTMLSelectElement>('select', 'hm-sort', 'Order', controls);
    option(sort, 'report', 'Report order');
    option(sort, 'readiness', 'Least ready first');
    const exports = document.createElement('div');
    exports.className = 'hm-exports';
    for (const [id, label] of [['svg', 'SVG'], ['png', 'PNG'], ['csv', 'CSV']] as const) {
      const button = document.createElement('button');
      button.type = 'button';
      button.id = `hm-export-${id}`;
      button.className = 'hm-button';
      button.textContent = label;
      button.setAttribute('aria-label', `Export the heatmap as ${label}`);
      button.addEventListener('click', () => this.export(id));
      exports.append(button);
    }
    const exportLabel = document.createElement('span');
    exportLabel.className = 'hm-export-label';
    exportLabel.textContent = 'Export';
    exports.prepend(exportLabel);
    controls.append(exports);
    top.append(title, controls);

    this.summary = new SummaryBand(engine, this.model, this.tracker, currentRoster, options.openBlock);
    this.balance = new BalancePanel(doc, options.isChair, options.report, currentRoster);

    const main = document.createElement('div');
    main.className = 'hm-main';
    const scroller = document.createElement('div');
    scroller.className = 'hm-scroll';
    this.grid = new HeatmapGrid(scroller, this.model, {
      toggle: (id) => this.toggle(id),
      open: (row) => this.openRow(row),
      drawn: () => this.prepareLater(),
    });
    const side = document.createElement('aside');
    side.className = 'hm-side';
    side.setAttribute('aria-label', 'Legend, follow-up and roster balance');
    side.append(this.legend(), this.summary.followUp, this.balance.element);
    main.append(scroller, side);
    this.element.append(top, this.summary.element, main);

    this.dimensionSelect.addEventListener('change', () => this.configure());
    this.groupSelect.addEventListener('change', () => this.configure());
    blocking.addEventListener('change', () => this.setFilters({ blockingOnly: blocking.checked }));
    hide.addEventListener('change', () => this.setFilters({ hideRecognized: hide.checked }));
    sort.addEventListener('change', () => this.setFilters({ sort: sort.value === 'readiness' ? 'readiness' : 'report' }));
    engine.subscribe((change) => this.onChange(change));
    this.fillGroups();
    // Built at start-up and opened later: the section list, numbers and layouts are made
    // while the page is idle, so opening the view finds them ready.
    requestIdleCallback(() => this.model.prepare(), { timeout: 2000 });
  }

  get isVisible(): boolean {
    return this.visible;
  }

  show(): void {
    this.visible = true;
    this.element.hidden = false;
    if (this.stale || !this.tracker.ready) {
      this.stale = false;
      this.recountLater();
    }
    this.rebuildRows();
    this.summary.render();
  }

  hide(): void {
    this.visible = false;
    this.element.hidden = true;
  }

  focusGrid(): void {
    this.grid.focus();
  }

  /** Columns or the group changed. */
  configure(): void {
    const dimension = this.dimensionSelect.value;
    const group = this.groupSelect.value || null;
    this.model.configure({ dimension: isHeatmapDimension(dimension) ? dimension : 'group', group });
    // The gaps of the new columns come from what the tracker keeps; only a reading of the
    // stances still under way (the view was just opened) goes on in idle time.
    if (!this.tracker.columnsChanged()) this.recountLater(false);
    // The rows (sections, their numbers, the open ones) do not depend on the columns
    // unless a filter or the order reads the figures: the grid keeps them and redraws.
    if (this.visible && !this.rowsReadFigures()) this.grid.setRows(this.grid.rowList, this.expanded);
    else this.rebuildRows();
    this.summary.render();
  }

  /**
   * Reading every block's stances for the participation gaps: in idle slices after the
   * grid is painted, so opening the view (or a change to the roster or the sections)
   * shows its rows at once and the gaps a moment later, and input is never held up by
   * the reading. `afresh`: forget what was read (the stances may all have changed); else
   * go on with a reading under way. The first slice also makes the other column layouts,
   * so later switches find them ready.
   */
  private recountLater(afresh = true): void {
    if (afresh) this.tracker.invalidate();
    if (this.recountHandle) cancelIdleCallback(this.recountHandle);
    const slice = (deadline: IdleDeadline): void => {
      this.recountHandle = 0;
      this.model.prepareLayouts();
      if (!this.tracker.recountSome(sliceStop(deadline))) {
        this.recountHandle = requestIdleCallback(slice, { timeout: 300 });
        return;
      }
      if (this.visible) this.summary.render();
    };
    this.recountHandle = requestIdleCallback(slice, { timeout: 300 });
  }

  /**
   * Making the figures of the rows on screen in every other set of columns, so that a
   * switch finds them made: in idle time after the next frame (never between a change and
   * its paint), one set of columns at a time, again after stances or edits named rows.
   */
  private prepareLater(): void {
    if (this.prepareHandle) return;
    const slice = (deadline: IdleDeadline): void => {
      if (!this.visible) {
        this.prepareHandle = 0;
        return;
      }
      const stop = sliceStop(deadline);
      this.grid.prepareCanvases();
      if (this.model.prepareFigures(this.grid.shownRows(), stop)) this.prepareHandle = 0;
      else this.prepareHandle = requestIdleCallback(slice, { timeout: 1000 });
    };
    this.prepareHandle = requestAnimationFrame(() => {
      this.prepareHandle = requestIdleCallback(slice, { timeout: 1000 });
    });
  }

  setDimension(id: HeatmapDimensionId): void {
    this.dimensionSelect.value = id;
    this.configure();
  }

  private setFilters(change: Partial<RowFilters>): void {
    this.filters = { ...this.filters, ...change };
    this.rebuildRows();
  }

  private toggle(sectionId: string): void {
    if (this.expanded.has(sectionId)) this.expanded.delete(sectionId);
    else this.expanded.add(sectionId);
    this.rebuildRows();
    this.grid.focus();
  }

  private rebuildRows(): void {
    this.grid.setRows(heatmapRows(this.model, this.filters, this.expanded), this.expanded);
    this.element.dataset.rows = String(this.grid.rowList.length);
  }

  private openRow(row: HeatmapRow): void {
    this.options.openBlock(row.kind === 'section' && row.id.startsWith('(') ? this.model.directBlocks(row.id)[0] ?? '' : row.id);
  }

  private onChange(change: EngineChange): void {
    const rows = this.model.applyChange(change);
    this.summary.groupsChanged(change);
    if (rows === 'all') {
      this.fillGroups();
      if (!this.visible) {
        this.stale = true;
        return;
      }
      this.recountLater();
      this.rebuildRows();
      this.summary.render();
      return;
    }
    this.tracker.update(change.blocks);
    if (!this.visible) return;
    if (this.rowsMayChange(change)) this.rebuildRows();
    else {
      this.grid.repaint(rows);
      this.prepareLater();
    }
    this.summary.renderSoon();
  }

  /** Whether the rows shown depend on the figures: a filter or the readiness order. */
  private rowsReadFigures(): boolean {
    return this.filters.blockingOnly || this.filters.hideRecognized || this.filters.sort === 'readiness';
  }

  /** Filters and the readiness order depend on figures; new paragraphs in an open section add rows. */
  private rowsMayChange(change: EngineChange): boolean {
    if (this.rowsReadFigures()) return true;
    for (const id of change.blocks) {
      const path = this.model.engine.blocks.byId.get(id)?.sectionPath;
      const section = path?.[path.length - 1];
      if (section && this.expanded.has(section) && !this.grid.rowList.some((r) => r.id === id)) return true;
      if (!path && this.grid.rowList.some((r) => r.kind === 'paragraph' && r.id === id)) return true;
    }
    return false;
  }

  private fillGroups(): void {
    const current = this.groupSelect.value;
    this.groupSelect.replaceChildren();
    option(this.groupSelect, '', 'All groups');
    for (const group of reportGroups(this.options.doc)) option(this.groupSelect, group.id, group.label);
    this.groupSelect.value = [...this.groupSelect.options].some((o) => o.value === current) ? current : '';
  }

  private legend(): HTMLElement {
    const box = document.createElement('section');
    box.className = 'hm-legend';
    box.setAttribute('aria-label', 'Legend');
    const heading = document.createElement('h2');
    heading.textContent = 'Legend';
    const scale = document.createElement('div');
    scale.className = 'hm-legend-scale';
    for (const stop of legendStops()) {
      const swatch = document.createElement('span');
      swatch.style.backgroundColor = stop.colour;
      swatch.textContent = `${Math.round(stop.share * 100)}%`;
      if (stop.share >= 0.55) swatch.className = 'hm-dark';
      scale.append(swatch);
    }
    const caption = document.createElement('p');
    caption.textContent = 'Colour: share of the column\'s members who endorse the current text.';
    const marks = document.createElement('ul');
    marks.className = 'hm-legend-marks';
    for (const [cls, text] of [
      ['hm-key-accept', 'Dark bar at the foot: share who accept'],
      ['hm-key-objection', 'Corner triangle: a standing objection'],
      ['hm-key-reservation', 'Ring: a reservation'],
      ['hm-key-stale', 'Slash: stances on an earlier text (stale)'],
      ['hm-key-vacant', 'Grey: no active members'],
    ]) {
      const item = document.createElement('li');
      const key = document.createElement('span');
      key.className = `hm-key ${cls}`;
      key.setAttribute('aria-hidden', 'true');
      item.append(key, text ?? '');
      marks.append(item);
    }
    const hint = document.createElement('p');
    hint.className = 'hm-note';
    hint.textContent = 'Arrow keys move; Enter on a section name opens it; Enter on a cell opens the paragraph with its stances.';
    box.append(heading, scale, caption, marks, hint);
    return box;
  }

  private svg(): string {
    const dimension = HEATMAP_DIMENSIONS.find((d) => d.id === this.model.settings.dimension)?.label ?? '';
    const group = this.model.settings.group ? ` (${this.groupSelect.selectedOptions[0]?.textContent ?? ''})` : '';
    return heatmapSvg(this.model, this.grid.rowList, { title: `${readMeta(this.options.doc).title || 'Report'} — consensus`, columnsLabel: `${dimension}${group}` });
  }

  private export(kind: 'svg' | 'png' | 'csv'): void {
    const name = `${safeFileName(readMeta(this.options.doc).title)} heatmap`;
    if (kind === 'svg') downloadSvg(this.svg(), name);
    else if (kind === 'csv') downloadCsv(heatmapCsv(this.model), name);
    else downloadPng(this.svg(), name).catch((error: unknown) => this.options.report(`The PNG could not be made: ${(error as Error).message}`));
  }
}
