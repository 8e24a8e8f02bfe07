/**
 * The consensus engine: one per report and dimension (stakeholder groups for the gutter
 * and status bar; regions, development status, gender or members for the heatmap). It
 * holds every stance's classification and every block's tally, and on a change
 * recomputes only what the change touches:
 *
 * | change                              | recomputed                                  |
 * | ----------------------------------- | ------------------------------------------- |
 * | blocks edited/added/removed         | those blocks' stances (hash check) and tally |
 * | endorsement keys set/deleted        | those keys and their blocks' tallies         |
 * | rule switched                       | every block's states, from kept tallies      |
 * | roster changed                      | changed members' stances; every tally        |
 * | columns (dimension) changed         | every tally                                  |
 * | background signature checks settled | those stances and their blocks               |
 *
 * Each call returns (and emits to subscribers) an `EngineChange` naming the blocks and
 * sections whose figures may differ, so views redraw only those.
 *
 * Feeding it: blocks from `updateBlocks` (report-blocks.ts), stances and roster from the
 * Y.Doc (`bindConsensusToDoc`, doc-binding.ts). Signatures are verified through a
 * shared `SignatureVerifier`, once each.
 */
import type { Roster } from '../roster.ts';
import type { BlockChanges, BlockIndex, ReportBlock } from '../report-blocks.ts';
import { sectionsOf } from '../report-blocks.ts';
import { parseEndorsementKey } from '../endorsement-store.ts';
import { classifyCandidates, withBlockHash, type ClassifiedStance, type ClassifyContext, type SignatureVerifier } from '../stance-status.ts';
import type { Category } from '../stakeholders.ts';
import { columnLayout, currentObjections, groupDimension, tallyBlock, type ColumnLayout, type ColumnTally, type Dimension } from './tally.ts';
import { columnState, recognizedByAll, ruleById, type ColumnState, type ConsensusRule } from './rules.ts';
import { sectionResult, type SectionResult } from './sections.ts';

/** Where stances are read from: the 'endorsements' Y.Map (doc-binding.ts) or plain data. */
export interface StanceSource {
  /** Every key holding a stance. */
  keys(): Iterable<string>;
  /** The values under a key that no later write superseded, current first; empty when none. */
  candidates(key: string): readonly unknown[];
}

export interface BlockResult {
  /** Per column, in `columns` order. */
  readonly tally: readonly ColumnTally[];
  readonly states: readonly ColumnState[];
  /** Recognized by every non-vacant column under the rule. */
  readonly recognized: boolean;
  /** Current objections on the block. */
  readonly objections: number;
}

export interface EngineChange {
  /** Blocks whose result may have changed (removed blocks included). */
  readonly blocks: ReadonlySet<string>;
  /** Sections whose result may have changed. */
  readonly sections: ReadonlySet<string>;
  /** Everything may have changed (rule, roster, columns, section structure). */
  readonly all: boolean;
}

export interface Readiness {
  readonly blocks: number;
  readonly recognized: number;
  /** recognized / blocks; 0 for an empty report. */
  readonly share: number;
}

export interface DetachedStance {
  readonly stance: ClassifiedStance;
  /** The block's text when this engine last saw it, else the text the stance was given on. */
  readonly lastText: string;
}

export interface EngineInput {
  blocks: BlockIndex;
  roster: Roster;
  stances: StanceSource;
  verifier: SignatureVerifier;
  /** A rule id (meta.consensusRule); unknown ids fall back to the default rule. */
  rule?: string;
  /** Columns; stakeholder groups (built-in) by default. */
  dimension?: Dimension;
}

const NO_CHANGE: EngineChange = { blocks: new Set(), sections: new Set(), all: false };

export class ConsensusEngine {
  private blockIndex: BlockIndex;
  private roster: Roster;
  private readonly source: StanceSource;
  private readonly verifier: SignatureVerifier;
  private dimension: Dimension;
  private layout: ColumnLayout;
  private ruleValue: ConsensusRule;
  private readonly byKey = new Map<string, ClassifiedStance>();
  /** blockId (as the key names it) → key → stance. */
  private readonly byBlock = new Map<string, Map<string, ClassifiedStance>>();
  private readonly results = new Map<string, BlockResult>();
  private readonly lastText = new Map<string, string>();
  private recognizedCount = 0;
  private objectionCount = 0;
  private readonly listeners = new Set<(change: EngineChange) => void>();
  /** What classification reads: the current roster and blocks (made once, kept current). */
  private readonly context: ClassifyContext;
  /** Keys of stances whose signature is being checked in the background, by signature. */
  private readonly awaiting = new Map<string, Set<string>>();
  private readonly stopVerifier: () => void;

  constructor(input: EngineInput) {
    this.blockIndex = input.blocks;
    this.roster = input.roster;
    this.source = input.stances;
    this.verifier = input.verifier;
    this.dimension = input.dimension ?? groupDimension();
    this.layout = columnLayout(this.dimension, this.roster);
    this.ruleValue = ruleById(input.rule);
    this.context = {
      roster: this.roster,
      blockHash: (id) => this.blockIndex.byId.get(id)?.textHash,
      verifier: this.verifier,
    };
    this.stopVerifier = this.verifier.onSettled((signatures) => this.onSignaturesSettled(signatures));
    this.rebuild();
  }

