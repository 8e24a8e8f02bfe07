/**
 * Renders only the top-level blocks near the viewport (and the ones holding the
 * selection); every other block is an empty placeholder (block-views.ts).
 *
 * Why: typing cost in a contenteditable grows with the number of top-level elements the
 * browser lays out — at 5,000 paragraphs, Chromium's native edit, style, layout and
 * `content-visibility` bookkeeping cost ~40 ms a key against ~10 at 500 (RESULTS.md,
 * "Editor"). With ~100 rendered blocks and hidden placeholders, a 5,000-paragraph
 * report types like a 500-paragraph one.
 *
 * How: the plugin state holds the rendered range of top-level indices and the rendered
 * blocks' nodes, which the node views consult; when a block enters or leaves the range,
 * a one-transaction node decoration on it makes ProseMirror ask its view to update, and
 * the view redraws itself. Placeholders are `display: none`, except the last one
 * of each run, which becomes a spacer as tall as the run (BlockHeights: measured where the
 * block was once rendered, estimated from its length otherwise), so the page keeps its
 * height and the scroll bar its meaning. The range follows scrolling (one pass per
 * animation frame) and is re-measured whenever the block structure changes.
 *
 * Limits: text far from the viewport is not in the DOM, so the browser's own find in
 * page and a screen reader's virtual cursor see the rendered part only (the caret moving
 * through the report brings its surroundings in).
 */
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from 'prosemirror-state';
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view';
import type { Node as PMNode } from 'prosemirror-model';
import { ySyncPluginKey } from 'y-prosemirror';
import { BlockHeights } from './block-heights.ts';
import { PLACEHOLDER_CLASS } from './block-views.ts';

/** Top-level block indices [from, to). */
export interface BlockRange { from: number; to: number }

interface WindowState {
  range: BlockRange;
  /** Rendered block indices, ascending: the range plus the selection's blocks. */
  live: number[];
  /** The rendered blocks' nodes, which is what a node view asks (block-views.ts). */
  liveNodes: ReadonlySet<PMNode>;
  /**
   * Only for the transaction that changed which blocks are rendered: a node decoration
   * on each block that changes mode without changing itself, so that ProseMirror asks its
   * view to update (and the view redraws itself as block or placeholder). Empty while
   * typing: decorations on top-level blocks cost ProseMirror a pass over all of them for
   * every block on every update (DecorationSet.forChild).
   */
  decorations: DecorationSet;
}

export const blockWindowKey = new PluginKey<WindowState>('plenary-block-window');

/** Blocks rendered before the first measurement (a screenful and more on any display). */
const INITIAL_BLOCKS = 60;
/**
 * Reports up to this length are rendered whole: they type fast anyway, and the browser's
 * find in page and screen readers see all of their text.
 */
export const RENDER_WHOLE_UP_TO = 200;
const WHOLE: BlockRange = { from: 0, to: Number.MAX_SAFE_INTEGER };
/** Rendered beyond the viewport on each side, in viewport heights. */
const MARGIN_SCREENS = 1;
/** The range is moved once the viewport comes closer than this to its edge. */
const SLACK_SCREENS = 0.4;
const SPACER_CLASS = 'block-spacer';
const POKE = 'plenaryRenderModeChanged';

function liveIndices(doc: PMNode, range: BlockRange, state: Pick<EditorState, 'selection'>): number[] {
  if (doc.childCount <= RENDER_WHOLE_UP_TO) range = WHOLE;
  const from = Math.min(range.from, doc.childCount);
  const to = Math.min(range.to, doc.childCount);
  const live = new Set<number>();
  for (let i = from; i < to; i++) live.add(i);
  const { $anchor, $head } = state.selection;
  for (const index of [$anchor.index(0), $head.index(0)]) if (index < doc.childCount) live.add(index);
  return [...live].sort((a, b) => a - b);
}

let generation = 0;

