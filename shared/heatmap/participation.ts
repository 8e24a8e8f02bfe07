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
import type { ColumnLayout, ColumnTally } from '../consensus/tally.ts';
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
 * Per-column gaps, updated block by block. What it keeps does not depend on the columns:
 * per block, the set of members who reviewed it (a bit per member), and per member the
 * blocks they reviewed. So switching the columns recounts from those at once — a column
 * of one member (the member view) is that member's count, a column of several is a pass
 * over the blocks' bits — instead of visiting every stance again (≈ 212,000 for the
 * issue's report), which had to run in idle slices that still competed with the first
 * stances after a switch.
 *
 * Reading the stances the first time (and after `invalidate`) visits every block; it
 * can run in slices (`recountSome` until it returns true) so the page stays responsive.
 */
export class ParticipationTracker {
  private readonly model: HeatmapModel;
  /** Member id → bit index (kept for good: indexes never move). */
  private readonly memberBits = new Map<string, number>();
  /** Block → bits of the members who reviewed it (current or stale stance). */
  private reviewers = new Map<string, Uint32Array>();
  /** Per member bit: blocks they reviewed. */
  private reviewedBy: number[] = [];
  /** Per column of `layout`: its members' bits, and how many blocks none of them reviewed. */
  private layout: ColumnLayout | null = null;
  private columnBits: Uint32Array[] = [];
  private counts: number[] = [];
  /** Blocks the reading still has to visit, from `cursor` on. */
  private pending: readonly string[] = [];
  private cursor = 0;
  /** False until every block's stances were read (and after `invalidate`): the figures are not known. */
  ready = false;
  /** Goes up whenever a column's count may have changed (so a view can skip redrawing the same gaps). */
  revision = 0;

  /** `deferred`: count nothing yet (call `recountSome` or `recount` later). */
  constructor(model: HeatmapModel, options: { deferred?: boolean } = {}) {
    this.model = model;
    if (options.deferred) this.invalidate();
    else this.recount();
  }

  /** Everything again (roster or structure changed). */
  recount(): void {
    this.invalidate();
    this.recountSome(() => false);
  }

  /** Stances may have changed anywhere (roster, structure): forget them; `recountSome` (or `recount`) reads them again. */
  invalidate(): void {
    this.ready = false;
    this.revision += 1;
    this.reviewers = new Map();
    this.reviewedBy = [];
    this.layout = null;
    this.pending = [...this.model.engine.blocks.order];
    this.cursor = 0;
  }

  /**
   * The columns switched: recounted from what is kept (no stance is read), so the gaps
   * are known at once once the stances were read. Returns `ready`.
   */
  columnsChanged(): boolean {
    this.layout = null;
    if (this.ready) this.countColumns();
    return this.ready;
  }

  /** Reads blocks until `stop()` says so (asked after each block); true once every block is read. */
  recountSome(stop: () => boolean): boolean {
    while (this.cursor < this.pending.length) {
      const id = this.pending[this.cursor] ?? '';
      this.cursor += 1;
      if (!this.reviewers.has(id)) this.read(id);
      if (this.cursor < this.pending.length && stop()) return false;
    }
    this.pending = [];
    this.cursor = 0;
    if (!this.ready || !this.layout) this.countColumns();
    this.ready = true;
    return true;
  }

  /** Blocks whose stances changed (after `model.applyChange`); also while the reading is under way. */
  update(blockIds: Iterable<string>): void {
    if (!this.ready && this.pending.length === 0) return;
    for (const id of blockIds) {
      const old = this.reviewers.get(id);
      const next = this.model.engine.blocks.byId.has(id) ? this.read(id) : undefined;
      if (!next) this.forget(id);
      if (!this.ready) continue;
      // A block come or gone changes every share (the paragraphs counted), whatever the counts do.
      if (!old || !next) this.revision += 1;
      // The counts follow the block's columns: each column's "nobody reviewed" flag, before and after.
      for (let column = 0; column < this.counts.length; column++) {
        const change = Number(this.unreviewedIn(next, column)) - Number(this.unreviewedIn(old, column));
        if (change === 0) continue;
        this.counts[column] = (this.counts[column] ?? 0) + change;
        this.revision += 1;
      }
    }
  }

