/**
 * The stakeholder taxonomy (DESIGN.md, "Stakeholders"): who a member speaks for, where
 * they come from, and what they do in the working group. Every dimension is a list of
 * `{ id, label, short }` entries: `id` is what the roster stores (stable, never shown),
 * `label` is for lists and forms, `short` is for gutter chips and heatmap headers.
 *
 * Groups are the one open dimension: a report may add groups of its own (the academic
 * and technical community, say) in its meta under `stakeholderGroups`; `reportGroups`
 * returns the built-in groups followed by those.
 */
import type * as Y from 'yjs';
import { metaOf, Origin, type OriginName } from './ydoc.ts';

export interface Category {
  /** Stored in the roster; lower-case letters, digits and dashes. */
  id: string;
  label: string;
  /** For chips and column headers: a few characters. */
  short: string;
}

export const BUILTIN_GROUPS: readonly Category[] = [
  { id: 'government', label: 'Governments', short: 'Gov' },
  { id: 'private-sector', label: 'Private sector', short: 'Priv' },
  { id: 'civil-society', label: 'Civil society', short: 'CS' },
  { id: 'international-organization', label: 'International organizations', short: 'IO' },
];

/** The five UN regional groups, in the UN's own order. */
export const REGIONS: readonly Category[] = [
  { id: 'african', label: 'African States', short: 'AFR' },
  { id: 'asia-pacific', label: 'Asia-Pacific States', short: 'APG' },
  { id: 'eastern-european', label: 'Eastern European States', short: 'EEG' },
  { id: 'latin-american-caribbean', label: 'Latin American and Caribbean States', short: 'GRULAC' },
  { id: 'western-european-other', label: 'Western European and other States', short: 'WEOG' },
];

export interface DevelopmentCategory extends Category {
  /** A sub-status names the status it aggregates into (least developed → developing). */
  parent?: string;
}

export const DEVELOPMENT_STATUSES: readonly DevelopmentCategory[] = [
  { id: 'developing', label: 'Developing', short: 'Dev' },
  { id: 'least-developed', label: 'Least developed', short: 'LDC', parent: 'developing' },
  { id: 'developed', label: 'Developed', short: 'Dvd' },
];

export const GENDERS: readonly Category[] = [
  { id: 'woman', label: 'Woman', short: 'W' },
  { id: 'man', label: 'Man', short: 'M' },
  { id: 'other', label: 'Another gender', short: 'O' },
  { id: 'undisclosed', label: 'Not stated', short: '–' },
];

export const ROLES: readonly Category[] = [
  { id: 'chair', label: 'Chair', short: 'Chair' },
  { id: 'secretariat', label: 'Secretariat', short: 'Sec' },
  { id: 'member', label: 'Member', short: 'Mbr' },
  { id: 'observer', label: 'Observer', short: 'Obs' },
];

export type RoleId = 'chair' | 'secretariat' | 'member' | 'observer';

/**
 * Roles whose stances count toward consensus. The chair is a member of the group they
 * come from; the secretariat serves the group and observers only read and comment
 * (DESIGN.md, "Who uses it"), so neither takes stances.
 */
export const STANCE_ROLES: readonly RoleId[] = ['chair', 'member'];

export function takesStances(role: string): boolean {
  return (STANCE_ROLES as readonly string[]).includes(role);
}

/** Development status as aggregated: least developed counts as developing. */
export function aggregateDevelopment(status: string): string {
  return DEVELOPMENT_STATUSES.find((s) => s.id === status)?.parent ?? status;
}

export function findCategory(list: readonly Category[], id: string): Category | undefined {
  return list.find((entry) => entry.id === id);
}

/** The label of an id in a list, or the id itself when it is not in the list. */
export function labelOf(list: readonly Category[], id: string): string {
  return findCategory(list, id)?.label ?? id;
}

export function shortLabelOf(list: readonly Category[], id: string): string {
  return findCategory(list, id)?.short ?? id;
}

const CATEGORY_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const MAX_LABEL = 80;
const MAX_SHORT = 8;

/** Why a report-defined group is not acceptable, or null when it is. */
export function groupProblem(group: unknown, existing: readonly Category[]): string | null {
  if (!group || typeof group !== 'object') return 'A stakeholder group needs an id, a label and a short label.';
  const { id, label, short } = group as Record<string, unknown>;
  if (typeof id !== 'string' || !CATEGORY_ID.test(id)) {
    return 'A group id is 1–40 lower-case letters, digits or dashes, starting with a letter or digit.';
  }
  if (existing.some((g) => g.id === id)) return `There is already a stakeholder group "${id}".`;
  if (typeof label !== 'string' || label.trim() === '' || label.length > MAX_LABEL) {
    return `A group's label is 1–${MAX_LABEL} characters.`;
  }
  if (typeof short !== 'string' || short.trim() === '' || short.length > MAX_SHORT) {
    return `A group's short label is 1–${MAX_SHORT} characters.`;
  }
  return null;
}

/** Meta key under which a report keeps the groups it adds. */
export const META_GROUPS_KEY = 'stakeholderGroups';

/** The built-in groups and then the report's own; malformed or duplicate entries are skipped. */
export function reportGroups(doc: Y.Doc): Category[] {
  const groups: Category[] = [...BUILTIN_GROUPS];
  const extra = metaOf(doc).get(META_GROUPS_KEY);
  if (!Array.isArray(extra)) return groups;
  for (const entry of extra) {
    if (groupProblem(entry, groups) === null) {
      const { id, label, short } = entry as Category;
      groups.push({ id, label, short });
    }
  }
  return groups;
}

export class StakeholderError extends Error {
  override name = 'StakeholderError';
}

/**
 * Adds a stakeholder group to the report; throws StakeholderError (the doc unchanged)
 * when it is malformed or its id is taken.
 */
export function addReportGroup(doc: Y.Doc, group: Category, origin: OriginName = Origin.local): void {
  const problem = groupProblem(group, reportGroups(doc));
  if (problem) throw new StakeholderError(problem);
  const meta = metaOf(doc);
  const current = meta.get(META_GROUPS_KEY);
  const list = Array.isArray(current) ? current : [];
  doc.transact(() => {
    meta.set(META_GROUPS_KEY, [...list, { id: group.id, label: group.label.trim(), short: group.short.trim() }]);
  }, origin);
}