/** Pokes every block whose rendered mode differs from what its node view was drawn as. */
function pokes(doc: PMNode, live: number[], before: ReadonlySet<PMNode>): DecorationSet {
  const decorations: Decoration[] = [];
  const wanted = new Set(live);
  const spec = { [POKE]: ++generation };
  let pos = 0;
  for (let i = 0; i < doc.childCount; i++) {
    const node = doc.child(i);
    // An unchanged node keeps its view: poke it if its mode flips. A changed node gets
    // update() from ProseMirror anyway; poking a newly rendered one does no harm.
    if (wanted.has(i) !== before.has(node)) decorations.push(Decoration.node(pos, pos + node.nodeSize, {}, spec));
    pos += node.nodeSize;
  }
  return decorations.length ? DecorationSet.create(doc, decorations) : DecorationSet.empty;
}

function nodesAt(doc: PMNode, live: number[]): Set<PMNode> {
  return new Set(live.map((i) => doc.child(i)));
}

function sameList(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function applyWindow(tr: Transaction, value: WindowState, _old: EditorState, state: EditorState): WindowState {
  const range = (tr.getMeta(blockWindowKey) as BlockRange | undefined) ?? value.range;
  if (range === value.range && tr.docChanged && state.doc.childCount === tr.before.childCount && !fromPeer(tr) && holdsOnlyRange(value, state)) {
    // Typing: the caret's blocks are inside the range, so the same blocks stay rendered.
    return { range, live: value.live, liveNodes: replaceChanged(value, tr.before, state.doc), decorations: DecorationSet.empty };
  }
  const live = liveIndices(state.doc, range, state);
  const same = range === value.range && sameList(live, value.live);
  if (same && !tr.docChanged) return value.decorations === DecorationSet.empty ? value : { ...value, decorations: DecorationSet.empty };
  // Typing inside rendered blocks: the same blocks stay rendered, only their nodes change.
  if (same && state.doc.childCount === tr.before.childCount && !fromPeer(tr)) {
    return { range, live: value.live, liveNodes: replaceChanged(value, tr.before, state.doc), decorations: DecorationSet.empty };
  }
  return { range, live: same ? value.live : live, liveNodes: nodesAt(state.doc, live), decorations: pokes(state.doc, live, value.liveNodes) };
}

/** Whether the rendered blocks are exactly the range, and it holds the selection's blocks. */
function holdsOnlyRange(value: WindowState, state: EditorState): boolean {
  const count = state.doc.childCount;
  const range = count <= RENDER_WHOLE_UP_TO ? WHOLE : value.range;
  const from = Math.min(range.from, count);
  const to = Math.min(range.to, count);
  if (value.live.length !== to - from || value.live[0] !== from) return false;
  const { $anchor, $head } = state.selection;
  const anchor = $anchor.index(0);
  const head = $head.index(0);
  return anchor >= from && anchor < to && head >= from && head < to;
}

/** The rendered nodes, with the blocks this transaction replaced swapped for their new versions. */
function replaceChanged(value: WindowState, before: PMNode, doc: PMNode): ReadonlySet<PMNode> {
  let nodes: Set<PMNode> | null = null;
  for (const i of value.live) {
    const node = doc.child(i);
    const old = before.child(i);
    if (node === old) continue;
    nodes ??= new Set(value.liveNodes);
    nodes.delete(old);
    nodes.add(node);
  }
  return nodes ?? value.liveNodes;
}

function fromPeer(tr: Transaction): boolean {
  return Boolean((tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin);
}

/** Whether `node` is a top-level block that is rendered now (block-views.ts asks). */
export function isRenderedBlock(state: EditorState, node: PMNode): boolean {
  return blockWindowKey.getState(state)?.liveNodes.has(node) ?? true;
}

/** The rendered top-level blocks' indices, ascending (for views that draw beside them). */
export function renderedBlocks(state: EditorState): readonly number[] {
  return blockWindowKey.getState(state)?.live ?? [];
}

class WindowView {
  private readonly view: EditorView;
  private readonly heights: BlockHeights;
  private frame = 0;
  private spacers = new Set<HTMLElement>();
  private readonly onScroll = (): void => this.schedule();

  constructor(view: EditorView) {
    this.view = view;
    const style = getComputedStyle(view.dom);
    const fontSize = parseFloat(style.fontSize) || 18;
    const lineHeight = parseFloat(style.lineHeight) || fontSize * 1.6;
    const measure = view.dom.clientWidth || fontSize * 34;
    this.heights = new BlockHeights({ lineHeight, gap: fontSize * 0.85, charsPerLine: Math.max(20, Math.round(measure / (fontSize * 0.47))) });
    window.addEventListener('scroll', this.onScroll, { passive: true });
    window.addEventListener('resize', this.onScroll, { passive: true });
    this.schedule();
  }

  update(view: EditorView, previous: EditorState): void {
    const before = blockWindowKey.getState(previous);
    const now = blockWindowKey.getState(view.state);
    if (now && before?.live !== now.live) {
      // Before ProseMirror scrolls to the selection (right after this): a block that just
      // became rendered far from the others must already stand at its place in the page.
      const doc = view.state.doc;
      this.sizeSpacers(doc, now.live, doc.childCount <= RENDER_WHOLE_UP_TO ? [] : this.modelTops(doc));
      this.schedule();
    } else if (spacersStale(view.state, previous)) this.schedule();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    window.removeEventListener('scroll', this.onScroll);
    window.removeEventListener('resize', this.onScroll);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.refresh();
    });
  }

  /** Measures the rendered blocks, moves the range if the viewport neared its edge, and sizes the spacers. */
  private refresh(): void {
    const { view } = this;
    if (!view.dom.isConnected) return;
    const state = blockWindowKey.getState(view.state);
    if (!state) return;
    const doc = view.state.doc;
    if (doc.childCount <= RENDER_WHOLE_UP_TO) {
      this.sizeSpacers(doc, state.live, []);
      return;
    }
    this.measure(doc, state.live);
    const tops = this.modelTops(doc);
    const editorTop = view.dom.getBoundingClientRect().top;
    const screen = window.innerHeight;
    const visibleFrom = -editorTop;
    const visibleTo = visibleFrom + screen;
    const covered = (low: number, high: number): boolean =>
      tops[state.range.from]! <= Math.max(0, low) && tops[Math.min(state.range.to, doc.childCount)]! >= Math.min(tops[doc.childCount]!, high);
    if (!covered(visibleFrom - SLACK_SCREENS * screen, visibleTo + SLACK_SCREENS * screen)) {
      const range = rangeFor(tops, visibleFrom - MARGIN_SCREENS * screen, visibleTo + MARGIN_SCREENS * screen);
      if (range.from !== state.range.from || range.to !== state.range.to) {
        view.dispatch(view.state.tr.setMeta(blockWindowKey, range).setMeta('addToHistory', false));
        // Sized now from the model, so no frame shows a gap; the next frame measures the
        // newly rendered blocks (scheduled by update()) and corrects the estimates.
        this.sizeSpacers(doc, blockWindowKey.getState(view.state)!.live, tops);
        return;
      }
    }
    this.sizeSpacers(doc, state.live, tops);
  }

  private measure(doc: PMNode, live: number[]): void {
    const elements = live.map((i) => (i < doc.childCount ? topLevelElement(this.view, doc, i) : undefined));
    const boxes = elements.map((element) => element?.getBoundingClientRect());
    for (let k = 0; k < live.length; k++) {
      const i = live[k]!;
      const element = elements[k];
      const box = boxes[k];
      if (!box || !element || element.classList.contains(PLACEHOLDER_CLASS)) continue;
      let nextTop = box.bottom + this.heights.metrics.gap;
      if (live[k + 1] === i + 1 && boxes[k + 1]) nextTop = boxes[k + 1]!.top;
      else if (i + 1 < doc.childCount) {
        const next = topLevelElement(this.view, doc, i + 1);
        if (next && this.spacers.has(next)) nextTop = next.getBoundingClientRect().top;
      }
      this.heights.record(doc.child(i), nextTop - box.top);
    }
  }

  /** Top of every block in the height model, plus the end (index childCount). */
  private modelTops(doc: PMNode): number[] {
    const tops = new Array<number>(doc.childCount + 1);
    let y = 0;
    for (let i = 0; i < doc.childCount; i++) {
      tops[i] = y;
      y += this.heights.heightOf(doc.child(i));
    }
    tops[doc.childCount] = y;
    return tops;
  }

  /**
   * Placeholders are hidden by CSS; the last one of each run of them becomes a spacer as
   * tall as the whole run.
   */
  private sizeSpacers(doc: PMNode, live: number[], tops: number[]): void {
    const wanted = new Set<HTMLElement>();
    let runStart = 0;
    for (const i of [...live, doc.childCount]) {
      if (i > runStart) {
        const spacer = topLevelElement(this.view, doc, i - 1);
        if (spacer?.classList.contains(PLACEHOLDER_CLASS)) {
          wanted.add(spacer);
          const height = `${Math.round(tops[i]! - tops[runStart]!)}px`;
          if (!spacer.classList.contains(SPACER_CLASS)) spacer.classList.add(SPACER_CLASS);
          if (spacer.style.height !== height) spacer.style.height = height;
        }
      }
      runStart = i + 1;
    }
    for (const old of this.spacers) {
      if (!wanted.has(old)) {
        old.classList.remove(SPACER_CLASS);
        old.style.height = '';
      }
    }
    this.spacers = wanted;
  }
}

