/**
 * A change from another member that a member's editor fails to draw. Her editor went on
 * showing the report as it was, and her next key wrote that old view back: the other
 * member's change was undone on every copy, and nothing told her. Now the editor draws
 * the whole report again (patches/y-prosemirror+1.3.7.patch, `_redrawAfterFailure`);
 * if that fails too, it stops taking input and offers to reload the window.
 *
 * The failure is made in the real renderer: the test wraps the view's dispatch (exposed
 * on a `?bench` page) so that it throws on the transactions that draw changes from the
 * report, a stand-in for any error on that path.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { closeTwoMembers, twoMembersOnOneHost, type TwoMembers } from './two-members.ts';
import { caretAtEndOf } from './editor-input.ts';
import { blockTexts } from './block-texts.ts';
import { takeDrawFailures } from './draw-failure-log.ts';

let members: TwoMembers;
let ana: Page;
let bo: Page;

beforeAll(async () => {
  members = await twoMembersOnOneHost({ boQuery: { bench: '' } });
  ({ ana, bo } = members);
});

afterAll(async () => {
  expect(await closeTwoMembers(members)).toBe(0);
});

/** Makes the next `times` drawings of a change from the report fail in this page's editor. */
async function failDrawings(page: Page, times: number): Promise<void> {
  await page.evaluate((count) => {
    interface Tr { getMeta(key: string): { isChangeOrigin?: boolean } | undefined }
    interface View { props: { dispatchTransaction(this: View, tr: Tr): void }; setProps(props: object): void }
    const view = (window as unknown as { plenaryBenchView: View }).plenaryBenchView;
    const dispatch = view.props.dispatchTransaction;
    let remaining = count;
    view.setProps({
      dispatchTransaction(this: View, tr: Tr) {
        if (remaining > 0 && tr.getMeta('y-sync$')?.isChangeOrigin) {
          remaining--;
          throw new Error('drawing failed (made by the test)');
        }
        dispatch.call(this, tr);
      },
    });
  }, times);
}

/** Types `text` at the end of the top-level block `index` (`at once`: in one input, as a paste or dictation gives it). */
async function typeAtEnd(page: Page, index: number, text: string, at: 'key by key' | 'at once' = 'key by key'): Promise<void> {
  await caretAtEndOf(page, page.locator('.ProseMirror > *').nth(index));
  if (at === 'at once') await page.keyboard.insertText(text);
  else await page.keyboard.type(text);
}

/** The index of the first top-level paragraph after the report's first heading, and the next. */
async function twoParagraphs(page: Page): Promise<[number, number]> {
  const tags = await page.$$eval('.ProseMirror > *', (nodes) => nodes.map((node) => node.tagName));
  const first = tags.indexOf('P', tags.indexOf('H1') + 1);
  return [first, tags.indexOf('P', first + 1)];
}

const contains = (texts: string[], part: string): boolean => texts.some((text) => text.includes(part));

test('a change her editor fails to draw once is drawn again: she sees it, and her next keys keep it', async () => {
  const [anasParagraph, bosParagraph] = await twoParagraphs(ana);
  await failDrawings(bo, 1);
  // One change, so that the failed drawing is the last before Bo types.
  await typeAtEnd(ana, anasParagraph, ' [Ana, once]', 'at once');
  await expect.poll(async () => contains(await blockTexts(bo), '[Ana, once]')).toBe(true);
  expect(await bo.locator('#alerts .alert').count()).toBe(0);
  // The page logs it (which fails any other test: test/fail-on-draw-failures.ts).
  await expect.poll(() => takeDrawFailures().length).toBe(1);

  await typeAtEnd(bo, bosParagraph, ' [Bo, after]');
  const boSees = await blockTexts(bo);
  expect(contains(boSees, '[Ana, once]') && contains(boSees, '[Bo, after]')).toBe(true);
  await expect.poll(() => blockTexts(ana)).toEqual(boSees);
});

test('a change her editor cannot draw at all: editing pauses, nothing of the change is undone, and Reload brings it', async () => {
  const [anasParagraph, bosParagraph] = await twoParagraphs(ana);
  await caretAtEndOf(bo, bo.locator('.ProseMirror > *').nth(bosParagraph));
  await failDrawings(bo, 1_000_000);
  await typeAtEnd(ana, anasParagraph, ' [Ana, unseen]');

  const alert = bo.locator('#alerts .alert', { hasText: 'could not show a change' });
  await alert.waitFor();
  await expect.poll(() => takeDrawFailures().length).toBe(1);
  expect(await bo.locator('.ProseMirror').getAttribute('contenteditable')).toBe('false');
  await expect.poll(() => bo.locator('#toolbar button[data-command="heading-1"]').isDisabled()).toBe(true);
  await bo.keyboard.type(' [Bo, paused]');
  await bo.keyboard.press('Enter');
  // Nothing is sent: Ana's report keeps her change and gets none of Bo's keys.
  await typeAtEnd(ana, anasParagraph, '!');
  await expect.poll(async () => contains(await blockTexts(ana), '[Ana, unseen]!')).toBe(true);
  const anaSees = await blockTexts(ana);
  expect(contains(anaSees, '[Bo, paused]')).toBe(false);

  // The alert stays until acted on: its one button, reachable by keyboard, reloads.
  expect(await alert.getByRole('button').allTextContents()).toEqual(['Reload']);
  await alert.getByRole('button', { name: 'Reload' }).focus();
  await bo.keyboard.press('Enter');
  await bo.waitForSelector('body[data-ready="true"] .ProseMirror[contenteditable="true"]');
  await expect.poll(() => blockTexts(bo)).toEqual(anaSees);
  await typeAtEnd(bo, bosParagraph, ' [Bo, reloaded]');
  await expect.poll(async () => contains(await blockTexts(ana), '[Bo, reloaded]')).toBe(true);
  expect(contains(await blockTexts(ana), '[Ana, unseen]!')).toBe(true);
});
