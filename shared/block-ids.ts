/**
 * Paragraph identity (DESIGN.md): every node of a type in `BLOCK_ID_TYPES` carries a
 * non-null `id`, unique in the document, on which endorsements and comments hang.
 *
 * Exports (stable):
 * - `blockIdPlugin()`        the ProseMirror plugin that keeps ids present and unique;
 * - `blockIdPluginKey`       its key; `blockIdStats(state)` exposes the id index and how
 *                            many block nodes the last transaction made it look at;
 * - `newBlockId()`           a fresh random id (12 url-safe characters, 72 bits);
 * - `derivedBlockId(seed)`   a deterministic id from a string (see "peers" below);
 * - `isBlockId(value)`       the id syntax, /^[A-Za-z0-9_-]{4,64}$/;
 * - `ensureUniqueIds(json)`  the same guarantee on ProseMirror JSON, for import and seed.
 *
 * Rules the plugin applies to the blocks a transaction touched:
 * - a block without a (valid) id gets a fresh one (Enter at the end of a block makes one);
 * - a split copies the id into both halves: the first half keeps it and the second gets a
 *   fresh one — except when the first half is empty and the second is not (Enter at the
 *   very start of a paragraph), where the text keeps its id, so an endorsement stays on
 *   the words it was given on;
 * - a paste or drop that duplicates an id elsewhere in the document gets fresh ids; the
 *   block that already had the id keeps it, so endorsements never jump to a copy. A cut
 *   and paste (or a drag that moves) keeps the id, since the original is gone.
 *
 * Performance: `appendTransaction` looks only at block nodes inside the ranges the
 * transaction changed (from the steps' maps; see block-id-ranges.ts), never the whole
 * document, and finds them from resolved positions rather than by walking the top level;
 * an id → count index kept in plugin state, updated from the same ranges, tells it whether
 * an id also lives elsewhere. The index is built by one full scan at init. A keystroke
 * costs the document's depth, not its length. (A whole-document scan per keystroke costs
 * 2.4–6.8 ms at 2,500–5,000 paragraphs; see DESIGN.md.)
 *
 * Peers: transactions that y-prosemirror makes from Yjs changes (they carry
 * `ySyncPluginKey` meta: remote updates, Yjs undo/redo, the first render) replace the
 * whole document, so their changed range is found by diffing old and new documents,
 * which is cheap because y-prosemirror reuses the nodes of unchanged blocks. When such a
 * change leaves an id duplicated (two members moved the same paragraph while offline,
 * say), every peer resolves it the same way from the merged document alone: the first
 * occurrence in document order keeps the id and the n-th further one gets
 * `derivedBlockId(id, n, its text)`. Peers that see the same merged document therefore
 * write the same ids, so nothing ping-pongs; where they saw different intermediate states
 * Yjs keeps one value per attribute and the next check settles any leftover duplicate the
 * same deterministic way. The price of determinism: when a duplicate arrives from a peer,
 * the earlier copy in the document keeps the id even if it is the newcomer (no peer can
 * tell which copy is older from the document alone). Finding all occurrences of a
 * duplicated id is a full scan, done only when a remote change really brought one. y-prosemirror does not write
 * changes appended to its own remote transactions back to Yjs (its mutex is held), so
 * after such a fix the plugin dispatches one empty transaction on the next microtask,
 * which makes y-prosemirror write the fixed ids to Yjs (`addToHistory: false`).
 *
 * While y-prosemirror renders a snapshot (a named version) the plugin does nothing: a
 * diff view legitimately shows a moved paragraph twice.
 */
import { Plugin, PluginKey, type EditorState, type Transaction } from 'prosemirror-state';
import { AddMarkStep, RemoveMarkStep, ReplaceStep } from 'prosemirror-transform';
import type { Node as PMNode } from 'prosemirror-model';
import { ySyncPluginKey } from 'y-prosemirror';
import * as random from 'lib0/random';
import { digest } from 'lib0/hash/sha256';
import { encodeUtf8 } from 'lib0/string';
import { BLOCK_ID_TYPES } from './schema.ts';
import { blocksIn, diffRanges, samePrefixPath, stepRanges, type Located, type Range } from './block-id-ranges.ts';

