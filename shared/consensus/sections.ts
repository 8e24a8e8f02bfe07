/**
 * Section and report figures from block results (DESIGN.md, "Consensus math"): a section
 * — a heading and the blocks up to the next heading of the same or a higher level — is
 * recognized by a column when every one of its blocks is.
 */
import type { Section } from '../report-blocks.ts';
import type { ColumnState } from './rules.ts';

/** The block figures a section result is made of (engine.ts `BlockResult`). */
export interface BlockFigures {
  readonly states: readonly ColumnState[];
  readonly recognized: boolean;
  readonly objections: number;
}

export interface SectionResult {
  readonly id: string;
  readonly blocks: number;
  /** Per column: how many of the section's blocks the column recognizes. */
  readonly recognizedBlocks: readonly number[];
  /** Per column: the section's state — recognized when all its blocks are, else the most telling block state. */
  readonly states: readonly ColumnState[];
  /** Blocks recognized by every column. */
  readonly recognizedByAll: number;
  /** Recognized by every column: all its blocks are. */
  readonly recognized: boolean;
  readonly objections: number;
}

/** Which state a section shows when not all its blocks are recognized: the first of these found. */
const PRECEDENCE: readonly ColumnState[] = ['objection', 'partly', 'recognized', 'stale-only', 'nobody', 'vacant'];

export function sectionResult(section: Section, columnCount: number, resultOf: (blockId: string) => BlockFigures | undefined): SectionResult {
  const recognizedBlocks = new Array<number>(columnCount).fill(0);
  const seen: Set<ColumnState>[] = Array.from({ length: columnCount }, () => new Set());
  let recognizedByAll = 0;
  let objections = 0;
  let blocks = 0;
  for (const id of section.blockIds) {
    const result = resultOf(id);
    if (!result) continue;
    blocks += 1;
    if (result.recognized) recognizedByAll += 1;
    objections += result.objections;
    result.states.forEach((state, column) => {
      seen[column]?.add(state);
      if (state === 'recognized') recognizedBlocks[column] = (recognizedBlocks[column] ?? 0) + 1;
    });
  }
  const states = seen.map((set, column): ColumnState => {
    if (set.has('vacant')) return 'vacant';
    if (blocks > 0 && recognizedBlocks[column] === blocks) return 'recognized';
    const shown = PRECEDENCE.find((state) => set.has(state)) ?? 'nobody';
    return shown === 'recognized' ? 'partly' : shown;
  });
  return { id: section.id, blocks, recognizedBlocks, states, recognizedByAll, recognized: blocks > 0 && recognizedByAll === blocks, objections };
}

/**
 * `sectionResult(...).recognized` alone — every block with a result is recognized by every
 * column, and there is one — without building the per-column figures (for counting
 * recognized sections across a whole report).
 */
export function sectionRecognizedByAll(section: Section, resultOf: (blockId: string) => BlockFigures | undefined): boolean {
  let blocks = 0;
  for (const id of section.blockIds) {
    const result = resultOf(id);
    if (!result) continue;
    if (!result.recognized) return false;
    blocks += 1;
  }
  return blocks > 0;
}
