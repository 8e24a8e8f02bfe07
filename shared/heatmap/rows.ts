/**
 * Which rows the heatmap shows, in which order: sections in report order (or least ready
 * first), each expandable to the paragraphs it holds directly, under the chair's filters.
 */
import type { ColumnState } from '../consensus/rules.ts';
import type { HeatmapModel } from './model.ts';

export interface RowFilters {
  /** Only rows that block consensus (see `blocksConsensus`). */
  blockingOnly: boolean;
  /** Hide sections (and paragraphs) every column already recognizes. */
  hideRecognized: boolean;
  /** Report order, or least ready first. */
  sort: 'report' | 'readiness';
}

export const DEFAULT_FILTERS: RowFilters = { blockingOnly: false, hideRecognized: false, sort: 'report' };

export interface HeatmapRow {
  readonly kind: 'section' | 'paragraph';
  /** A section's heading id (or PREAMBLE_ID), or a paragraph's block id. */
  readonly id: string;
  /** For a paragraph, its section. */
  readonly sectionId: string;
  readonly level: number;
  /** UN number: "II.", "B.", "12."; empty for list items and quotes. */
  readonly number: string;
  readonly title: string;
}

/**
 * A row blocks consensus when a standing objection is on it or some column has taken
 * stances there without recognizing it (an objection, or stances the rule does not
 * count as recognition). Rows nobody has looked at yet are gaps, not blocks.
 */
export function blocksConsensus(states: readonly ColumnState[], objections: number): boolean {
  return objections > 0 || states.some((s) => s === 'objection' || s === 'partly');
}

const EXCERPT = 90;

function excerpt(text: string): string {
  return text.length <= EXCERPT ? text : `${text.slice(0, EXCERPT - 1).trimEnd()}…`;
}

function keepsParagraph(model: HeatmapModel, id: string, filters: RowFilters): boolean {
  const figures = model.figures(id);
  if (!figures) return false;
  if (filters.hideRecognized && figures.recognized) return false;
  if (filters.blockingOnly && !blocksConsensus(figures.states, figures.objections)) return false;
  return true;
}

/** The rows to show, given which sections are expanded. */
export function heatmapRows(model: HeatmapModel, filters: RowFilters, expanded: ReadonlySet<string>): HeatmapRow[] {
  let sections = model.sections().filter((section) => {
    if (!filters.blockingOnly && !filters.hideRecognized) return true;
    const figures = model.sectionFigures(section.id);
    if (!figures) return false;
    if (filters.hideRecognized && figures.result.recognized) return false;
    if (filters.blockingOnly && !blocksConsensus(figures.result.states, figures.result.objections)) return false;
    return true;
  });
  if (filters.sort === 'readiness') {
    const order = new Map(model.sections().map((s, i) => [s.id, i]));
    const readiness = new Map(sections.map((s) => [s.id, model.sectionFigures(s.id)?.readiness ?? 0]));
    sections = [...sections].sort((a, b) => (readiness.get(a.id) ?? 0) - (readiness.get(b.id) ?? 0) || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }
  const rows: HeatmapRow[] = [];
  for (const section of sections) {
    rows.push({ kind: 'section', id: section.id, sectionId: section.id, level: section.level, number: model.numberOf(section.id), title: section.title });
    if (!expanded.has(section.id)) continue;
    for (const id of model.directBlocks(section.id)) {
      if ((filters.blockingOnly || filters.hideRecognized) && !keepsParagraph(model, id, filters)) continue;
      const block = model.engine.blocks.byId.get(id);
      if (!block) continue;
      const title = block.kind === 'heading' ? 'Heading' : excerpt(block.text) || '(empty paragraph)';
      rows.push({ kind: 'paragraph', id, sectionId: section.id, level: section.level + 1, number: model.numberOf(id), title });
    }
  }
  return rows;
}