const ID_PATTERN = /^[A-Za-z0-9_-]{4,64}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ID_LENGTH = 12;
const idTypes = new Set(BLOCK_ID_TYPES);

export function isBlockId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** A fresh random id: 12 characters of base64url, 72 bits. */
export function newBlockId(): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[random.uint32() & 63];
  return id;
}

/** A deterministic id: the first 72 bits of SHA-256(seed), base64url. */
export function derivedBlockId(seed: string): string {
  const hash = digest(encodeUtf8(seed));
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[hash[i]! & 63];
  return id;
}

// ---------------------------------------------------------------------------------------
// Plugin state

interface IdIndex {
  counts: Map<string, number>;
  /** The plugin state this index belongs to; any other state that finds it rebuilds. */
  owner: BlockIdState | null;
}

interface BlockIdState {
  index: IdIndex;
  /** Ranges (in this state's doc) changed since the batch began and not yet checked. */
  pending: Range[];
  /** The block nodes in `pending` when one transaction made them all (saves a lookup). */
  pendingBlocks: Located[] | null;
  /** Local batches: where each id's block went (mapped from the batch's start doc). */
  origins: Map<string, number>;
  /** The batch holds y-prosemirror transactions: resolve duplicates deterministically. */
  remote: boolean;
  /** Check every block at the next chance (init found problems, or after a snapshot). */
  needsFull: boolean;
  /** y-prosemirror is showing a snapshot: leave everything alone. */
  suspended: boolean;
  /** A fix was made inside a y-prosemirror transaction: push it to Yjs. */
  flushRequested: boolean;
  /** Block nodes looked at for this batch (a test hook that proves changes stay local). */
  inspected: number;
}

export const blockIdPluginKey = new PluginKey<BlockIdState>('plenaryBlockIds');

const FIX = 'fix';
const FLUSH = 'flush';

interface YSyncMeta { snapshot?: unknown; prevSnapshot?: unknown }

function countAll(doc: PMNode): { counts: Map<string, number>; clean: boolean } {
  const counts = new Map<string, number>();
  let clean = true;
  doc.descendants((node) => {
    if (idTypes.has(node.type.name)) {
      const id: unknown = node.attrs.id;
      if (isBlockId(id)) {
        const n = (counts.get(id) ?? 0) + 1;
        counts.set(id, n);
        if (n > 1) clean = false;
      } else clean = false;
    }
    return !node.isTextblock;
  });
  return { counts, clean };
}

function adjust(counts: Map<string, number>, blocks: readonly Located[], delta: 1 | -1): void {
  for (const { node } of blocks) {
    const id: unknown = node.attrs.id;
    if (!isBlockId(id)) continue;
    const n = (counts.get(id) ?? 0) + delta;
    if (n > 0) counts.set(id, n);
    else counts.delete(id);
  }
}

function initState(doc: PMNode): BlockIdState {
  const { counts, clean } = countAll(doc);
  const state: BlockIdState = {
    index: { counts, owner: null }, pending: [], pendingBlocks: null, origins: new Map(), remote: false,
    needsFull: !clean, suspended: false, flushRequested: false, inspected: 0,
  };
  state.index.owner = state;
  return state;
}

