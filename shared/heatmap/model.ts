/**
 * The heatmap's figures, read from the consensus engine that feeds the gutter — one set
 * of consensus math for every view:
 *
 * - stakeholder groups (the engine's own columns): the engine's block results as they are;
 * - any other dimension (regions, development status, gender, members, one group only):
 *   the engine's classified stances of each block counted with the engine's own
 *   `tallyBlock` into that dimension's `columnLayout`, judged with `columnState`, and
 *   sections summed with `SectionAccumulator` (what `sectionResult` uses) — the same
 *   functions the engine calls.
 *
 * Everything is computed lazily per block and per section and kept, per set of columns,
 * until an engine change names that block or section, so a stance from a peer costs one
 * block and the sections around it, and switching the columns costs only the rows on
 * screen — or nothing, when `prepareFigures` made them in idle time before the switch.
 */
import type { ConsensusEngine, EngineChange } from '../consensus/engine.ts';
import { columnLayout, emptyTally, tallyBlock, tallyBlockInto, type ColumnLayout, type ColumnTally, type Dimension } from '../consensus/tally.ts';
import { columnState, recognizedByAll, type ColumnState } from '../consensus/rules.ts';
import { SectionAccumulator, type SectionResult } from '../consensus/sections.ts';
import { sectionsOf, type Section } from '../report-blocks.ts';
import { createNumberingCache } from '../numbering.ts';
import type { Roster } from '../roster.ts';
import type { Category } from '../stakeholders.ts';
import { addCounts, addTally, cellOf, emptyCounts, paragraphCell, type Cell, type CellCounts } from './cells.ts';
import { HEATMAP_DIMENSIONS, dimensionFor, onlyGroup, type HeatmapDimensionId } from './dimensions.ts';

const HEATMAP_DIMENSION_IDS = HEATMAP_DIMENSIONS.map((d) => d.id);

export interface BlockFigures {
  readonly tally: readonly ColumnTally[];
  readonly states: readonly ColumnState[];
  readonly recognized: boolean;
  readonly objections: number;
}

export interface SectionFigures {
  readonly result: SectionResult;
  readonly cells: readonly Cell[];
  /** recognizedByAll / blocks: the share of the section's paragraphs every column recognizes. */
  readonly readiness: number;
}

export interface HeatmapSettings {
  dimension: HeatmapDimensionId;
  /** Only this stakeholder group's members, or null for everyone. */
  group: string | null;
}

/** A section's figures before they are judged: see HeatmapModel.sectionPart. */
interface SectionPart {
  readonly sum: SectionAccumulator;
  /** Per column, the counts of every block of the section, subsections included. */
  readonly counts: readonly CellCounts[];
}

/** Figures made in one set of columns. */
class FigureCache {
  readonly blocks = new Map<string, BlockFigures>();
  readonly sections = new Map<string, SectionFigures>();
  readonly parts = new Map<string, SectionPart>();

  /** Forgets what a change to these blocks, and to these rows (blocks and sections), may have altered. */
  forget(blocks: Iterable<string>, rows: Iterable<string>): void {
    for (const id of blocks) this.blocks.delete(id);
    for (const id of rows) {
      this.sections.delete(id);
      this.parts.delete(id);
    }
  }
}

/** Blocks before the report's first heading form a section of their own in the heatmap. */
export const PREAMBLE_ID = '(preamble)';

export interface HeatmapInput {
  engine: ConsensusEngine;
  roster: () => Roster;
  /** The report's stakeholder groups (reportGroups(doc)). */
  groups: () => readonly Category[];
}