/**
 * The DOM element of top-level block `index`: the editor's child of that index, unless a
 * widget between blocks (the gap cursor) shifts the children.
 */
export function topLevelElement(view: EditorView, doc: PMNode, index: number): HTMLElement | undefined {
  const children = view.dom.children;
  if (children.length === doc.childCount) return children[index] as HTMLElement | undefined;
  let pos = 0;
  for (let k = 0; k < index; k++) pos += doc.child(k).nodeSize;
  const element = view.nodeDOM(pos);
  return element instanceof HTMLElement ? element : undefined;
}

/**
 * Whether the spacers may need new heights: the block structure changed, or another
 * peer's (or undo's) change arrived, which may have touched blocks that are not rendered.
 * Local typing happens in a rendered block and needs nothing.
 */
function spacersStale(state: EditorState, previous: EditorState): boolean {
  if (state.doc === previous.doc) return false;
  return state.doc.childCount !== previous.doc.childCount || Boolean((ySyncPluginKey.getState(state) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin);
}

/** The blocks whose model boxes meet [low, high]. */
function rangeFor(tops: number[], low: number, high: number): BlockRange {
  const count = tops.length - 1;
  let from = 0;
  while (from < count - 1 && tops[from + 1]! <= low) from++;
  let to = from;
  while (to < count && tops[to]! < high) to++;
  return { from, to: Math.max(to, from + 1) };
}

/** Ctrl+Home / Ctrl+End reach the report's ends, not just the rendered part's. */
function moveToEnd(toEnd: boolean) {
  return (state: EditorState, dispatch?: (tr: Transaction) => void): boolean => {
    const selection = toEnd ? TextSelection.atEnd(state.doc) : TextSelection.atStart(state.doc);
    dispatch?.(state.tr.setSelection(selection).scrollIntoView());
    return true;
  };
}

export const windowKeys = { 'Mod-Home': moveToEnd(false), 'Mod-End': moveToEnd(true) };

export function blockWindowPlugin(): Plugin<WindowState> {
  return new Plugin<WindowState>({
    key: blockWindowKey,
    state: {
      init: (_config, state) => {
        const range = { from: 0, to: INITIAL_BLOCKS };
        const live = liveIndices(state.doc, range, state);
        return { range, live, liveNodes: nodesAt(state.doc, live), decorations: DecorationSet.empty };
      },
      apply: applyWindow,
    },
    props: { decorations: (state) => blockWindowKey.getState(state)?.decorations },
    view: (view) => new WindowView(view),
  });
}