function applyTransaction(tr: Transaction, prev: BlockIdState): BlockIdState {
  const sync = tr.getMeta(ySyncPluginKey) as YSyncMeta | undefined;
  if (sync && (sync.snapshot != null || sync.prevSnapshot != null)) {
    return { ...prev, pending: [], pendingBlocks: null, origins: new Map(), suspended: true, flushRequested: false };
  }
  if (prev.suspended) {
    // Leaving the snapshot (y-prosemirror sends snapshot: null): start over from the doc.
    if (!sync || !('snapshot' in sync)) return prev;
    const fresh: BlockIdState = { ...initState(tr.doc), needsFull: true, remote: true };
    fresh.index.owner = fresh;
    return fresh;
  }

  const isFix = tr.getMeta(blockIdPluginKey) === FIX;
  const isRoot = tr.getMeta('appendedTransaction') === undefined;
  let index = prev.index;
  let needsFull = prev.needsFull;
  if (index.owner !== prev) {
    // Someone applied a transaction to an older state: our shared index is not its own.
    index = { counts: countAll(tr.before).counts, owner: null };
  }
  let pending = isRoot ? [] : prev.pending.map((r) => ({ from: tr.mapping.map(r.from, -1), to: tr.mapping.map(r.to, 1) }));
  let origins = isRoot ? new Map<string, number>() : mapOrigins(prev.origins, tr);
  const remote = isRoot ? sync !== undefined : prev.remote || sync !== undefined;
  let inspected = isRoot ? 0 : prev.inspected;
  let pendingBlocks = isRoot ? null : prev.pendingBlocks;

  if (tr.docChanged && !sync && !isFix && changesInlineOnly(tr)) {
    // Typing: no block node appeared, disappeared or changed its attributes, so the
    // counts and the batch's origins stand and there is nothing new to check.
    if (pending.length > 0) pendingBlocks = null; // their nodes may be older than this doc
  } else if (tr.docChanged) {
    const { before, after } = sync ? diffRanges(tr.before, tr.doc) : stepRanges(tr);
    const removed = blocksIn(tr.before, before);
    // One step: the docs agree before its start, so the new doc's path comes for free.
    const single = !sync && tr.steps.length === 1 && before.length === 1 && after[0]!.from === before[0]!.from;
    const added = blocksIn(tr.doc, after, single ? samePrefixPath(tr.doc, tr.before.resolve(before[0]!.from)) : undefined);
    inspected += removed.length + added.length;
    // Add first: a block that merely changed never drops to zero and out of the map.
    adjust(index.counts, added, 1);
    adjust(index.counts, removed, -1);
    if (!isFix) {
      pendingBlocks = pending.length === 0 ? added : null;
      pending = pending.concat(after);
      if (!sync) {
        for (const { node, pos } of removed) {
          const id: unknown = node.attrs.id;
          if (isBlockId(id) && !origins.has(id)) origins.set(id, tr.mapping.map(pos, 1));
        }
      }
    }
  }
  if (isFix) {
    pending = [];
    pendingBlocks = null;
    origins = new Map();
    needsFull = false;
  }
  const next: BlockIdState = {
    index, pending, pendingBlocks, origins, remote, needsFull, suspended: false,
    flushRequested: isFix && remote, inspected,
  };
  if (isFix) next.remote = false;
  index.owner = next;
  return next;
}

/**
 * Whether every step only rewrites inline content inside one textblock (typing,
 * deleting within a paragraph, marks): then no block-id node is added, removed or given
 * other attributes. Positions are resolved in the step's own start doc, which
 * ProseMirror has usually just resolved while reading the edit.
 */
export function changesInlineOnly(tr: Transaction): boolean {
  let known = inlineOnlyByTransaction.get(tr);
  if (known === undefined) inlineOnlyByTransaction.set(tr, (known = stepsChangeInlineOnly(tr)));
  return known;
}

/** Several plugins ask about the same transaction. */
const inlineOnlyByTransaction = new WeakMap<Transaction, boolean>();

function stepsChangeInlineOnly(tr: Transaction): boolean {
  for (let i = 0; i < tr.steps.length; i++) {
    const step = tr.steps[i];
    if (step instanceof AddMarkStep || step instanceof RemoveMarkStep) continue;
    if (!(step instanceof ReplaceStep)) return false;
    const { slice, from, to } = step;
    if (slice.openStart > 0 || slice.openEnd > 0) return false;
    for (let k = 0; k < slice.content.childCount; k++) if (!slice.content.child(k).isInline) return false;
    const $from = tr.docs[i]!.resolve(from);
    if (!$from.parent.isTextblock || to > $from.end()) return false;
  }
  return true;
}

function mapOrigins(origins: Map<string, number>, tr: Transaction): Map<string, number> {
  if (origins.size === 0 || !tr.docChanged) return origins;
  const out = new Map<string, number>();
  for (const [id, pos] of origins) out.set(id, tr.mapping.map(pos, 1));
  return out;
}

