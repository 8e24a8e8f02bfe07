/**
 * The height model behind the editor's rendered window (renderer/editor/block-heights.ts):
 * the spacers that stand for unrendered blocks take their heights from it, so the page
 * keeps the report's length and the scroll position its meaning.
 */
import { describe, expect, test } from 'vitest';
import { schema } from '../../shared/schema.ts';
import { BlockHeights } from '../../renderer/editor/block-heights.ts';

const metrics = { lineHeight: 29, gap: 15, charsPerLine: 70 };
const paragraph = (id: string, text: string) => schema.nodes.paragraph!.create({ id }, text ? schema.text(text) : null);

describe('BlockHeights', () => {
  test('estimates an unrendered paragraph from its length: one line, then one more per line of text', () => {
    const heights = new BlockHeights(metrics);
    expect(heights.heightOf(paragraph('a', ''))).toBe(29 + 15);
    expect(heights.heightOf(paragraph('b', 'x'.repeat(70)))).toBe(29 + 15);
    expect(heights.heightOf(paragraph('c', 'x'.repeat(71)))).toBe(2 * 29 + 15);
    expect(heights.heightOf(paragraph('d', 'x'.repeat(700)))).toBe(10 * 29 + 15);
  });

  test('a list is as tall as its items', () => {
    const heights = new BlockHeights(metrics);
    const item = (id: string) => schema.nodes.list_item!.create({ id }, paragraph(`${id}p`, 'x'.repeat(100)));
    const list = schema.nodes.bullet_list!.create(null, [item('i1'), item('i2'), item('i3')]);
    const one = schema.nodes.bullet_list!.create(null, [item('j1')]);
    expect(heights.heightOf(list) - heights.heightOf(one)).toBeCloseTo(2 * heights.heightOf(one) - 2 * metrics.gap, 5);
  });

  test('a measured block keeps its measure while unchanged', () => {
    const heights = new BlockHeights(metrics);
    const node = paragraph('a', 'x'.repeat(300));
    heights.record(node, 180);
    expect(heights.heightOf(node)).toBe(180);
  });

  test('an edited block is scaled from its last measure, not re-estimated from scratch', () => {
    const heights = new BlockHeights(metrics);
    heights.record(paragraph('a', 'x'.repeat(300)), 180);
    expect(heights.heightOf(paragraph('a', 'x'.repeat(600)))).toBe(360);
    // Another block of the same length still gets the estimate.
    expect(heights.heightOf(paragraph('b', 'x'.repeat(300)))).toBe(5 * 29 + 15);
  });

  test('measures of zero (a block not laid out) are ignored', () => {
    const heights = new BlockHeights(metrics);
    const node = paragraph('a', 'x'.repeat(140));
    heights.record(node, 0);
    expect(heights.heightOf(node)).toBe(2 * 29 + 15);
  });
});
