/**
 * Where a transaction changed the document, and which block-id nodes lie there: the
 * part of paragraph identity (block-ids.ts) that keeps its cost proportional to the
 * change, not to the document.
 *
 * - `stepRanges(tr)`: changed ranges in the start and end docs, from the steps' maps
 *   (attribute steps, which map nothing, count as a change of their node);
 * - `diffRanges(a, b)`: the changed range between two docs (for y-prosemirror, which
 *   replaces the whole doc but shares the nodes of unchanged blocks);
 * - `blocksIn(doc, ranges)`: block-id nodes overlapping the ranges, starting from the
 *   resolved position, never walking the document from its first block;
 * - `samePrefixPath(doc, $ref)`: a resolved path in a doc that equals `$ref.doc` before
 *   `$ref.pos`, taken by child index for the cost of the depth.
 */
import type { Transaction } from 'prosemirror-state';
import { AttrStep, Mapping } from 'prosemirror-transform';
import type { Node as PMNode, ResolvedPos } from 'prosemirror-model';
import { BLOCK_ID_TYPES } from './schema.ts';

const idTypes = new Set(BLOCK_ID_TYPES);

export interface Range { from: number; to: number }
export interface Located { node: PMNode; pos: number }

/** The parts of a ResolvedPos that `blocksIn` uses. */
export interface PathLike {
  readonly depth: number;
  node(depth: number): PMNode;
  index(depth: number): number;
  before(depth: number): number;
  after(depth: number): number;
}

/**
 * The path to `$ref.pos` in `doc`, a document that is identical to `$ref.doc` before that
 * position (the document after a single step that starts there). Taken by child index
 * from the other document's resolved position, so it costs the depth, where a fresh
 * `doc.resolve` walks every top-level block before the position.
 */
export function samePrefixPath(doc: PMNode, $ref: ResolvedPos): PathLike {
  const nodes = [doc];
  for (let d = 0; d < $ref.depth; d++) nodes.push(nodes[d]!.child($ref.index(d)));
  return {
    depth: $ref.depth,
    node: (d) => nodes[d]!,
    index: (d) => $ref.index(d),
    before: (d) => $ref.before(d),
    after: (d) => $ref.before(d) + nodes[d]!.nodeSize,
  };
}

/**
 * Block-id nodes overlapping `ranges` — the nodes `nodesBetween` would visit, block
 * ancestors included — deduplicated, in document order. It starts from the resolved
 * position instead of walking the top level from the first block, so a keystroke costs
 * the depth of the document, not its length (ProseMirror caches the resolve).
 */
export function blocksIn(doc: PMNode, ranges: readonly Range[], firstPath?: PathLike): Located[] {
  const seen = new Set<number>();
  const out: Located[] = [];
  const add = (node: PMNode, pos: number): void => {
    if (idTypes.has(node.type.name) && !seen.has(pos)) {
      seen.add(pos);
      out.push({ node, pos });
    }
  };
  const addFrom = (node: PMNode, pos: number, to: number): void => {
    add(node, pos);
    if (node.isTextblock) return; // inline content holds no blocks
    let childPos = pos + 1;
    for (let i = 0; i < node.childCount && childPos < to; i++) {
      const child = node.child(i);
      addFrom(child, childPos, to);
      childPos += child.nodeSize;
    }
  };
  const size = doc.content.size;
  for (const range of ranges) {
    const from = Math.max(0, Math.min(range.from, size));
    const to = Math.max(from, Math.min(range.to, size));
    const $from: PathLike = range === ranges[0] && firstPath ? firstPath : doc.resolve(from);
    for (let d = 1; d <= $from.depth; d++) add($from.node(d), $from.before(d));
    if (to === from) continue;
    // Nodes that start inside [from, to): the siblings after `from`, deepest level first.
    for (let d = $from.depth; d >= 0; d--) {
      const parent = $from.node(d);
      if (parent.isTextblock) continue;
      let index = d === $from.depth ? $from.index(d) : $from.index(d) + 1;
      let pos = d === $from.depth ? from : $from.after(d + 1);
      for (; index < parent.childCount && pos < to; index++) {
        const child = parent.child(index);
        addFrom(child, pos, to);
        pos += child.nodeSize;
      }
      if (pos >= to) break;
    }
  }
  if (ranges.length > 1) out.sort((a, b) => a.pos - b.pos);
  return out;
}

/** Changed ranges of a transaction in its start doc (`before`) and end doc (`after`). */
export function stepRanges(tr: Transaction): { before: Range[]; after: Range[] } {
  const before: Range[] = [];
  const after: Range[] = [];
  const maps = tr.mapping.maps;
  for (let i = 0; i < maps.length; i++) {
    const forward = tr.mapping.slice(i + 1);
    let backward: Mapping | null = null;
    const add = (oldFrom: number, oldTo: number, newFrom: number, newTo: number): void => {
      after.push({ from: forward.map(newFrom, -1), to: forward.map(newTo, 1) });
      // (Mapping.slice(…).invert() would invert every map, not the slice.)
      backward ??= new Mapping(maps.slice(0, i)).invert();
      before.push({ from: backward.map(oldFrom, -1), to: backward.map(oldTo, 1) });
    };
    const step = tr.steps[i];
    // An attribute step changes one node and maps nothing.
    if (step instanceof AttrStep) add(step.pos, step.pos + 1, step.pos, step.pos + 1);
    else maps[i]!.forEach(add);
  }
  return { before, after };
}

/** The changed range between two documents (y-prosemirror replaces the whole doc). */
export function diffRanges(oldDoc: PMNode, newDoc: PMNode): { before: Range[]; after: Range[] } {
  const start = oldDoc.content.findDiffStart(newDoc.content);
  if (start === null) return { before: [], after: [] };
  let { a: endOld, b: endNew } = oldDoc.content.findDiffEnd(newDoc.content) ?? { a: start, b: start };
  const overlap = start - Math.min(endOld, endNew);
  if (overlap > 0) {
    endOld += overlap;
    endNew += overlap;
  }
  return { before: [{ from: start, to: endOld }], after: [{ from: start, to: endNew }] };
}