// ---------------------------------------------------------------------------------------
// Deciding the fixes

interface Fix { pos: number; id: string }

function isEmptyBlock(node: PMNode): boolean {
  return node.textContent.length === 0;
}

class IdSource {
  private readonly taken = new Set<string>();
  private readonly counts: Map<string, number>;
  constructor(counts: Map<string, number>) {
    this.counts = counts;
  }
  private free(id: string): boolean {
    return !this.counts.has(id) && !this.taken.has(id);
  }
  fresh(): string {
    let id = newBlockId();
    while (!this.free(id)) id = newBlockId();
    this.taken.add(id);
    return id;
  }
  derived(id: string, occurrence: number, text: string): string {
    let salt = 0;
    let out = derivedBlockId(`${id}\u0000${occurrence}\u0000${text}`);
    while (!this.free(out)) out = derivedBlockId(`${id}\u0000${occurrence}\u0000${text}\u0000${++salt}`);
    this.taken.add(out);
    return out;
  }
}

/** Every occurrence of `ids` in document order: the full scan, only when peers collided. */
function occurrencesOf(doc: PMNode, ids: ReadonlySet<string>): Map<string, Located[]> {
  const out = new Map<string, Located[]>();
  doc.descendants((node, pos) => {
    if (idTypes.has(node.type.name)) {
      const id: unknown = node.attrs.id;
      if (typeof id === 'string' && ids.has(id)) {
        const list = out.get(id);
        if (list) list.push({ node, pos });
        else out.set(id, [{ node, pos }]);
      }
    }
    return !node.isTextblock;
  });
  return out;
}

/** The deterministic rule: the first occurrence keeps the id; the others get derived ones. */
function resolveByOrder(occurrences: Map<string, Located[]>, ids: IdSource, fixes: Fix[]): void {
  for (const [id, list] of occurrences) {
    list.slice(1).forEach(({ node, pos }, n) => fixes.push({ pos, id: ids.derived(id, n + 1, node.textContent) }));
  }
}

/** The local rule: the block that had the id keeps it (see the file's head). */
function keeperOf(list: readonly Located[], origin: number | undefined): Located {
  let keeper = list.find((b) => b.pos === origin) ?? list[0]!;
  if (isEmptyBlock(keeper.node)) keeper = list.find((b) => !isEmptyBlock(b.node)) ?? keeper;
  return keeper;
}

function planFixes(doc: PMNode, state: BlockIdState): Fix[] {
  const counts = state.index.counts;
  const ids = new IdSource(counts);
  const fixes: Fix[] = [];
  if (state.needsFull) {
    const all = blocksIn(doc, [{ from: 0, to: doc.content.size }]);
    const duplicated = new Set<string>();
    for (const { node, pos } of all) {
      const id: unknown = node.attrs.id;
      if (!isBlockId(id)) fixes.push({ pos, id: ids.fresh() });
      else if ((counts.get(id) ?? 0) > 1) duplicated.add(id);
    }
    if (duplicated.size > 0) resolveByOrder(occurrencesOf(doc, duplicated), ids, fixes);
    return fixes;
  }
  let touched = state.pendingBlocks;
  if (!touched) {
    touched = blocksIn(doc, state.pending);
    state.inspected += touched.length;
  }
  const byId = new Map<string, Located[]>();
  for (const block of touched) {
    const id: unknown = block.node.attrs.id;
    if (!isBlockId(id)) {
      fixes.push({ pos: block.pos, id: ids.fresh() });
      continue;
    }
    const list = byId.get(id);
    if (list) list.push(block);
    else byId.set(id, [block]);
  }
  const collided = new Set<string>();
  for (const [id, list] of byId) {
    const total = counts.get(id) ?? 0;
    if (total <= 1) continue;
    if (state.remote) {
      collided.add(id);
    } else if (total > list.length) {
      // Another, untouched block holds this id: it had it first.
      for (const { pos } of list) fixes.push({ pos, id: ids.fresh() });
    } else {
      const keeper = keeperOf(list, state.origins.get(id));
      for (const block of list) if (block !== keeper) fixes.push({ pos: block.pos, id: ids.fresh() });
    }
  }
  if (collided.size > 0) resolveByOrder(occurrencesOf(doc, collided), ids, fixes);
  return fixes;
}

