/**
 * The stance gutter: beside every block a row of chips, one per stakeholder group.
 *
 * Not a decoration: a widget in every block costs O(N²) per keystroke in ProseMirror
 * (DESIGN.md). The gutter is an overlay column next to the editor, positioned from the
 * blocks' own DOM (`data-block-id`), holding rows only for the blocks on screen (and a
 * screen's height around them). A layout pass, at most once per animation frame, finds
 * the visible top-level blocks by binary search over their boxes and places their rows;
 * it runs on scroll, resize and after transactions. A row's chips are rebuilt only when
 * the engine names its block as changed (or everything changed: rule, roster).
 */
import type { EditorView } from 'prosemirror-view';
import type { ColumnState } from '../../shared/consensus/rules.ts';
import type { EngineChange } from '../../shared/consensus/engine.ts';
import type { LiveConsensus } from './live-consensus.ts';
import { chip, stateSentence } from './chips.ts';
import { renderedBlocks, topLevelElement } from '../editor/block-window.ts';

/** Rows are kept this far above and below the viewport, so scrolling shows no gaps. */
const MARGIN_PX = 600;

interface Row {
  element: HTMLButtonElement;
  /** Columns and states the chips show, to skip redundant rebuilds. */
  shown: string;
  /** Label and states the accessible name was made from. */
  named: string;
  top: number;
}

export function blockLabel(element: Element | null): string {
  if (!element) return 'Block';
  const top = element.closest('.ProseMirror > *');
  const num = top?.getAttribute('data-num');
  const kind = element.tagName.toLowerCase();
  if (/^h[1-6]$/.test(kind)) return num ? `Heading ${num}` : 'Heading';
  if (kind === 'li') {
    const items = Array.from(element.parentElement?.children ?? []);
    const letter = String.fromCharCode(97 + Math.max(0, items.indexOf(element)) % 26);
    return num ? `Paragraph ${num} (${letter})` : `List item (${letter})`;
  }
  if (kind === 'blockquote') return num ? `Quotation ${num}` : 'Quotation';
  return num ? `Paragraph ${num}` : 'Paragraph';
}

export class StanceGutter {
  readonly element: HTMLElement;
  private readonly head: HTMLElement;
  private readonly view: EditorView;
  private readonly live: LiveConsensus;
  private readonly open: (blockId: string) => void;
  private readonly rows = new Map<string, Row>();
  private frame = 0;
  private readonly resize: ResizeObserver;
  /** First-line offsets by tag: reading computed styles for every row each frame would cost a style pass. */
  private readonly offsets = new Map<string, number>();
  /** The block whose panel is open, marked in its row. */
  private openId: string | null = null;

  constructor(host: HTMLElement, view: EditorView, live: LiveConsensus, open: (blockId: string) => void) {
    this.view = view;
    this.live = live;
    this.open = open;
    this.element = document.createElement('div');
    this.element.className = 'stance-gutter';
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Stances of the stakeholder groups, paragraph by paragraph');
    this.head = document.createElement('div');
    this.head.className = 'stance-gutter-head';
    this.head.setAttribute('aria-hidden', 'true');
    this.element.append(this.head);
    host.append(this.element);
    this.renderHead();
    live.subscribe(this.onChange);
    window.addEventListener('scroll', this.schedule, { passive: true });
    window.addEventListener('resize', this.onResize);
    this.resize = new ResizeObserver(this.schedule);
    this.resize.observe(view.dom);
    this.schedule();
  }

