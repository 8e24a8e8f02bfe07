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
 * re-extracted and re-hashed. Section paths after it are recomputed only when headings
 * in the range were added, removed or changed level.
 */
import type { Node as PMNode } from 'prosemirror-model';
import { normalizeText, textHash } from './text-hash.ts';

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

export interface BlockIndex {
  readonly blocks: readonly ReportBlock[];
  readonly byId: ReadonlyMap<string, ReportBlock>;
  /** The top-level nodes these blocks were read from, and how many blocks each gave. */
  readonly nodes: readonly PMNode[];
  readonly counts: readonly number[];
  /** Blocks left out for repeating an earlier block's id (the id plugin repairs these). */
  readonly duplicates: number;
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
  const nodes: PMNode[] = [];
  const counts: number[] = [];
  const blocks: ReportBlock[] = [];
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
      blocks.push(block);
      byId.set(block.id, block);
      count += 1;
    }
    nodes.push(node);
    counts.push(count);
  });
  return { blocks, byId, nodes, counts, duplicates };
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

/**
 * The blocks of `doc` given those of an earlier version of it: only the top-level nodes
 * that are not shared with the earlier doc are read again. The result equals
 * `extractBlocks(doc)`.
 */
export function updateBlocks(previous: BlockIndex, doc: PMNode): { index: BlockIndex; changes: BlockChanges } {
  const oldNodes = previous.nodes;
  const newCount = doc.childCount;
  const oldCount = oldNodes.length;
  let start = 0;
  while (start < oldCount && start < newCount && oldNodes[start] === doc.child(start)) start += 1;
  let end = 0;
  while (end < oldCount - start && end < newCount - start && oldNodes[oldCount - 1 - end] === doc.child(newCount - 1 - end)) end += 1;
  if (start === oldCount && start === newCount) {
    return { index: previous, changes: { added: [], removed: [], changed: [], sectionsChanged: false } };
  }

  const blockStart = sum(previous.counts, 0, start);
  const blockEnd = previous.blocks.length - sum(previous.counts, oldCount - end, oldCount);
  const oldMiddle = previous.blocks.slice(blockStart, blockEnd);
  const middleNodes: PMNode[] = [];
  const middleCounts: number[] = [];
  const raws: RawBlock[] = [];
  for (let i = start; i < newCount - end; i += 1) {
    const node = doc.child(i);
    const before = raws.length;
    rawBlocksOf(node, raws);
    middleNodes.push(node);
    middleCounts.push(raws.length - before);
  }
  // An id that also lies outside the touched range, or twice inside it, is a duplicate
  // the id plugin is about to repair: read the whole doc, which settles who keeps it.
  const oldMiddleIds = new Set(oldMiddle.map((b) => b.id));
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

  const stack = stackAfter(previous.blocks[blockStart - 1], previous.byId);
  const middle = raws.map((raw) => toBlock(raw, pathFor(raw, stack), previous.byId.get(raw.id)));
  const headingsMoved = headingsOf(oldMiddle) !== headingsOf(raws);
  const byId = new Map(previous.byId);
  for (const block of oldMiddle) byId.delete(block.id);
  for (const block of middle) byId.set(block.id, block);
  let suffix = previous.blocks.slice(blockEnd);
  if (headingsMoved) {
    suffix = suffix.map((block) => {
      const next = toBlock(block, pathFor(block, stack), block);
      byId.set(next.id, next);
      return next;
    });
  }
  const index: BlockIndex = {
    blocks: [...previous.blocks.slice(0, blockStart), ...middle, ...suffix],
    byId,
    nodes: [...oldNodes.slice(0, start), ...middleNodes, ...oldNodes.slice(oldCount - end)],
    counts: [...previous.counts.slice(0, start), ...middleCounts, ...previous.counts.slice(oldCount - end)],
    duplicates: 0,
  };
  const changes: BlockChanges = { added: [], removed: [], changed: [], sectionsChanged: headingsMoved };
  for (const block of middle) {
    const old = previous.byId.get(block.id);
    if (!old) changes.added.push(block.id);
    else if (!sameRaw(old, block)) changes.changed.push(block.id);
    if (old && !samePath(old.sectionPath, block.sectionPath)) changes.sectionsChanged = true;
  }
  for (const block of oldMiddle) if (!byId.has(block.id)) changes.removed.push(block.id);
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

function sum(values: readonly number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i += 1) total += values[i] ?? 0;
  return total;
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