function appendFixes(newState: EditorState): Transaction | null {
  const state = blockIdPluginKey.getState(newState);
  if (!state || state.suspended) return null;
  if (!state.needsFull && state.pending.length === 0) return null;
  const fixes = planFixes(newState.doc, state);
  if (fixes.length === 0 && !state.needsFull) return null;
  const tr = newState.tr;
  for (const fix of fixes) tr.setNodeAttribute(fix.pos, 'id', fix.id);
  return tr.setMeta(blockIdPluginKey, FIX);
}

export interface BlockIdStats {
  /** Occurrences of each id in the document, as the plugin keeps count. */
  counts: ReadonlyMap<string, number>;
  /** Block nodes the last batch of transactions made the plugin look at. */
  inspected: number;
}

export function blockIdStats(state: EditorState): BlockIdStats | undefined {
  const s = blockIdPluginKey.getState(state);
  return s && { counts: s.index.counts, inspected: s.inspected };
}

/** The plugin that keeps every block's id present and unique (see the file's head). */
export function blockIdPlugin(): Plugin<BlockIdState> {
  return new Plugin<BlockIdState>({
    key: blockIdPluginKey,
    state: {
      init: (_config, state) => initState(state.doc),
      apply: (tr, prev) => applyTransaction(tr, prev),
    },
    appendTransaction: (_trs, _oldState, newState) => appendFixes(newState),
    view: (editorView) => {
      let destroyed = false;
      const flushIfAsked = (view: typeof editorView): void => {
        if (!blockIdPluginKey.getState(view.state)?.flushRequested) return;
        // After the current dispatch (y-prosemirror's mutex) has returned.
        void Promise.resolve().then(() => {
          if (!destroyed) view.dispatch(view.state.tr.setMeta('addToHistory', false).setMeta(blockIdPluginKey, FLUSH));
        });
      };
      // A fix made while the view was being built (y-prosemirror's first render).
      flushIfAsked(editorView);
      return {
        update: flushIfAsked,
        destroy: () => {
          destroyed = true;
        },
      };
    },
  });
}

// ---------------------------------------------------------------------------------------
// The same guarantee on JSON (import, seed)

interface NodeJSON { type: string; attrs?: Record<string, unknown>; content?: NodeJSON[]; [key: string]: unknown }

/**
 * A copy of a ProseMirror JSON document in which every block-id node has a valid id,
 * unique in the document: the first occurrence keeps an id, later ones and missing or
 * malformed ones get fresh ids (from `generate`, random by default). `changed` counts
 * the ids it wrote. The input is not modified.
 */
export function ensureUniqueIds<T extends NodeJSON>(docJSON: T, generate: () => string = newBlockId): { doc: T; changed: number } {
  const seen = new Set<string>();
  let changed = 0;
  // Ids that are already valid are claimed first, so a fresh id never takes a later one's.
  const claimed = new Set<string>();
  const claim = (node: NodeJSON): void => {
    const id = node.attrs?.id;
    if (idTypes.has(node.type) && isBlockId(id)) claimed.add(id);
    node.content?.forEach(claim);
  };
  claim(docJSON);
  const visit = (node: NodeJSON): NodeJSON => {
    const copy: NodeJSON = { ...node };
    if (idTypes.has(node.type)) {
      let id = node.attrs?.id;
      if (!isBlockId(id) || seen.has(id)) {
        let tries = 0;
        do {
          if (++tries > 1000) throw new Error('ensureUniqueIds: the id generator keeps repeating itself.');
          id = generate();
        } while (!isBlockId(id) || seen.has(id) || claimed.has(id));
        changed++;
      }
      seen.add(id);
      copy.attrs = { ...node.attrs, id };
    }
    if (node.content) copy.content = node.content.map(visit);
    return copy;
  };
  return { doc: visit(docJSON) as T, changed };
}
