/**
 * Participation gaps: per column, the share of the report's paragraphs none of its
 * members has reviewed at all (no stance, not even one on an earlier text), and per
 * member the paragraphs they have not reviewed, for the chair's follow-up. The seed's
 * concern: developing-country members with less time and bandwidth fall silent first.
 *
 * Column figures are kept per block so a stance arriving costs one block, not a recount.
 */
import { endorsementKey } from '../endorsement-store.ts';
import type { Roster } from '../roster.ts';
import type { ColumnTally } from '../consensus/tally.ts';
import type { HeatmapModel } from './model.ts';

export interface ColumnGap {
  readonly columnId: string;
  readonly label: string;
  readonly members: number;
  /** Paragraphs no member of the column has reviewed. */
  readonly unreviewed: number;
  readonly paragraphs: number;
  /** unreviewed / paragraphs; 0 for a vacant column or an empty report. */
  readonly share: number;
}

export interface MemberFollowUp {
  readonly memberId: string;
  readonly name: string;
  readonly columnId: string;
  /** Block ids in report order. */
  readonly unreviewed: readonly string[];
}

/** Nobody in the column has any stance on the block (stances that do not verify count as none). */
export function unreviewedByColumn(tally: ColumnTally): boolean {
  return tally.active > 0 && tally.none + tally.unverified === tally.active;
}

/**
 * Per-column gaps, updated block by block. A recount visits every block; it can run in
 * slices (`invalidate`, then `recountSome` until it returns true) so the page stays
 * responsive while it counts.
 */
export class ParticipationTracker {
  private readonly model: HeatmapModel;
  private flags = new Map<string, readonly boolean[]>();
  private counts: number[] = [];
  /** Blocks a sliced recount still has to visit, from `cursor` on. */
  private pending: readonly string[] = [];
  private cursor = 0;
  /** False between `invalidate` and the end of the recount: the figures are not known. */
  ready = false;

  /** `deferred`: count nothing yet (call `recountSome` or `recount` later). */
  constructor(model: HeatmapModel, options: { deferred?: boolean } = {}) {
    this.model = model;
    if (options.deferred) this.invalidate();
    else this.recount();
  }

  /** Everything again (columns switched, roster or structure changed). */
  recount(): void {
    this.invalidate();
    this.recountSome(() => false);
  }

  /** The columns changed: forget the figures; `recountSome` (or `recount`) counts them again. */
  invalidate(): void {
    this.ready = false;
    this.flags = new Map();
    this.counts = this.model.columns.map(() => 0);
    this.pending = [...this.model.engine.blocks.order];
    this.cursor = 0;
  }

  /** Counts blocks until `stop()` says so (asked after each block); true once every block is counted. */
  recountSome(stop: () => boolean): boolean {
    while (this.cursor < this.pending.length) {
      const id = this.pending[this.cursor] ?? '';
      this.cursor += 1;
      if (!this.flags.has(id)) this.add(id);
      if (this.cursor < this.pending.length && stop()) return false;
    }
    this.pending = [];
    this.cursor = 0;
    this.ready = true;
    return true;
  }

  /** Blocks whose figures changed (after `model.applyChange`); also during a sliced recount. */
  update(blockIds: Iterable<string>): void {
    if (!this.ready && this.pending.length === 0) return;
    for (const id of blockIds) {
      const old = this.flags.get(id);
      if (old) old.forEach((flag, i) => flag && (this.counts[i] = (this.counts[i] ?? 0) - 1));
      this.flags.delete(id);
      if (this.model.engine.blocks.byId.has(id)) this.add(id);
    }
  }

  /** Per column; empty while not `ready`. */
  gaps(): ColumnGap[] {
    if (!this.ready) return [];
    const paragraphs = this.model.engine.blocks.order.length;
    const members = this.model.columnMembers();
    return this.model.columns.map((column, i) => {
      const unreviewed = this.counts[i] ?? 0;
      const active = members[i] ?? 0;
      return {
        columnId: column.id, label: column.label, members: active, unreviewed, paragraphs,
        share: active === 0 || paragraphs === 0 ? 0 : unreviewed / paragraphs,
      };
    });
  }

  /**
   * A block's flags straight from its stances (as `unreviewedByColumn` reads a tally: a
   * column is unreviewed when it has active members and none has a current or stale
   * stance), without building the block's figures: a recount visits every block, and
   * with one column per member full figures would be 60 tallies for each.
   */
  private add(id: string): void {
    const { engine } = this.model;
    if (!engine.blocks.byId.has(id)) return;
    const layout = this.model.currentLayout();
    const reviewed = new Array<boolean>(layout.columns.length).fill(false);
    for (const stance of engine.blockStances(id)) {
      if (!((stance.status === 'current' && stance.endorsement) || stance.status === 'stale')) continue;
      const column = layout.memberColumn.get(stance.memberId);
      if (column !== undefined) reviewed[column] = true;
    }
    const flags = reviewed.map((seen, i) => !seen && (layout.active[i] ?? 0) > 0);
    flags.forEach((flag, i) => flag && (this.counts[i] = (this.counts[i] ?? 0) + 1));
    this.flags.set(id, flags);
  }
}

/**
 * Per member counted in the current columns: the paragraphs with no stance of theirs that
 * counts as reviewed (current or stale), in report order; members with none left out.
 */
export function memberFollowUps(model: HeatmapModel, roster: Roster): MemberFollowUp[] {
  const layout = model.currentLayout();
  const order = model.engine.blocks.order;
  const out: MemberFollowUp[] = [];
  for (const [memberId, column] of layout.memberColumn) {
    const unreviewed: string[] = [];
    for (const blockId of order) {
      const status = model.engine.stance(endorsementKey(blockId, memberId))?.status;
      if (status !== 'current' && status !== 'stale') unreviewed.push(blockId);
    }
    if (unreviewed.length === 0) continue;
    out.push({ memberId, name: roster.get(memberId)?.name ?? memberId, columnId: layout.columns[column]?.id ?? '', unreviewed });
  }
  return out.sort((a, b) => b.unreviewed.length - a.unreviewed.length || a.name.localeCompare(b.name));
}
