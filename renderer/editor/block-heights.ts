/**
 * How tall each top-level block is on screen, for the blocks that are not rendered
 * (block-window.ts): measured while a block was rendered, estimated from its length
 * otherwise.
 *
 * Measurements are keyed by the ProseMirror node itself: an unchanged block keeps its
 * node object from one document to the next, so its height stays known; an edited
 * block gets a new node and is re-estimated (scaled from the old measure when there was
 * one) until it is rendered again. No ids needed, nothing to clean up.
 */
import type { Node as PMNode } from 'prosemirror-model';

export interface TextMetrics {
  /** Line height of body text, px. */
  lineHeight: number;
  /** Space below a paragraph, px. */
  gap: number;
  /** Characters of body text on a full line. */
  charsPerLine: number;
}

export class BlockHeights {
  private readonly measured = new WeakMap<PMNode, number>();
  /** The last measure of a block, by id, for scaling after an edit. */
  private readonly lastById = new Map<string, { height: number; size: number }>();
  metrics: TextMetrics;

  constructor(metrics: TextMetrics) {
    this.metrics = metrics;
  }

  record(node: PMNode, height: number): void {
    if (!(height > 0)) return;
    this.measured.set(node, height);
    const id = node.attrs.id as string | undefined;
    if (id) this.lastById.set(id, { height, size: node.content.size });
  }

  heightOf(node: PMNode): number {
    const known = this.measured.get(node);
    if (known !== undefined) return known;
    const id = node.attrs.id as string | undefined;
    const last = id ? this.lastById.get(id) : undefined;
    if (last && last.size > 0) return Math.max(this.metrics.lineHeight, (last.height * node.content.size) / last.size);
    return this.estimate(node);
  }

  private estimate(node: PMNode): number {
    const { lineHeight, gap, charsPerLine } = this.metrics;
    const lines = (size: number): number => Math.max(1, Math.ceil(size / charsPerLine));
    switch (node.type.name) {
      case 'heading':
        return lines(node.content.size) * lineHeight * 1.2 + 2.5 * gap;
      case 'bullet_list':
      case 'ordered_list':
      case 'blockquote': {
        let total = gap;
        node.forEach((child) => (total += lines(child.content.size) * lineHeight + gap / 2));
        return total;
      }
      default:
        return lines(node.content.size) * lineHeight + gap;
    }
  }
}