  /** Stops listening to the verifier (the engine is not used any more). */
  dispose(): void {
    this.stopVerifier();
    this.listeners.clear();
  }

  /** Stances whose signature is still being checked in the background. */
  get pendingChecks(): number {
    let count = 0;
    for (const keys of this.awaiting.values()) count += keys.size;
    return count;
  }

  // ---- queries ----

  get blocks(): BlockIndex {
    return this.blockIndex;
  }

  get columns(): readonly Category[] {
    return this.layout.columns;
  }

  /** The roster the engine counts with (read once per roster change by its binding). */
  get currentRoster(): Roster {
    return this.roster;
  }

  get rule(): ConsensusRule {
    return this.ruleValue;
  }

  result(blockId: string): BlockResult | undefined {
    return this.results.get(blockId);
  }

  /** Every stance stored on a block (all statuses), by member name. */
  stancesOn(blockId: string): ClassifiedStance[] {
    const stances = [...(this.byBlock.get(blockId)?.values() ?? [])];
    const name = (s: ClassifiedStance): string => this.roster.get(s.memberId)?.name ?? s.memberId;
    return stances.sort((a, b) => name(a).localeCompare(name(b)) || a.key.localeCompare(b.key));
  }

  /** The stances stored on a block, unordered and uncopied (for recounting them in other columns). */
  blockStances(blockId: string): Iterable<ClassifiedStance> {
    return this.byBlock.get(blockId)?.values() ?? [];
  }

  stance(key: string): ClassifiedStance | undefined {
    return this.byKey.get(key);
  }

  section(sectionId: string): SectionResult | undefined {
    const section = sectionsOf(this.blockIndex).find((s) => s.id === sectionId);
    return section ? sectionResult(section, this.layout.columns.length, (id) => this.results.get(id)) : undefined;
  }

  readiness(): Readiness {
    const blocks = this.blockIndex.order.length;
    return { blocks, recognized: this.recognizedCount, share: blocks === 0 ? 0 : this.recognizedCount / blocks };
  }

  /** Current objections standing in the report. */
  objectionsStanding(): number {
    return this.objectionCount;
  }

  /** Stances whose block no longer exists. */
  detached(): DetachedStance[] {
    const out: DetachedStance[] = [];
    for (const stance of this.byKey.values()) {
      if (stance.status !== 'detached') continue;
      out.push({ stance, lastText: this.lastText.get(stance.blockId) ?? stance.endorsement?.text ?? '' });
    }
    return out.sort((a, b) => a.stance.key.localeCompare(b.stance.key));
  }

  /** Stances that do not verify (forged, altered, replayed, unknown member, malformed). */
  unverified(): ClassifiedStance[] {
    return [...this.byKey.values()].filter((s) => s.status === 'unverified').sort((a, b) => a.key.localeCompare(b.key));
  }

