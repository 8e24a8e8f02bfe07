/**
 * The endorsable blocks of a report, in document order: the unit a stance is taken on.
 *
 * The unit: every top-level heading, paragraph and block quote, and each list item of a
 * top-level list. A quote or a list item is endorsed whole — its text includes anything
 * nested in it (a quote's paragraphs, a list item's sub-list) — because that is how a
 * reader quotes it ("paragraph 12 (b)"). Blocks without an id (none survive the id
 * plugin) and the second of two blocks with one id (a transient state the plugin
 * repairs) are not endorsable and are left out.
 *
 * A block's text is normalized (`normalizeText`): hard breaks and the boundaries of
 * nested blocks read as spaces. Sections: a heading and the blocks up to the next heading
 * of the same or a higher level, nested; every block carries the ids of the sections it
 * lies in, outermost first (a heading's own section last).
 *
 * `updateBlocks` is the incremental form used on every keystroke: ProseMirror shares
 * unchanged top-level nodes between the old and new doc, so comparing top-level nodes
 * by identity finds the touched range in a few microseconds, and only that range is
 * re-extracted and re-hashed; the id order and the lookup are shared with the previous
 * version when only texts changed. Section paths after the range are recomputed only
 * when headings in it were added, removed or changed level.
 */
import type { Node as PMNode } from 'prosemirror-model';
import { normalizeText, textHash } from './text-hash.ts';
import { LayeredMap } from './layered-map.ts';

export type BlockKind = 'heading' | 'paragraph' | 'blockquote' | 'list_item';

export interface ReportBlock {
  readonly id: string;
  readonly kind: BlockKind;
  /** 1–4 for headings. */
  readonly headingLevel?: number;
  /** Normalized text. */
  readonly text: string;
  /** SHA-256 hex of `text`: the hash a current stance carries. */
  readonly textHash: string;
  /** Ids of the headings whose sections contain this block, outermost first. */
  readonly sectionPath: readonly string[];
}

/**
 * The blocks of one version of a report. Persistent: an update shares everything it did
 * not touch with the version before (the id order, the lookup's base map), so typing in
 * a paragraph costs O(1) in the report's length and old versions stay valid.
 */
export interface BlockIndex {
  /** The ProseMirror doc these blocks were read from. */
  readonly doc: PMNode;
  /** Block ids in document order. */
  readonly order: readonly string[];
  readonly byId: ReadonlyMap<string, ReportBlock>;
  /** The blocks in document order (built on first use for this version). */
  readonly blocks: readonly ReportBlock[];
  /** Per top-level node of `doc`: how many blocks it gave, and the index in `order` of its first. */
  readonly counts: readonly number[];
  readonly starts: readonly number[];
  /** Blocks left out for repeating an earlier block's id (the id plugin repairs these). */
  readonly duplicates: number;
}

class Index implements BlockIndex {
  readonly doc: PMNode;
  readonly order: readonly string[];
  readonly byId: LayeredMap<ReportBlock>;
  readonly counts: readonly number[];
  readonly starts: readonly number[];
  readonly duplicates: number;
  private list: ReportBlock[] | undefined;

  constructor(doc: PMNode, order: readonly string[], byId: LayeredMap<ReportBlock>, counts: readonly number[], starts: readonly number[], duplicates: number) {
    this.doc = doc;
    this.order = order;
    this.byId = byId;
    this.counts = counts;
    this.starts = starts;
    this.duplicates = duplicates;
  }

  get blocks(): readonly ReportBlock[] {
    this.list ??= this.order.map((id) => this.byId.get(id) as ReportBlock);
    return this.list;
  }
}

function startsOf(counts: readonly number[]): number[] {
  const starts = new Array<number>(counts.length);
  let at = 0;
  counts.forEach((count, i) => {
    starts[i] = at;
    at += count;
  });
  return starts;
}