  /** After every editor transaction: positions may have moved. */
  readonly schedule = (): void => {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.layout();
    });
  };

  private readonly onResize = (): void => {
    this.offsets.clear();
    this.schedule();
  };

  /** Marks the row of the block whose panel is open (null: none). */
  markOpen(blockId: string | null): void {
    this.openId = blockId;
    for (const [id, row] of this.rows) row.element.classList.toggle('is-open', id === blockId);
  }

  private readonly onChange = (change: EngineChange): void => {
    if (change.all) {
      this.renderHead();
      for (const [id, row] of this.rows) this.fill(id, row);
    } else {
      for (const id of change.blocks) {
        const row = this.rows.get(id);
        if (row) this.fill(id, row);
      }
    }
    this.schedule();
  };

  private renderHead(): void {
    this.head.replaceChildren(...this.live.engine.columns.map((column) => {
      const label = document.createElement('span');
      label.textContent = column.short;
      label.title = column.label;
      return label;
    }));
  }

  /**
   * Visible top-level blocks: binary search among the rendered ones (block-window.ts;
   * placeholders have no box) for the first, then walk down the screen.
   */
  private visibleBlocks(): HTMLElement[] {
    const rendered = renderedBlocks(this.view.state);
    const elementAt = (k: number): HTMLElement | undefined => topLevelElement(this.view, this.view.state.doc, rendered[k]!);
    const low = -MARGIN_PX;
    const high = window.innerHeight + MARGIN_PX;
    let lo = 0;
    let hi = rendered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((elementAt(mid)?.getBoundingClientRect().bottom ?? 0) < low) lo = mid + 1;
      else hi = mid;
    }
    const out: HTMLElement[] = [];
    for (let k = lo; k < rendered.length; k++) {
      const child = elementAt(k);
      if (!child) continue;
      if (child.getBoundingClientRect().top > high) break;
      if (child.dataset.blockId) out.push(child);
      else if (child.tagName === 'UL' || child.tagName === 'OL') {
        for (const item of Array.from(child.children)) if (item instanceof HTMLElement && item.dataset.blockId) out.push(item);
      }
    }
    return out;
  }

  private layout(): void {
    const origin = this.element.getBoundingClientRect().top;
    const seen = new Set<string>();
    for (const block of this.visibleBlocks()) {
      const id = block.dataset.blockId as string;
      if (seen.has(id) || !this.live.engine.result(id)) continue;
      seen.add(id);
      let row = this.rows.get(id);
      if (!row) {
        row = this.createRow(id);
        this.rows.set(id, row);
        this.fill(id, row);
      }
      const top = Math.round(block.getBoundingClientRect().top - origin + this.lineOffset(block));
      if (row.top !== top) {
        row.top = top;
        row.element.style.transform = `translateY(${top}px)`;
      }
      const label = blockLabel(block);
      if (row.element.dataset.label !== label) {
        row.element.dataset.label = label;
        this.fill(id, row);
      }
    }
    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.element.remove();
        this.rows.delete(id);
      }
    }
  }

  /** Centres the chips on the block's first line. */
  private lineOffset(block: HTMLElement): number {
    const tag = block.tagName;
    let offset = this.offsets.get(tag);
    if (offset === undefined) {
      const style = getComputedStyle(block);
      const line = parseFloat(style.lineHeight) || 28;
      const padding = parseFloat(style.paddingTop) || 0;
      offset = padding + Math.max(0, (line - 20) / 2);
      this.offsets.set(tag, offset);
    }
    return offset;
  }

  private createRow(id: string): Row {
    const element = document.createElement('button');
    element.type = 'button';
    element.className = 'stance-row';
    element.tabIndex = -1;
    element.dataset.blockId = id;
    if (id === this.openId) element.classList.add('is-open');
    element.addEventListener('click', () => this.open(id));
    this.element.append(element);
    return { element, shown: '', named: '', top: Number.NaN };
  }

  /**
   * Chips are rebuilt only when the states change; a block renumbered by an edit above it
   * (every visible block after a new paragraph) only gets its accessible name redone.
   */
  private fill(id: string, row: Row): void {
    const result = this.live.engine.result(id);
    const columns = this.live.engine.columns;
    const states: readonly ColumnState[] = result?.states ?? columns.map(() => 'nobody');
    const shown = columns.map((column, i) => `${column.id}:${column.label}:${states[i] ?? 'nobody'}`).join('|');
    const named = `${row.element.dataset.label ?? 'Block'}|${shown}`;
    if (named === row.named) return;
    row.named = named;
    if (shown !== row.shown) {
      row.shown = shown;
      row.element.replaceChildren(...columns.map((column, i) => chip(column, states[i] ?? 'nobody')));
      row.element.dataset.states = states.join(',');
    }
    const sentences = columns.map((column, i) => stateSentence(column, states[i] ?? 'nobody'));
    row.element.setAttribute('aria-label', `${row.element.dataset.label ?? 'Block'}, stances: ${sentences.join('; ')}. Open the stances panel.`);
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    window.removeEventListener('scroll', this.schedule);
    window.removeEventListener('resize', this.onResize);
    this.resize.disconnect();
    this.element.remove();
  }
}
