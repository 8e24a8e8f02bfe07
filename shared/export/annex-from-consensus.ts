/**
 * The annex figures, taken from the consensus engine (shared/consensus/) — the same
 * math as the gutter and the heatmap, never a second implementation. Only verified,
 * current stances count: stale, retired, detached and unverified ones appear nowhere.
 *
 * Sections are the report's headings (nested ones included, each with its own row) and,
 * when text comes before the first heading, an "Introductory text" row. A column state
 * maps onto the four statuses the annex shows: recognized, partly, objection, and no
 * stance (nobody spoke, only stances on an earlier text, or a group with no members).
 */
import type * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import { extractBlocks, sectionsOf, type Section } from '../report-blocks.ts';
import { readRoster, type Roster } from '../roster.ts';
import { SignatureVerifier } from '../stance-status.ts';
import { readMeta } from '../ydoc.ts';
import { numberBlocks } from '../numbering.ts';
import type { ConsensusEngine } from '../consensus/engine.ts';
import { bindConsensusToDoc } from '../consensus/doc-binding.ts';
import { sectionResult } from '../consensus/sections.ts';
import type { ColumnState } from '../consensus/rules.ts';
import type { AnnexCellStatus, AnnexData, AnnexSection, AnnexStanding } from './annex.ts';

const STATUS_OF: Readonly<Record<ColumnState, AnnexCellStatus>> = {
  recognized: 'recognized',
  partly: 'partly',
  objection: 'objection',
  'stale-only': 'none',
  nobody: 'none',
  vacant: 'none',
};

/**
 * What each block is cited as: its own number when it has one, else the number of the
 * numbered block it follows, marked as within it ("12. (list)").
 */
function referencesOf(doc: PMNode): Map<string, string> {
  const labels = new Map<number, string>();
  for (const block of numberBlocks(doc)) labels.set(block.index, block.label);
  const refs = new Map<string, string>();
  let last = '';
  doc.forEach((top, _offset, index) => {
    const own = labels.get(index);
    if (own) last = own;
    const within = own ?? (last ? `${last} (${top.type.name === 'blockquote' ? 'quote' : 'list'})` : '');
    if (typeof top.attrs.id === 'string') refs.set(top.attrs.id, within);
    top.descendants((node) => {
      if (typeof node.attrs.id === 'string' && !refs.has(node.attrs.id)) refs.set(node.attrs.id, own ? `${own} (${node.type.name.replace('_', ' ')})` : within);
      return true;
    });
  });
  return refs;
}

export function annexFromEngine(engine: ConsensusEngine, doc: PMNode, roster: Roster): AnnexData {
  const columns = engine.columns;
  const refs = referencesOf(doc);
  const index = engine.blocks;
  const cellsOf = (section: Section): Record<string, AnnexCellStatus> => {
    const result = sectionResult(section, columns.length, (id) => engine.result(id));
    const cells: Record<string, AnnexCellStatus> = {};
    columns.forEach((column, i) => {
      cells[column.id] = STATUS_OF[result.states[i] ?? 'nobody'];
    });
    return cells;
  };

  const sections: AnnexSection[] = [];
  const preamble = index.blocks.filter((b) => b.sectionPath.length === 0 && b.kind !== 'heading').map((b) => b.id);
  if (preamble.length > 0) {
    sections.push({ id: '', num: '', title: '', level: 0, cells: cellsOf({ id: '', level: 0, title: '', blockIds: preamble }) });
  }
  for (const section of sectionsOf(index)) {
    sections.push({ id: section.id, num: refs.get(section.id) ?? '', title: section.title, level: section.level, cells: cellsOf(section) });
  }

  const groupLabel = new Map(columns.map((c) => [c.id, c.label]));
  const standing: AnnexStanding[] = [];
  for (const block of index.blocks) {
    for (const s of engine.stancesOn(block.id)) {
      const e = s.endorsement;
      if (s.status !== 'current' || !e || (e.stance !== 'reserve' && e.stance !== 'object')) continue;
      const member = roster.get(s.memberId);
      standing.push({
        stance: e.stance,
        blockId: block.id,
        ref: refs.get(block.id) ?? '',
        memberName: member?.name ?? s.memberId,
        groupLabel: (member && groupLabel.get(member.group)) ?? member?.group ?? '',
        note: e.note,
      });
    }
  }
  return { ruleLabel: engine.rule.label, groups: columns.map((c) => ({ id: c.id, label: c.label })), sections, readiness: engine.readiness().share, standing };
}

/**
 * The annex of a report as it stands: an engine over the doc's stances, roster and rule
 * and the given body, read once. Pass the session's verifier to reuse its cache.
 */
export function annexOfReport(ydoc: Y.Doc, doc: PMNode, verifier?: SignatureVerifier): AnnexData {
  const { engine, stop } = bindConsensusToDoc(ydoc, extractBlocks(doc), verifier ?? new SignatureVerifier(readMeta(ydoc).id));
  stop();
  return annexFromEngine(engine, doc, readRoster(ydoc));
}
