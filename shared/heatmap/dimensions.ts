/**
 * The heatmap's column switch: which consensus `Dimension` (shared/consensus/tally.ts)
 * gives the columns, and the "only one stakeholder group" filter, which is a dimension
 * too — members outside the group fall in no column, so every count, state and gap is
 * the engine's own math over that group's members.
 */
import type { Roster } from '../roster.ts';
import type { Category } from '../stakeholders.ts';
import {
  developmentDimension, genderDimension, groupDimension, memberDimension, regionDimension, type Dimension,
} from '../consensus/tally.ts';

export type HeatmapDimensionId = 'group' | 'region' | 'development' | 'gender' | 'member';

export interface HeatmapDimension {
  readonly id: HeatmapDimensionId;
  readonly label: string;
}

export const HEATMAP_DIMENSIONS: readonly HeatmapDimension[] = [
  { id: 'group', label: 'Stakeholder groups' },
  { id: 'region', label: 'Regions' },
  { id: 'development', label: 'Development status' },
  { id: 'gender', label: 'Gender' },
  { id: 'member', label: 'Members' },
];

export function isHeatmapDimension(id: unknown): id is HeatmapDimensionId {
  return HEATMAP_DIMENSIONS.some((d) => d.id === id);
}

/** The consensus dimension for a switch position; `groups` are the report's groups. */
export function dimensionFor(id: HeatmapDimensionId, groups: readonly Category[]): Dimension {
  switch (id) {
    case 'group': return groupDimension(groups);
    case 'region': return regionDimension;
    case 'development': return developmentDimension;
    case 'gender': return genderDimension;
    case 'member': return memberDimension;
  }
}

/** `base` restricted to the members of one stakeholder group. */
export function onlyGroup(base: Dimension, groupId: string): Dimension {
  return {
    id: `${base.id}@${groupId}`,
    columns: (roster: Roster) => {
      const columns = base.columns(roster);
      if (base.id === 'group') return columns.filter((c) => c.id === groupId);
      if (base.id === 'member') return columns.filter((c) => roster.get(c.id)?.group === groupId);
      return columns;
    },
    columnOf: (member) => (member.group === groupId ? base.columnOf(member) : undefined),
  };
}