  subscribe(listener: (change: EngineChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- changes ----

  /** A new version of the blocks, with what changed since the engine's version. */
  updateBlocks(index: BlockIndex, changes: BlockChanges): EngineChange {
    const previous = this.blockIndex;
    this.blockIndex = index;
    const touched = new Set<string>();
    const sections = new Set<string>();
    for (const id of changes.removed) {
      const old = previous.byId.get(id);
      if (old) this.lastText.set(id, old.text);
      this.forgetResult(id);
      touched.add(id);
      for (const s of old?.sectionPath ?? []) sections.add(s);
    }
    for (const id of [...changes.added, ...changes.changed]) touched.add(id);
    for (const id of touched) {
      this.reclassifyBlock(id);
      const block = index.byId.get(id);
      if (block) this.computeBlock(block);
      for (const s of block?.sectionPath ?? []) sections.add(s);
    }
    return this.emit({ blocks: touched, sections, all: changes.sectionsChanged });
  }

  /** Endorsement keys that were set or deleted. */
  updateStances(keys: Iterable<string>): EngineChange {
    const touched = new Set<string>();
    for (const key of keys) {
      // A key that names no block and member holds nothing a view could show.
      if (!parseEndorsementKey(key)) continue;
      const old = this.byKey.get(key);
      if (old) this.removeStance(old);
      const next = this.classify(key);
      if (next) this.addStance(next);
      const blockId = next?.blockId ?? old?.blockId;
      if (blockId !== undefined) touched.add(blockId);
    }
    const sections = new Set<string>();
    for (const id of touched) {
      const block = this.blockIndex.byId.get(id);
      if (!block) continue;
      this.computeBlock(block);
      for (const s of block.sectionPath) sections.add(s);
    }
    return this.emit({ blocks: touched, sections, all: false });
  }

  setRule(ruleId: string | undefined): EngineChange {
    const rule = ruleById(ruleId);
    if (rule === this.ruleValue) return NO_CHANGE;
    this.ruleValue = rule;
    for (const block of this.blockIndex.blocks) {
      const old = this.results.get(block.id);
      if (old) this.storeResult(block.id, this.judge(old.tally, old.objections));
    }
    return this.everything();
  }

  /**
   * A new roster. Only the stances of members whose record changed (or who appeared or
   * left) are classified again; every block is recounted, since column sizes may differ.
   */
  setRoster(roster: Roster): EngineChange {
    const previous = this.roster;
    const changed = new Set<string>();
    for (const [id, member] of roster) {
      const old = previous.get(id);
      if (!old || old.publicKey !== member.publicKey || old.role !== member.role || old.retired !== member.retired || old.name !== member.name) changed.add(id);
    }
    for (const id of previous.keys()) if (!roster.has(id)) changed.add(id);
    this.roster = roster;
    this.context.roster = roster;
    this.layout = columnLayout(this.dimension, roster);
    if (changed.size > 0) {
      for (const stance of [...this.byKey.values()]) {
        if (!changed.has(stance.memberId)) continue;
        this.removeStance(stance);
        const next = this.classify(stance.key);
        if (next) this.addStance(next);
      }
    }
    for (const block of this.blockIndex.blocks) this.computeBlock(block);
    return this.everything();
  }

  setDimension(dimension: Dimension): EngineChange {
    this.dimension = dimension;
    this.layout = columnLayout(dimension, this.roster);
    for (const block of this.blockIndex.blocks) this.computeBlock(block);
    return this.everything();
  }

  // ---- internals ----

  private classify(key: string): ClassifiedStance | undefined {
    const stance = classifyCandidates(key, this.source.candidates(key), this.context);
    if (stance?.pending && stance.endorsement) {
      let keys = this.awaiting.get(stance.endorsement.signature);
      if (!keys) this.awaiting.set(stance.endorsement.signature, (keys = new Set()));
      keys.add(key);
    }
    return stance;
  }

  private onSignaturesSettled(signatures: ReadonlySet<string>): void {
    const keys: string[] = [];
    for (const signature of signatures) {
      const waiting = this.awaiting.get(signature);
      if (!waiting) continue;
      this.awaiting.delete(signature);
      keys.push(...waiting);
    }
    if (keys.length > 0) this.updateStances(keys);
  }

  private addStance(stance: ClassifiedStance): void {
    this.byKey.set(stance.key, stance);
    let onBlock = this.byBlock.get(stance.blockId);
    if (!onBlock) this.byBlock.set(stance.blockId, (onBlock = new Map()));
    onBlock.set(stance.key, stance);
  }

  private removeStance(stance: ClassifiedStance): void {
    this.byKey.delete(stance.key);
    const onBlock = this.byBlock.get(stance.blockId);
    onBlock?.delete(stance.key);
    if (onBlock?.size === 0) this.byBlock.delete(stance.blockId);
  }

  /**
   * The block's text changed (or it appeared or vanished): its stances' status may
   * differ. Only the hash comparison is redone; parsing and signatures stand.
   */
  private reclassifyBlock(blockId: string): void {
    const onBlock = this.byBlock.get(blockId);
    if (!onBlock) return;
    const hash = this.blockIndex.byId.get(blockId)?.textHash;
    for (const [key, stance] of onBlock) {
      const next = withBlockHash(stance, hash, this.roster.get(stance.memberId)?.retired !== undefined);
      if (next === stance) continue;
      onBlock.set(key, next);
      this.byKey.set(key, next);
    }
  }

  private rebuild(): void {
    this.byKey.clear();
    this.byBlock.clear();
    this.results.clear();
    this.recognizedCount = 0;
    this.objectionCount = 0;
    for (const key of this.source.keys()) {
      if (!parseEndorsementKey(key)) continue;
      const stance = this.classify(key);
      if (stance) this.addStance(stance);
    }
    for (const block of this.blockIndex.blocks) this.computeBlock(block);
  }

  private judge(tally: readonly ColumnTally[], objections: number): BlockResult {
    const states = tally.map((column) => columnState(this.ruleValue, column, tally));
    return { tally, states, recognized: recognizedByAll(states), objections };
  }

  private computeBlock(block: ReportBlock): void {
    const stances = this.byBlock.get(block.id)?.values() ?? [];
    const list = [...stances];
    this.storeResult(block.id, this.judge(tallyBlock(list, this.layout), currentObjections(list, this.layout)));
  }

  private storeResult(blockId: string, result: BlockResult): void {
    this.forgetResult(blockId);
    this.results.set(blockId, result);
    if (result.recognized) this.recognizedCount += 1;
    this.objectionCount += result.objections;
  }

  private forgetResult(blockId: string): void {
    const old = this.results.get(blockId);
    if (!old) return;
    this.results.delete(blockId);
    if (old.recognized) this.recognizedCount -= 1;
    this.objectionCount -= old.objections;
  }

  private everything(): EngineChange {
    return this.emit({
      blocks: new Set(this.blockIndex.byId.keys()),
      sections: new Set(sectionsOf(this.blockIndex).map((s) => s.id)),
      all: true,
    });
  }

  private emit(change: EngineChange): EngineChange {
    for (const listener of this.listeners) listener(change);
    return change;
  }
}
