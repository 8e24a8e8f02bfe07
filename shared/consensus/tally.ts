/**
 * Counting stances on one block, per column. A column is a stakeholder group by default;
 * any `Dimension` (region, development status, gender, one column per member) gives
 * columns the same way, so the gutter, the heatmap and the export count alike.
 *
 * Every active member who takes stances (chair, members; not retired) falls in exactly
 * one bucket of their column: endorse, accept, reserve, object (current stances), stale
 * (a verified stance on an earlier text), unverified, or none. Retired members, detached
 * and retired stances are in no bucket: they never count.
 */
import type { Member, Roster } from '../roster.ts';
import { isActive } from '../roster.ts';
import {
  BUILTIN_GROUPS, DEVELOPMENT_STATUSES, GENDERS, REGIONS, aggregateDevelopment, takesStances, type Category,
} from '../stakeholders.ts';
import type { ClassifiedStance } from '../stance-status.ts';

export interface ColumnTally {
  /** Active members of the column who take stances. */
  active: number;
  endorse: number;
  accept: number;
  reserve: number;
  object: number;
  stale: number;
  unverified: number;
  none: number;
}

/** How members fall into columns. */
export interface Dimension {
  readonly id: string;
  /** The columns in display order (may depend on the roster, as for one column per member). */
  columns(roster: Roster): readonly Category[];
  /** The member's column id, or undefined when the member belongs to none. */
  columnOf(member: Member): string | undefined;
}

export function groupDimension(groups: readonly Category[] = BUILTIN_GROUPS): Dimension {
  return { id: 'group', columns: () => groups, columnOf: (m) => m.group };
}

export const regionDimension: Dimension = { id: 'region', columns: () => REGIONS, columnOf: (m) => m.region };

/** Developing / developed; least developed members count as developing. */
export const developmentDimension: Dimension = {
  id: 'development',
  columns: () => DEVELOPMENT_STATUSES.filter((s) => s.parent === undefined),
  columnOf: (m) => aggregateDevelopment(m.development),
};

export const genderDimension: Dimension = { id: 'gender', columns: () => GENDERS, columnOf: (m) => m.gender };

/** One column per active member who takes stances, by name. */
export const memberDimension: Dimension = {
  id: 'member',
  columns: (roster) => [...roster.values()]
    .filter((m) => isActive(m) && takesStances(m.role))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((m) => ({ id: m.id, label: m.name, short: m.name.split(/\s+/).map((w) => w[0] ?? '').join('').slice(0, 3) })),
  columnOf: (m) => m.id,
};

/** Columns of a dimension for a roster, and which column each counting member is in. */
export interface ColumnLayout {
  readonly columns: readonly Category[];
  /** Column index of every active member who takes stances. */
  readonly memberColumn: ReadonlyMap<string, number>;
  /** Active members per column. */
  readonly active: readonly number[];
}

export function columnLayout(dimension: Dimension, roster: Roster): ColumnLayout {
  const columns = dimension.columns(roster);
  const indexOf = new Map(columns.map((c, i) => [c.id, i]));
  const memberColumn = new Map<string, number>();
  const active = columns.map(() => 0);
  for (const member of roster.values()) {
    if (!isActive(member) || !takesStances(member.role)) continue;
    const column = dimension.columnOf(member);
    const index = column === undefined ? undefined : indexOf.get(column);
    if (index === undefined) continue;
    memberColumn.set(member.id, index);
    active[index] = (active[index] ?? 0) + 1;
  }
  return { columns, memberColumn, active };
}

export function emptyTally(active: number): ColumnTally {
  return { active, endorse: 0, accept: 0, reserve: 0, object: 0, stale: 0, unverified: 0, none: active };
}

/** Tallies one block's stances (one per member at most, as stored) into the layout's columns. */
export function tallyBlock(stances: Iterable<ClassifiedStance>, layout: ColumnLayout): ColumnTally[] {
  const tallies = layout.active.map(emptyTally);
  countInto(stances, layout, tallies);
  return tallies;
}

/**
 * `tallyBlock` into tallies the caller keeps (one per column of the layout), reset first:
 * for counting many blocks in turn without making a tally per column per block.
 */
export function tallyBlockInto(stances: Iterable<ClassifiedStance>, layout: ColumnLayout, tallies: readonly ColumnTally[]): void {
  for (let i = 0; i < tallies.length; i++) {
    const tally = tallies[i] as ColumnTally;
    const active = layout.active[i] ?? 0;
    tally.active = active;
    tally.endorse = tally.accept = tally.reserve = tally.object = tally.stale = tally.unverified = 0;
    tally.none = active;
  }
  countInto(stances, layout, tallies);
}

function countInto(stances: Iterable<ClassifiedStance>, layout: ColumnLayout, tallies: readonly ColumnTally[]): void {
  for (const stance of stances) {
    const index = layout.memberColumn.get(stance.memberId);
    if (index === undefined) continue;
    const tally = tallies[index];
    if (!tally) continue;
    if (stance.status === 'current' && stance.endorsement) {
      // A field per stance rather than tally[stance]: a keyed store on every stance of a
      // block was most of the count's time.
      switch (stance.endorsement.stance) {
        case 'endorse': tally.endorse += 1; break;
        case 'accept': tally.accept += 1; break;
        case 'reserve': tally.reserve += 1; break;
        case 'object': tally.object += 1; break;
      }
    } else if (stance.status === 'stale') tally.stale += 1;
    else if (stance.status === 'unverified') tally.unverified += 1;
    else continue;
    tally.none -= 1;
  }
}

/** Current objections among a block's stances, from members who count. */
export function currentObjections(stances: Iterable<ClassifiedStance>, layout: ColumnLayout): number {
  let count = 0;
  for (const stance of stances) {
    if (stance.status === 'current' && stance.endorsement?.stance === 'object' && layout.memberColumn.has(stance.memberId)) count += 1;
  }
  return count;
}
