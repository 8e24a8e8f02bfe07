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
const BIT: Readonly<Record<ColumnState, number>> = { objection: 1, partly: 2, recognized: 4, 'stale-only': 8, nobody: 16, vacant: 32 };

/**
 * A section's figures, one block at a time: `sectionResult` feeds it the engine's block
 * results, the heatmap feeds it blocks it counts in other columns without keeping a
 * figure per block (a column switch counts every block of the sections on screen).
 */
export class SectionAccumulator {
  private readonly recognizedBlocks: number[];
  /** Per column, the states seen, as BIT flags. */
  private readonly seen: Uint8Array;
  private blocks = 0;
  private recognizedByAll = 0;
  private objections = 0;

  constructor(columnCount: number) {
    this.recognizedBlocks = new Array<number>(columnCount).fill(0);
    this.seen = new Uint8Array(columnCount);
  }

  addBlock(states: readonly ColumnState[], recognized: boolean, objections: number): void {
    this.blocks += 1;
    if (recognized) this.recognizedByAll += 1;
    this.objections += objections;
    const columns = this.seen.length;
    for (let column = 0; column < columns; column++) {
      const state = states[column];
      if (state === undefined) continue;
      this.seen[column] = (this.seen[column] ?? 0) | BIT[state];
      if (state === 'recognized') this.recognizedBlocks[column] = (this.recognizedBlocks[column] ?? 0) + 1;
    }
  }

  /** Adds the blocks another accumulator has taken (a subsection's, to its section's). */
  addSection(other: SectionAccumulator): void {
    this.blocks += other.blocks;
    this.recognizedByAll += other.recognizedByAll;
    this.objections += other.objections;
    other.seen.forEach((bits, column) => {
      this.seen[column] = (this.seen[column] ?? 0) | bits;
      this.recognizedBlocks[column] = (this.recognizedBlocks[column] ?? 0) + (other.recognizedBlocks[column] ?? 0);
    });
  }

  result(id: string): SectionResult {
    const { blocks, recognizedBlocks, recognizedByAll, objections } = this;
    const states = Array.from(this.seen, (bits, column): ColumnState => {
      if (bits & BIT.vacant) return 'vacant';
      if (blocks > 0 && recognizedBlocks[column] === blocks) return 'recognized';
      const shown = PRECEDENCE.find((state) => (bits & BIT[state]) !== 0) ?? 'nobody';
      return shown === 'recognized' ? 'partly' : shown;
    });
    return { id, blocks, recognizedBlocks, states, recognizedByAll, recognized: blocks > 0 && recognizedByAll === blocks, objections };
  }
}

export function sectionResult(section: Section, columnCount: number, resultOf: (blockId: string) => BlockFigures | undefined): SectionResult {
  const sum = new SectionAccumulator(columnCount);
  for (const id of section.blockIds) {
    const result = resultOf(id);
    if (result) sum.addBlock(result.states, result.recognized, result.objections);
  }
  return sum.result(section.id);
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