export class HeatmapModel {
  readonly engine: ConsensusEngine;
  private readonly rosterOf: () => Roster;
  private readonly groupsOf: () => readonly Category[];
  private settingsValue: HeatmapSettings = { dimension: 'group', group: null };
  /** Null while the engine's own columns are shown. */
  private layout: ColumnLayout | null = null;
  /** The current dimension's layout, also when the engine's results are used. */
  private counting: ColumnLayout | null = null;
  /** Layouts per dimension, for the roster they were made from. */
  private readonly layouts = new Map<string, ColumnLayout>();
  private layoutRoster: Roster | null = null;
  /** Figures per set of columns (null: the engine's own), kept across column switches. */
  private readonly caches = new Map<ColumnLayout | null, FigureCache>();
  /** The current columns' figures. */
  private cache = new FigureCache();
  /** Tallies and states of the block being counted (countBlock), reused from block to block. */
  private scratch: ColumnTally[] = [];
  private scratchStates: ColumnState[] = [];
  private readonly numbering = createNumberingCache();
  private numberSource: unknown = null;
  private numberMap = new Map<string, string>();
  private sectionList: readonly Section[] | null = null;
  private sectionById = new Map<string, Section>();
  private sectionIndexSource: unknown = null;

  constructor(input: HeatmapInput) {
    this.engine = input.engine;
    this.rosterOf = input.roster;
    this.groupsOf = input.groups;
  }

  get settings(): Readonly<HeatmapSettings> {
    return this.settingsValue;
  }

  /** Switches the columns; figures are recomputed as rows are asked for. */
  configure(settings: HeatmapSettings): void {
    this.settingsValue = { ...settings };
    this.useColumns(settings.dimension);
  }

  get columns(): readonly Category[] {
    return this.layout ? this.layout.columns : this.engine.columns;
  }

  /** The columns a switch position shows (with the current group choice). */
  columnsOf(dimension: HeatmapDimensionId): readonly Category[] {
    return this.layoutFor(this.dimensionOf(dimension)).columns;
  }

  /** The members counted in each column (active, taking stances). */
  columnMembers(): readonly number[] {
    return this.currentLayout().active;
  }

  /** The dimension the columns come from. */
  currentDimension(): Dimension {
    return this.dimensionOf(this.settingsValue.dimension);
  }

  /** A switch position's dimension, narrowed to the group chosen, if any. */
  private dimensionOf(id: HeatmapDimensionId): Dimension {
    const base = dimensionFor(id, this.groupsOf());
    return this.settingsValue.group ? onlyGroup(base, this.settingsValue.group) : base;
  }

  /** The layout of the current dimension (members → column). */
  currentLayout(): ColumnLayout {
    this.counting ??= this.layoutFor(this.currentDimension());
    return this.counting;
  }

  /**
   * Makes what every view of the heatmap needs first — the section list, the UN numbers
   * and the column layouts — so that opening it does not; for idle time after it is built.
   */
  prepare(): void {
    this.sections();
    this.numberOf('');
    this.prepareLayouts();
  }

  /**
   * Makes the layouts of every column switch position ahead of time (sorting members by
   * name is the slow part), so a later switch finds them ready; for idle time.
   */
  prepareLayouts(): void {
    for (const id of HEATMAP_DIMENSION_IDS) this.layoutFor(dimensionFor(id, this.groupsOf()));
  }

  private layoutFor(dimension: Dimension): ColumnLayout {
    const roster = this.rosterOf();
    if (roster !== this.layoutRoster) {
      this.layouts.clear();
      // Figures are kept per layout: the old layouts' figures go with them.
      for (const key of this.caches.keys()) if (key) this.caches.delete(key);
      this.layoutRoster = roster;
    }
    const key = dimension.id.startsWith('group') ? `${dimension.id}:${this.groupsOf().map((g) => g.id).join(',')}` : dimension.id;
    let layout = this.layouts.get(key);
    if (!layout) this.layouts.set(key, (layout = columnLayout(dimension, roster)));
    return layout;
  }

  // ---- rows ----

  /** The report's sections in order, with the preamble first when there is one. */
  sections(): readonly Section[] {
    const index = this.engine.blocks;
    if (this.sectionList && this.sectionIndexSource === sectionsOf(index)) return this.sectionList;
    const real = sectionsOf(index);
    const preamble = index.blocks.filter((b) => b.sectionPath.length === 0).map((b) => b.id);
    const list = preamble.length > 0 ? [{ id: PREAMBLE_ID, level: 1, title: 'Before the first heading', blockIds: preamble }, ...real] : real;
    this.sectionList = list;
    this.sectionIndexSource = real;
    this.sectionById = new Map(list.map((s) => [s.id, s]));
    return list;
  }

