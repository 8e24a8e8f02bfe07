/**
 * Putting the caret somewhere and pasting, as a user does it, for the e2e tests that edit
 * the report in the real renderer.
 */
import type { Locator, Page } from 'playwright-core';

/** Puts the caret at the end of a top-level block, with a click and End. */
export async function caretAtEndOf(page: Page, block: Locator): Promise<void> {
  // Measure once on screen: a block far from the viewport is only a placeholder.
  await block.scrollIntoViewIfNeeded();
  // Blocks scrolled into view take their real heights over a frame or two; measure once
  // the box has stopped moving, or the click lands in the next block.
  let box = (await block.boundingBox())!;
  for (let tries = 0; tries < 20; tries++) {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const next = (await block.boundingBox())!;
    const settled = next.y === box.y && next.height === box.height;
    box = next;
    if (settled) break;
  }
  // A click at the bottom right lands on the last line; End then reaches the block's end.
  await block.click({ position: { x: box.width - 2, y: box.height - 4 } });
  await page.keyboard.press('End');
}

/**
 * Pastes clipboard data (type → text) into the editor as Ctrl+V does. The key goes down
 * first: ProseMirror reads the caret a click or End has just moved on that keydown, and
 * a paste event sent without it may meet the selection from before (a busy machine).
 */
export async function pasteInEditor(page: Page, data: Record<string, string>): Promise<void> {
  await page.keyboard.down('Control');
  try {
    await page.evaluate((entries) => {
      const clipboard = new DataTransfer();
      for (const [type, text] of entries) clipboard.setData(type, text);
      document.querySelector('.ProseMirror')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
    }, Object.entries(data));
  } finally {
    await page.keyboard.up('Control');
  }
}