export interface BlockChanges {
  /** Blocks that are new in this version. */
  added: string[];
  /** Blocks that no longer exist. */
  removed: string[];
  /** Blocks whose text, kind or heading level changed. */
  changed: string[];
  /** True when any block's section path changed (headings added, removed, re-levelled). */
  sectionsChanged: boolean;
}

export interface Section {
  /** The heading's block id. */
  readonly id: string;
  readonly level: number;
  readonly title: string;
  /** The enclosing section, if any. */
  readonly parentId?: string;
  /** Every block of the section in order: the heading, its blocks and its subsections. */
  readonly blockIds: readonly string[];
}

const sectionCache = new WeakMap<BlockIndex, readonly Section[]>();

interface RawBlock {
  id: string;
  kind: BlockKind;
  headingLevel?: number;
  text: string;
}

function textOf(node: PMNode): string {
  return normalizeText(node.textBetween(0, node.content.size, ' ', ' '));
}

function rawBlocksOf(node: PMNode, out: RawBlock[]): void {
  const name = node.type.name;
  if (name === 'bullet_list' || name === 'ordered_list') {
    node.forEach((item) => {
      if (item.type.name === 'list_item') rawBlocksOf(item, out);
    });
    return;
  }
  if (name !== 'heading' && name !== 'paragraph' && name !== 'blockquote' && name !== 'list_item') return;
  const id = node.attrs.id;
  if (typeof id !== 'string' || id === '') return;
  const raw: RawBlock = { id, kind: name, text: textOf(node) };
  if (name === 'heading') raw.headingLevel = Number(node.attrs.level) || 1;
  out.push(raw);
}

/** Heading levels of the open sections and their ids; mutated as blocks are walked. */
interface SectionStack {
  ids: string[];
  levels: number[];
}

function pathFor(raw: RawBlock, stack: SectionStack): readonly string[] {
  if (raw.kind === 'heading') {
    const level = raw.headingLevel ?? 1;
    while (stack.levels.length > 0 && (stack.levels[stack.levels.length - 1] ?? 0) >= level) {
      stack.levels.pop();
      stack.ids.pop();
    }
    stack.ids.push(raw.id);
    stack.levels.push(level);
  }
  return stack.ids.slice();
}

function stackAfter(block: ReportBlock | undefined, byId: ReadonlyMap<string, ReportBlock>): SectionStack {
  const ids = block ? [...block.sectionPath] : [];
  return { ids, levels: ids.map((id) => byId.get(id)?.headingLevel ?? 1) };
}

