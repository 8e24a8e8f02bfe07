/**
 * A paragraph one member has selected whole (Ctrl+click selects a paragraph) is deleted by
 * another. y-prosemirror restored her selection onto the paragraph after it, which her
 * next key replaced; on the report's last paragraph it threw, and her editor went on
 * showing the report as it was, so her next key undid the other member's changes on
 * every copy. The patch (`selectionFromRelative`) leaves her a caret where the paragraph
 * was.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { closeTwoMembers, twoMembersOnOneHost, type TwoMembers } from './two-members.ts';
import { letEditorReadCaret } from './editor-input.ts';
import { blockTexts } from './block-texts.ts';

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

let members: TwoMembers;
let ana: Page;
let bo: Page;

beforeAll(async () => {
  members = await twoMembersOnOneHost();
  ({ ana, bo } = members);
});

afterAll(async () => {
  expect(await closeTwoMembers(members)).toBe(0);
});

/** Selects the whole top-level block `index`, as Ctrl+click does. */
async function selectBlock(page: Page, index: number): Promise<void> {
  const block = page.locator('.ProseMirror > *').nth(index);
  await block.scrollIntoViewIfNeeded();
  await block.click({ modifiers: [MOD], position: { x: 20, y: 8 } });
  await expect.poll(() => block.evaluate((node) => node.classList.contains('ProseMirror-selectednode'))).toBe(true);
  await letEditorReadCaret(page);
}

/** The index of the first top-level paragraph after the report's first heading. */
async function aParagraph(page: Page): Promise<number> {
  const tags = await page.$$eval('.ProseMirror > *', (nodes) => nodes.map((node) => node.tagName));
  return tags.indexOf('P', tags.indexOf('H1') + 2);
}

test('a paragraph a member has selected is deleted by another: her next key neither replaces the block after it nor brings it back', async () => {
  const index = await aParagraph(bo);
  const before = await blockTexts(bo);
  const [deleted, next] = [before[index]!, before[index + 1]!];
  await selectBlock(bo, index);

  await selectBlock(ana, index);
  await ana.keyboard.press('Backspace');
  await expect.poll(() => blockTexts(ana)).not.toContain(deleted);

  // Bo sees the deletion, and nothing is selected whole on her side.
  await expect.poll(() => blockTexts(bo)).not.toContain(deleted);
  expect(await bo.locator('.ProseMirror-selectednode').count()).toBe(0);

  await bo.keyboard.type('Bo');
  const after = await blockTexts(bo);
  expect(after).not.toContain(deleted);
  expect(after.length).toBe(before.length - 1);
  expect(after.filter((text) => text.includes(next))).toHaveLength(1);
  expect(after.join('\n')).toContain('Bo');
  await expect.poll(() => blockTexts(ana)).toEqual(after);
});

test("the report's last block, selected by one member and deleted by another: her editor shows the deletion, and her next key keeps it", async () => {
  await bo.keyboard.press(`${MOD}+End`);
  await ana.keyboard.press(`${MOD}+End`);
  const before = await blockTexts(bo);
  const last = before.length - 1;
  const deleted = before[last]!;
  await selectBlock(bo, last);

  await selectBlock(ana, last);
  await ana.keyboard.press('Backspace');
  await expect.poll(() => blockTexts(ana)).not.toContain(deleted);

  await expect.poll(() => blockTexts(bo)).not.toContain(deleted);
  await bo.keyboard.type('Bo at the end');
  const after = await blockTexts(bo);
  expect(after).not.toContain(deleted);
  expect(after.length).toBe(before.length - 1);
  expect(after.join('\n')).toContain('Bo at the end');
  await expect.poll(() => blockTexts(ana)).toEqual(after);
});
