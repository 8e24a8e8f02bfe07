/**
 * Consensus rules: when a column (a stakeholder group) recognizes a block, given the
 * block's tally. The chair picks one in meta.consensusRule; every view changes at once.
 * Only current stances count (see tally.ts).
 *
 * A column with no active members is *vacant*: it cannot recognize anything and does
 * not hold up the block (nobody speaks for it).
 */
import type { ColumnTally } from './tally.ts';

export interface ConsensusRule {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Whether `column` recognizes the block whose columns are `block` (vacant columns included). */
  recognizes(column: ColumnTally, block: readonly ColumnTally[]): boolean;
}

export const CONSENSUS_RULES: readonly ConsensusRule[] = [
  {
    id: 'default',
    label: 'Recognized by each group',
    description: 'A group recognizes a paragraph when at least one of its members endorses the current text and none of them objects.',
    recognizes: (c) => c.endorse > 0 && c.object === 0,
  },
  {
    id: 'unanimity',
    label: 'Unanimity of groups',
    description: 'As the default rule, and no member of the group has a reservation or an objection.',
    recognizes: (c) => c.endorse > 0 && c.object === 0 && c.reserve === 0,
  },
  {
    id: 'no-objection',
    label: 'No objection (silence procedure)',
    description: 'A paragraph stands unless someone objects to its current text; silence counts as consent.',
    recognizes: (_c, block) => block.every((other) => other.object === 0),
  },
  {
    id: 'majority',
    label: 'Majority of each group',
    description: 'A group recognizes a paragraph when more than half of its active members endorse or accept the current text.',
    recognizes: (c) => c.endorse + c.accept > c.active / 2,
  },
];

export const DEFAULT_RULE: ConsensusRule = CONSENSUS_RULES[0] as ConsensusRule;

/** The rule with this id; an unknown id (a newer peer's rule, say) falls back to the default. */
export function ruleById(id: string | undefined): ConsensusRule {
  return CONSENSUS_RULES.find((r) => r.id === id) ?? DEFAULT_RULE;
}

/** What a column's chip shows for a block. */
export type ColumnState = 'recognized' | 'partly' | 'objection' | 'stale-only' | 'nobody' | 'vacant';

export const COLUMN_STATE_LABELS: Readonly<Record<ColumnState, string>> = {
  recognized: 'recognizes this text',
  partly: 'partly: stances but not recognized',
  objection: 'objects',
  'stale-only': 'only stances on an earlier text',
  nobody: 'no stance yet',
  vacant: 'no active members',
};

export function columnState(rule: ConsensusRule, column: ColumnTally, block: readonly ColumnTally[]): ColumnState {
  if (column.active === 0) return 'vacant';
  if (rule.recognizes(column, block)) return 'recognized';
  if (column.object > 0) return 'objection';
  if (column.endorse + column.accept + column.reserve > 0) return 'partly';
  if (column.stale > 0) return 'stale-only';
  return 'nobody';
}

/** A block is recognized by every column when each non-vacant column recognizes it (and one exists). */
export function recognizedByAll(states: readonly ColumnState[]): boolean {
  let any = false;
  for (const state of states) {
    if (state === 'vacant') continue;
    if (state !== 'recognized') return false;
    any = true;
  }
  return any;
}