  /** Whether a block (its reviewers, or undefined when it does not exist) counts as unreviewed in a column. */
  private unreviewedIn(reviewers: Uint32Array | undefined, column: number): boolean {
    const bits = this.columnBits[column];
    return reviewers !== undefined && bits !== undefined && (this.layout?.active[column] ?? 0) > 0 && !intersects(reviewers, bits);
  }

  /** Per column; empty while not `ready`. */
  gaps(): ColumnGap[] {
    if (!this.ready) return [];
    if (this.layout !== this.model.currentLayout()) this.countColumns();
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

  private bitOf(memberId: string): number {
    let bit = this.memberBits.get(memberId);
    if (bit === undefined) this.memberBits.set(memberId, (bit = this.memberBits.size));
    return bit;
  }

  /**
   * A block's reviewers straight from its stances (as `unreviewedByColumn` reads a tally:
   * a current or a stale stance counts as reviewed), without building the block's figures.
   * Keeps them, moves the members' counts, and returns them.
   */
  private read(id: string): Uint32Array {
    const bits = new Uint32Array(Math.max(1, Math.ceil((this.memberBits.size + 1) / 32)) + 1);
    let mask = bits;
    for (const stance of this.model.engine.blockStances(id)) {
      if (!((stance.status === 'current' && stance.endorsement) || stance.status === 'stale')) continue;
      const bit = this.bitOf(stance.memberId);
      if ((bit >>> 5) >= mask.length) {
        const wider = new Uint32Array((bit >>> 5) + 2);
        wider.set(mask);
        mask = wider;
      }
      mask[bit >>> 5] = (mask[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
    this.forget(id);
    this.reviewers.set(id, mask);
    eachBit(mask, (bit) => (this.reviewedBy[bit] = (this.reviewedBy[bit] ?? 0) + 1));
    return mask;
  }

  private forget(id: string): void {
    const old = this.reviewers.get(id);
    if (!old) return;
    this.reviewers.delete(id);
    eachBit(old, (bit) => (this.reviewedBy[bit] = (this.reviewedBy[bit] ?? 0) - 1));
  }

  /** The current columns' counts from the kept bits. */
  private countColumns(): void {
    this.revision += 1;
    const layout = this.model.currentLayout();
    this.layout = layout;
    const members: string[][] = layout.columns.map(() => []);
    for (const [memberId, column] of layout.memberColumn) {
      // A bit for every member counted, also for those who have reviewed nothing yet.
      this.bitOf(memberId);
      members[column]?.push(memberId);
    }
    this.columnBits = members.map((ids) => {
      const bits = new Uint32Array(Math.max(1, Math.ceil(this.memberBits.size / 32)) + 1);
      for (const memberId of ids) {
        const bit = this.memberBits.get(memberId);
        if (bit !== undefined && (bit >>> 5) < bits.length) bits[bit >>> 5] = (bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
      }
      return bits;
    });
    const order = this.model.engine.blocks.order;
    this.counts = members.map((ids, column) => {
      if (ids.length === 0 || (layout.active[column] ?? 0) === 0) return 0;
      if (ids.length === 1) {
        // One member: the blocks they did not review.
        const bit = this.memberBits.get(ids[0] ?? '');
        return order.length - (bit === undefined ? 0 : this.reviewedBy[bit] ?? 0);
      }
      const bits = this.columnBits[column] ?? new Uint32Array(1);
      let unreviewed = 0;
      for (const id of order) {
        const reviewers = this.reviewers.get(id);
        if (!reviewers || !intersects(reviewers, bits)) unreviewed += 1;
      }
      return unreviewed;
    });
  }
}

function intersects(a: Uint32Array, b: Uint32Array): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (((a[i] ?? 0) & (b[i] ?? 0)) !== 0) return true;
  return false;
}

function eachBit(bits: Uint32Array, visit: (bit: number) => void): void {
  for (let word = 0; word < bits.length; word++) {
    let rest = bits[word] ?? 0;
    while (rest !== 0) {
      const low = rest & -rest;
      visit(word * 32 + 31 - Math.clz32(low));
      rest ^= low;
    }
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
