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
  await letEditorReadCaret(page);
}

/**
 * The pause a person makes before a key command: ProseMirror reads a caret moved by a
 * click or key on 'selectionchange', a task the browser runs after pending input, and its
 * key commands (Enter, Backspace) act on the caret it last read. The next frame comes
 * after that task.
 */
export async function letEditorReadCaret(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

/**
 * Pastes `data` (type → text) as Ctrl+V does, at the moment a real Ctrl+V pastes: the key
 * is pressed, and the browser's own paste event is swapped for one carrying `data`. The
 * data is the application's own, as on a desktop clipboard (the browser's async clipboard
 * would rewrite Word's HTML); a paste event sent by the test at a moment of its choosing
 * could reach ProseMirror before it has read the caret a click and End just moved.
 */
export async function pasteInEditor(page: Page, data: Record<string, string>): Promise<void> {
  await page.evaluate((entries) => {
    addEventListener('paste', (event) => {
      event.stopImmediatePropagation();
      event.preventDefault();
      const clipboard = new DataTransfer();
      for (const [type, text] of entries) clipboard.setData(type, text);
      event.target!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true }));
    }, { capture: true, once: true });
  }, Object.entries(data));
  await page.keyboard.press('Control+V');
}