  section(id: string): Section | undefined {
    this.sections();
    return this.sectionById.get(id);
  }

  /** The blocks a section holds directly (its heading and paragraphs, not its subsections'). */
  directBlocks(sectionId: string): string[] {
    const section = this.section(sectionId);
    if (!section) return [];
    if (sectionId === PREAMBLE_ID) return [...section.blockIds];
    return section.blockIds.filter((id) => {
      const path = this.engine.blocks.byId.get(id)?.sectionPath;
      return path !== undefined && path[path.length - 1] === sectionId;
    });
  }

  /** UN numbers ("IV.", "12.") of headings and paragraphs; list items and quotes have none. */
  numberOf(blockId: string): string {
    const doc = this.engine.blocks.doc;
    const numbered = this.numbering(doc);
    if (numbered !== this.numberSource) {
      this.numberSource = numbered;
      this.numberMap = new Map(numbered.flatMap((b) => (b.id === null ? [] : [[b.id, b.label] as [string, string]])));
    }
    return this.numberMap.get(blockId) ?? '';
  }

  // ---- figures ----

  figures(blockId: string): BlockFigures | undefined {
    if (!this.layout) return this.engine.result(blockId);
    const cached = this.cache.blocks.get(blockId);
    if (cached) return cached;
    if (!this.engine.blocks.byId.has(blockId)) return undefined;
    // The engine's classified stances on the block, as it keeps them (each layout's tally
    // skips members it has no column for, as the engine's own does), not copied.
    const tally = tallyBlock(this.engine.blockStances(blockId), this.layout);
    const figures: BlockFigures = this.judge(tally, new Array<ColumnState>(tally.length));
    this.cache.blocks.set(blockId, figures);
    return figures;
  }

  paragraphCells(blockId: string): Cell[] {
    const figures = this.figures(blockId);
    if (!figures) return [];
    return figures.tally.map((tally, i) => paragraphCell(tally, figures.states[i] ?? 'nobody'));
  }

  sectionFigures(sectionId: string): SectionFigures | undefined {
    const cached = this.cache.sections.get(sectionId);
    if (cached) return cached;
    const part = this.sectionPart(sectionId);
    if (!part) return undefined;
    const result = part.sum.result(sectionId);
    const cells = part.counts.map((c, i) => cellOf({ ...c, paragraphs: result.blocks }, result.states[i] ?? 'nobody'));
    const figures: SectionFigures = { result, cells, readiness: result.blocks === 0 ? 0 : result.recognizedByAll / result.blocks };
    this.cache.sections.set(sectionId, figures);
    return figures;
  }

  /**
   * What a section's figures are made of: its own blocks counted, and its subsections'
   * parts added (each block is counted once, not again for every section around it).
   * A block already counted in these columns (its paragraph row is or was shown) is read
   * back; the others are counted into scratch tallies and not kept: a column switch counts
   * every block of the sections on screen, and keeping a figure per block and column was
   * most of its time.
   */
  private sectionPart(sectionId: string): SectionPart | undefined {
    const cached = this.cache.parts.get(sectionId);
    if (cached) return cached;
    const section = this.section(sectionId);
    if (!section) return undefined;
    const columns = this.columns.length;
    const members = this.columnMembers();
    const counts = Array.from({ length: columns }, (_, i) => emptyCounts(members[i] ?? 0, 0));
    const sum = new SectionAccumulator(columns);
    const addBlockTallies = (tallies: readonly ColumnTally[]): void => {
      for (let i = 0; i < columns; i++) {
        const tally = tallies[i];
        if (tally) addTally(counts[i] as CellCounts, tally);
      }
    };
    const subsections = new Set<string>();
    for (const id of section.blockIds) {
      const path = this.engine.blocks.byId.get(id)?.sectionPath;
      if (!path) continue;
      const at = path.indexOf(sectionId);
      const subsection = at >= 0 && at < path.length - 1 ? path[at + 1] : undefined;
      if (subsection !== undefined && this.section(subsection)) {
        subsections.add(subsection);
        continue;
      }
      const figures = this.layout ? this.cache.blocks.get(id) ?? this.countBlock(id, this.layout) : this.engine.result(id);
      if (!figures) continue;
      sum.addBlock(figures.states, figures.recognized, figures.objections);
      addBlockTallies(figures.tally);
    }
    for (const id of subsections) {
      const part = this.sectionPart(id);
      if (!part) continue;
      sum.addSection(part.sum);
      part.counts.forEach((from, i) => {
        const into = counts[i];
        if (into) addCounts(into, from);
      });
    }
    const part = { sum, counts };
    this.cache.parts.set(sectionId, part);
    return part;
  }

