/**
 * What a member reads in the report, block by block, for the e2e tests where two members
 * edit at once: each top-level block's text without the other members' carets drawn in it.
 */
import type { Page } from 'playwright-core';

export const blockTexts = (page: Page): Promise<string[]> =>
  page.$$eval('.ProseMirror > *', (nodes) =>
    nodes.map((node) => {
      const copy = node.cloneNode(true) as HTMLElement;
      for (const caret of copy.querySelectorAll('.presence-caret')) caret.remove();
      return (copy.textContent ?? '').trim();
    }),
  );