function sameRaw(block: ReportBlock | undefined, raw: RawBlock): boolean {
  return !!block && block.text === raw.text && block.kind === raw.kind && block.headingLevel === raw.headingLevel;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function toBlock(raw: RawBlock, sectionPath: readonly string[], previous: ReportBlock | undefined): ReportBlock {
  if (previous && sameRaw(previous, raw) && samePath(previous.sectionPath, sectionPath)) return previous;
  const hash = previous && previous.text === raw.text ? previous.textHash : textHash(raw.text);
  const block: { -readonly [K in keyof ReportBlock]: ReportBlock[K] } = { id: raw.id, kind: raw.kind, text: raw.text, textHash: hash, sectionPath };
  if (raw.headingLevel !== undefined) block.headingLevel = raw.headingLevel;
  return block;
}

/** Reads every endorsable block of a doc (top-level structure as in shared/schema.ts). */
export function extractBlocks(doc: PMNode, previous?: BlockIndex): BlockIndex {
  const counts: number[] = [];
  const order: string[] = [];
  const byId = new Map<string, ReportBlock>();
  const stack: SectionStack = { ids: [], levels: [] };
  let duplicates = 0;
  doc.forEach((node) => {
    const raws: RawBlock[] = [];
    rawBlocksOf(node, raws);
    let count = 0;
    for (const raw of raws) {
      if (byId.has(raw.id)) {
        duplicates += 1;
        continue;
      }
      const block = toBlock(raw, pathFor(raw, stack), previous?.byId.get(raw.id));
      order.push(block.id);
      byId.set(block.id, block);
      count += 1;
    }
    counts.push(count);
  });
  return new Index(doc, order, new LayeredMap(byId), counts, startsOf(counts), duplicates);
}

/** What differs between two block lists, by id. */
export function diffBlocks(before: BlockIndex, after: BlockIndex): BlockChanges {
  const changes: BlockChanges = { added: [], removed: [], changed: [], sectionsChanged: false };
  for (const block of after.blocks) {
    const old = before.byId.get(block.id);
    if (!old) changes.added.push(block.id);
    else if (old !== block) {
      if (old.text !== block.text || old.kind !== block.kind || old.headingLevel !== block.headingLevel) changes.changed.push(block.id);
      if (!samePath(old.sectionPath, block.sectionPath)) changes.sectionsChanged = true;
    }
  }
  for (const block of before.blocks) if (!after.byId.has(block.id)) changes.removed.push(block.id);
  if (changes.added.length > 0 || changes.removed.length > 0) {
    if ([...changes.added, ...changes.removed].some((id) => (after.byId.get(id) ?? before.byId.get(id))?.kind === 'heading')) {
      changes.sectionsChanged = true;
    }
  }
  return changes;
}

function headingsOf(blocks: readonly (RawBlock | ReportBlock)[]): string {
  return blocks.filter((b) => b.kind === 'heading').map((b) => `${b.id}:${b.headingLevel}`).join('|');
}

function asLayered(index: BlockIndex): LayeredMap<ReportBlock> {
  return index.byId instanceof LayeredMap ? index.byId : new LayeredMap(new Map(index.byId));
}

/**
 * The blocks of `doc` given those of an earlier version of it: only the top-level nodes
 * that are not shared with the earlier doc are read again. The result equals
 * `extractBlocks(doc)`; `previous` stays valid.
 */
export function updateBlocks(previous: BlockIndex, doc: PMNode): { index: BlockIndex; changes: BlockChanges } {
  const oldNodes = previous.doc.content.content;
  const newNodes = doc.content.content;
  const oldCount = oldNodes.length;
  const newCount = newNodes.length;
  let start = 0;
  while (start < oldCount && start < newCount && oldNodes[start] === newNodes[start]) start += 1;
  let end = 0;
  while (end < oldCount - start && end < newCount - start && oldNodes[oldCount - 1 - end] === newNodes[newCount - 1 - end]) end += 1;
  const none: BlockChanges = { added: [], removed: [], changed: [], sectionsChanged: false };
  if (start === oldCount && start === newCount) {
    return { index: new Index(doc, previous.order, asLayered(previous), previous.counts, previous.starts, previous.duplicates), changes: none };
  }

  const blockStart = previous.starts[start] ?? previous.order.length;
  const blockEnd = previous.starts[oldCount - end] ?? previous.order.length;
  const oldMiddle = previous.order.slice(blockStart, blockEnd);
  const middleCounts: number[] = [];
  const raws: RawBlock[] = [];
  for (let i = start; i < newCount - end; i += 1) {
    const before = raws.length;
    rawBlocksOf(newNodes[i] as PMNode, raws);
    middleCounts.push(raws.length - before);
  }
  // An id that also lies outside the touched range, or twice inside it, is a duplicate
  // the id plugin is about to repair: read the whole doc, which settles who keeps it.
  const oldMiddleIds = new Set(oldMiddle);
  const seen = new Set<string>();
  let duplicate = previous.duplicates > 0;
  for (const raw of raws) {
    if (seen.has(raw.id) || (previous.byId.has(raw.id) && !oldMiddleIds.has(raw.id))) duplicate = true;
    seen.add(raw.id);
  }
  if (duplicate) {
    const index = extractBlocks(doc, previous);
    return { index, changes: diffBlocks(previous, index) };
  }

  const stack = stackAfter(blockStart > 0 ? previous.byId.get(previous.order[blockStart - 1] ?? '') : undefined, previous.byId);
  const middle = raws.map((raw) => toBlock(raw, pathFor(raw, stack), previous.byId.get(raw.id)));
  const headingsMoved = headingsOf(oldMiddle.map((id) => previous.byId.get(id) as ReportBlock)) !== headingsOf(raws);
  const updates = new Map<string, ReportBlock | null>();
  for (const id of oldMiddle) if (!seen.has(id)) updates.set(id, null);
  for (const block of middle) if (previous.byId.get(block.id) !== block) updates.set(block.id, block);
  if (headingsMoved) {
    for (let i = blockEnd; i < previous.order.length; i += 1) {
      const block = previous.byId.get(previous.order[i] ?? '') as ReportBlock;
      const next = toBlock(block, pathFor(block, stack), block);
      if (next !== block) updates.set(next.id, next);
    }
  }

  const sameIds = middle.length === oldMiddle.length && middle.every((b, i) => b.id === oldMiddle[i]);
  const order = sameIds ? previous.order : [...previous.order.slice(0, blockStart), ...middle.map((b) => b.id), ...previous.order.slice(blockEnd)];
  const sameCounts = middleCounts.length === oldCount - end - start && middleCounts.every((c, i) => c === previous.counts[start + i]);
  const counts = sameCounts ? previous.counts : [...previous.counts.slice(0, start), ...middleCounts, ...previous.counts.slice(oldCount - end)];
  const index = new Index(doc, order, asLayered(previous).with(updates), counts, sameCounts ? previous.starts : startsOf(counts), 0);

  const changes: BlockChanges = { added: [], removed: [], changed: [], sectionsChanged: headingsMoved };
  for (const block of middle) {
    const old = previous.byId.get(block.id);
    if (!old) changes.added.push(block.id);
    else if (!sameRaw(old, block)) changes.changed.push(block.id);
    if (old && !samePath(old.sectionPath, block.sectionPath)) changes.sectionsChanged = true;
  }
  for (const id of oldMiddle) if (!seen.has(id)) changes.removed.push(id);
  carrySections(previous, index, changes);
  return { index, changes };
}

/** Typing inside blocks leaves the sections as they were: keep them rather than re-derive. */
function carrySections(previous: BlockIndex, index: BlockIndex, changes: BlockChanges): void {
  const sections = sectionCache.get(previous);
  if (!sections || changes.added.length > 0 || changes.removed.length > 0 || changes.sectionsChanged) return;
  const retitled = new Set(changes.changed.filter((id) => index.byId.get(id)?.kind === 'heading'));
  sectionCache.set(index, retitled.size === 0 ? sections : sections.map((s) => (retitled.has(s.id) ? { ...s, title: index.byId.get(s.id)?.text ?? s.title } : s)));
}

/** The report's sections in document order (outer before inner), computed once per index. */
export function sectionsOf(index: BlockIndex): readonly Section[] {
  const cached = sectionCache.get(index);
  if (cached) return cached;
  const members = new Map<string, string[]>();
  for (const block of index.blocks) {
    for (const id of block.sectionPath) {
      let list = members.get(id);
      if (!list) members.set(id, (list = []));
      list.push(block.id);
    }
  }
  const sections: Section[] = [];
  for (const block of index.blocks) {
    if (block.kind !== 'heading') continue;
    const path = block.sectionPath;
    const section: { -readonly [K in keyof Section]: Section[K] } = {
      id: block.id,
      level: block.headingLevel ?? 1,
      title: block.text,
      blockIds: members.get(block.id) ?? [block.id],
    };
    if (path.length > 1) section.parentId = path[path.length - 2];
    sections.push(section);
  }
  sectionCache.set(index, sections);
  return sections;
}