  /** A block's figures in `layout`'s columns, in the model's scratch tallies (valid until the next call). */
  private countBlock(blockId: string, layout: ColumnLayout): BlockFigures {
    if (this.scratch.length !== layout.active.length) {
      this.scratch = layout.active.map(emptyTally);
      this.scratchStates = layout.active.map((): ColumnState => 'nobody');
    }
    tallyBlockInto(this.engine.blockStances(blockId), layout, this.scratch);
    return this.judge(this.scratch, this.scratchStates);
  }

  /** A block's states under the rule (written into `states`), and its current objections, from its tally. */
  private judge(tally: readonly ColumnTally[], states: ColumnState[]): BlockFigures {
    let objections = 0;
    const rule = this.engine.rule;
    for (let i = 0; i < tally.length; i++) {
      const column = tally[i] as ColumnTally;
      states[i] = columnState(rule, column, tally);
      // The tally counts exactly the current objections of members with a column (currentObjections).
      objections += column.object;
    }
    return { tally, states, recognized: recognizedByAll(states), objections };
  }

  /**
   * Forgets what an engine change may have altered. Returns the rows to repaint
   * (section and block ids), or 'all'.
   */
  applyChange(change: EngineChange): Set<string> | 'all' {
    if (change.all) {
      // The section list stays: sections() remakes it when the engine's sections change.
      this.caches.clear();
      this.useColumns(this.settingsValue.dimension);
      return 'all';
    }
    const rows = new Set<string>();
    for (const id of change.blocks) {
      rows.add(id);
      const path = this.engine.blocks.byId.get(id)?.sectionPath;
      if (path?.length === 0) rows.add(PREAMBLE_ID);
    }
    for (const id of change.sections) rows.add(id);
    for (const cache of this.caches.values()) cache.forget(change.blocks, rows);
    return rows;
  }

  /**
   * Makes the figures of these rows in the columns of every other switch position (with
   * the current group choice), so that a later switch finds them made; for idle time.
   * `stop` is asked between positions; returns whether every position was done.
   */
  prepareFigures(rows: readonly { readonly kind: 'section' | 'paragraph'; readonly id: string }[], stop: () => boolean): boolean {
    const current = this.settingsValue.dimension;
    try {
      for (const dimension of HEATMAP_DIMENSION_IDS) {
        if (dimension === current) continue;
        if (stop()) return false;
        this.useColumns(dimension);
        for (const row of rows) {
          if (row.kind === 'section') this.sectionFigures(row.id);
          else this.figures(row.id);
        }
      }
      return true;
    } finally {
      this.useColumns(current);
    }
  }

  // ---- internals ----

  /** Counts in a dimension's columns (with the current group choice) from now on, with the figures kept for them. */
  private useColumns(dimension: HeatmapDimensionId): void {
    const engineColumns = this.engine.columns;
    const groups = this.groupsOf();
    const sameAsEngine = dimension === 'group' && this.settingsValue.group === null
      && engineColumns.length === groups.length && engineColumns.every((c, i) => c.id === groups[i]?.id);
    this.counting = this.layoutFor(this.dimensionOf(dimension));
    this.layout = sameAsEngine ? null : this.counting;
    let cache = this.caches.get(this.layout);
    if (!cache) this.caches.set(this.layout, (cache = new FigureCache()));
    this.cache = cache;
  }
}
