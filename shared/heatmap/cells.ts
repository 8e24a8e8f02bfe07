/**
 * A heatmap cell: what one column's members said about one paragraph, or about all the
 * paragraphs of a section together. The counts come straight from the consensus
 * engine's tallies (shared/consensus/tally.ts); this module only adds them up and says
 * what the cell shows.
 *
 * Shares: endorse and accept are shares of the column's member-paragraph pairs (for a
 * paragraph, of its N members). "No stance" includes stances that do not verify, as
 * those count for nothing.
 */
import type { ColumnTally } from '../consensus/tally.ts';
import type { ColumnState } from '../consensus/rules.ts';

export interface CellCounts {
  /** Active members of the column who take stances. */
  members: number;
  /** Paragraphs the cell covers (1 for a paragraph row). */
  paragraphs: number;
  endorse: number;
  accept: number;
  reserve: number;
  object: number;
  stale: number;
  /** No stance at all, or one that does not verify. */
  none: number;
}

export interface Cell {
  readonly counts: CellCounts;
  /** The column's state under the consensus rule (the engine's, or sections.ts's for a section). */
  readonly state: ColumnState;
  /** endorse / (members × paragraphs); 0 when the column is vacant. */
  readonly endorseShare: number;
  readonly acceptShare: number;
  readonly marks: CellMarks;
}

export interface CellMarks {
  /** A current objection stands. */
  readonly objection: boolean;
  /** A current reservation stands. */
  readonly reservation: boolean;
  /** Someone's stance was given on an earlier text. */
  readonly stale: boolean;
}

export function emptyCounts(members: number, paragraphs: number): CellCounts {
  return { members, paragraphs, endorse: 0, accept: 0, reserve: 0, object: 0, stale: 0, none: 0 };
}

type Stances = Pick<CellCounts, 'endorse' | 'accept' | 'reserve' | 'object' | 'stale' | 'none'>;

/** Adds one block's tally of a column into `into` (mutates); stances that do not verify count as none. */
export function addTally(into: CellCounts, tally: ColumnTally): void {
  addCounts(into, tally, tally.unverified);
}

/** Adds counts into `into` (mutates): a subsection's into its section's, or a block's tally (with `moreNone`). */
export function addCounts(into: CellCounts, from: Stances, moreNone = 0): void {
  into.endorse += from.endorse;
  into.accept += from.accept;
  into.reserve += from.reserve;
  into.object += from.object;
  into.stale += from.stale;
  into.none += from.none + moreNone;
}

export function cellOf(counts: CellCounts, state: ColumnState): Cell {
  const pairs = counts.members * counts.paragraphs;
  return {
    counts,
    state,
    endorseShare: pairs === 0 ? 0 : counts.endorse / pairs,
    acceptShare: pairs === 0 ? 0 : counts.accept / pairs,
    marks: { objection: counts.object > 0, reservation: counts.reserve > 0, stale: counts.stale > 0 },
  };
}

/** A paragraph's cell from its tally for the column. */
export function paragraphCell(tally: ColumnTally, state: ColumnState): Cell {
  const counts = emptyCounts(tally.active, 1);
  addTally(counts, tally);
  return cellOf(counts, state);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The counts in words, for tooltips and aria labels: "3 endorse, 1 accept, … of 15 members". */
export function describeCounts(counts: CellCounts): string {
  if (counts.members === 0) return 'no active members';
  const parts = [
    `${counts.endorse} endorse`, `${counts.accept} accept`, `${counts.reserve} reserve`,
    `${counts.object} object`, `${counts.stale} stale`, `${counts.none} no stance`,
  ];
  const of = counts.paragraphs === 1
    ? `of ${plural(counts.members, 'member')}`
    : `of ${plural(counts.members, 'member')} × ${plural(counts.paragraphs, 'paragraph')}`;
  return `${parts.join(', ')} ${of}`;
}

/** The marks in words (empty when there are none). */
export function describeMarks(marks: CellMarks): string {
  const parts: string[] = [];
  if (marks.objection) parts.push('standing objection');
  if (marks.reservation) parts.push('reservation');
  if (marks.stale) parts.push('stale stances');
  return parts.join(', ');
}
