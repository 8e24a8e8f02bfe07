/**
 * The endorsement annex of an exported report: which stakeholder groups recognize which
 * sections, the report's readiness, and the reservations and objections that stand.
 *
 * `AnnexData` is plain data so every writer (HTML, DOCX, Akoma Ntoso, Markdown) renders
 * the same figures. It is produced from the consensus engine (`annex-from-consensus.ts`)
 * and never computed here: the annex must show exactly what the heatmap shows.
 */

/** A cell of the sections × groups table, at export time, under the report's rule. */
export type AnnexCellStatus = 'recognized' | 'partly' | 'objection' | 'none';

export const ANNEX_STATUS_LABEL: Readonly<Record<AnnexCellStatus, string>> = {
  recognized: 'Recognized',
  partly: 'Partly',
  objection: 'Objection',
  none: 'No stance',
};

/** Short marks for narrow table cells; the legend spells them out. */
export const ANNEX_STATUS_MARK: Readonly<Record<AnnexCellStatus, string>> = {
  recognized: '✓',
  partly: '◐',
  objection: '✗',
  none: '–',
};

export interface AnnexGroup {
  id: string;
  label: string;
}

export interface AnnexSection {
  /** Block id of the section's heading ('' for text before the first heading). */
  id: string;
  /** The heading's number as in the editor, e.g. "II." or "B."; '' for the preamble. */
  num: string;
  title: string;
  /** Heading level 1–4; 0 for the preamble. */
  level: number;
  /** Status per group id; every group of `AnnexData.groups` has a cell. */
  cells: Readonly<Record<string, AnnexCellStatus>>;
}

export interface AnnexStanding {
  stance: 'reserve' | 'object';
  blockId: string;
  /** The paragraph's number as in the editor ("12."), or a heading number; '' if none. */
  ref: string;
  memberName: string;
  groupLabel: string;
  note: string;
}

export interface AnnexData {
  /** Human name of the consensus rule the statuses were computed under. */
  ruleLabel: string;
  groups: readonly AnnexGroup[];
  sections: readonly AnnexSection[];
  /** Share (0–1) of blocks recognized by every group. */
  readiness: number;
  /** Current, verified reservations and objections, in document order. */
  standing: readonly AnnexStanding[];
}

/** "73 %" style figure, rounded down so a report is never shown readier than it is. */
export function formatReadiness(readiness: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(readiness) ? readiness : 0));
  return `${Math.floor(clamped * 1000) / 10} %`;
}

export function sectionLabel(section: AnnexSection): string {
  if (section.level === 0) return section.title || 'Introductory text';
  return section.num ? `${section.num} ${section.title}` : section.title;
}

export function stanceLabel(stance: AnnexStanding['stance']): string {
  return stance === 'object' ? 'Objection' : 'Reservation';
}
