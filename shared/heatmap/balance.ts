/**
 * Roster balance (the seed's "geographical, gender and stakeholder balance"): how many
 * active members who take stances the report has per stakeholder group, region,
 * development status and gender — counted with the consensus columns' own
 * `columnLayout`, so the balance and the heatmap never disagree about who is where —
 * against the targets the chair sets, stored in the report's meta as `balanceTargets`
 * (`{ group: { government: 10, … }, region: { … }, … }`, minimum counts).
 *
 * The targets are one meta value, replaced whole on each edit: two chairs editing
 * targets at the same moment keep the later edit (the chair is one person).
 */
import type * as Y from 'yjs';
import { metaOf, Origin, type OriginName } from '../ydoc.ts';
import type { Roster } from '../roster.ts';
import { DEVELOPMENT_STATUSES, GENDERS, REGIONS, type Category } from '../stakeholders.ts';
import { columnLayout } from '../consensus/tally.ts';
import { dimensionFor } from './dimensions.ts';

export const META_BALANCE_KEY = 'balanceTargets';
export const BALANCE_DIMENSIONS = ['group', 'region', 'development', 'gender'] as const;
export type BalanceDimension = (typeof BALANCE_DIMENSIONS)[number];
export const BALANCE_LABELS: Readonly<Record<BalanceDimension, string>> = {
  group: 'Stakeholder group', region: 'Region', development: 'Development status', gender: 'Gender',
};
export const MAX_TARGET = 1000;

export type BalanceTargets = Partial<Record<BalanceDimension, Readonly<Record<string, number>>>>;

export class BalanceError extends Error {
  override name = 'BalanceError';
}

export interface BalanceLine {
  readonly category: Category;
  readonly count: number;
  readonly target: number | null;
  /** target − count when short of the target, else 0. */
  readonly shortBy: number;
}

export interface BalanceTable {
  readonly dimension: BalanceDimension;
  readonly label: string;
  readonly lines: readonly BalanceLine[];
  readonly total: number;
}

function isTarget(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TARGET;
}

/** The chair's targets; malformed entries (a peer's bad write) are ignored. */
export function readBalanceTargets(doc: Y.Doc): BalanceTargets {
  const raw = metaOf(doc).get(META_BALANCE_KEY);
  const out: { [K in BalanceDimension]?: Record<string, number> } = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const dimension of BALANCE_DIMENSIONS) {
    const entries = (raw as Record<string, unknown>)[dimension];
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) continue;
    const kept: Record<string, number> = {};
    for (const [id, value] of Object.entries(entries as Record<string, unknown>)) if (isTarget(value)) kept[id] = value;
    out[dimension] = kept;
  }
  return out;
}

function categoriesOf(dimension: BalanceDimension, groups: readonly Category[]): readonly Category[] {
  switch (dimension) {
    case 'group': return groups;
    case 'region': return REGIONS;
    case 'development': return DEVELOPMENT_STATUSES.filter((s) => s.parent === undefined);
    case 'gender': return GENDERS;
  }
}

/**
 * Sets (or with null clears) one target. Throws BalanceError with a message for the chair
 * and leaves the doc unchanged when the dimension, category or number is not acceptable.
 */
export function writeBalanceTarget(
  doc: Y.Doc, groups: readonly Category[], dimension: string, categoryId: string, target: number | null,
  origin: OriginName = Origin.local,
): void {
  if (!(BALANCE_DIMENSIONS as readonly string[]).includes(dimension)) throw new BalanceError(`There is no balance dimension "${dimension}".`);
  const dim = dimension as BalanceDimension;
  if (!categoriesOf(dim, groups).some((c) => c.id === categoryId)) throw new BalanceError(`"${categoryId}" is not one of the ${BALANCE_LABELS[dim].toLowerCase()} categories.`);
  if (target !== null && !isTarget(target)) throw new BalanceError(`A target is a whole number of members from 0 to ${MAX_TARGET}.`);
  const current = readBalanceTargets(doc);
  const entries = { ...(current[dim] ?? {}) };
  if (target === null) delete entries[categoryId];
  else entries[categoryId] = target;
  doc.transact(() => metaOf(doc).set(META_BALANCE_KEY, { ...current, [dim]: entries }), origin);
}

/** Counts per category against the targets, for every balance dimension. */
export function rosterBalance(roster: Roster, groups: readonly Category[], targets: BalanceTargets): BalanceTable[] {
  return BALANCE_DIMENSIONS.map((dimension) => {
    const layout = columnLayout(dimensionFor(dimension, groups), roster);
    const wanted = targets[dimension] ?? {};
    const lines = layout.columns.map((category, i): BalanceLine => {
      const count = layout.active[i] ?? 0;
      const target = wanted[category.id] ?? null;
      return { category, count, target, shortBy: target === null ? 0 : Math.max(0, target - count) };
    });
    return { dimension, label: BALANCE_LABELS[dimension], lines, total: lines.reduce((n, l) => n + l.count, 0) };
  });
}

/** Lines short of their target, across dimensions. */
export function balanceGaps(tables: readonly BalanceTable[]): { dimension: BalanceDimension; line: BalanceLine }[] {
  return tables.flatMap((t) => t.lines.filter((l) => l.shortBy > 0).map((line) => ({ dimension: t.dimension, line })));
}
