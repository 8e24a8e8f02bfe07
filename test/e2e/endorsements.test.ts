/**
 * Stances in the real renderer, two members in two browser profiles against one browser
 * host (each profile has its own identity in the host): set a stance and see the chip
 * change in both views; an objection needs a note; edit the paragraph and see its
 * stances go stale, with the diff, in every view; undo makes them current again; renew;
 * endorse a whole section in one step.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Host } from './harness.ts';
import { letEditorReadCaret } from './editor-input.ts';
import {
  block, chooseStance, closeRoster, expectChip, openAsChairAndMember, openPanelByKeyboard, openRoster, paragraphId,
} from './stance-helpers.ts';

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

let host: Host;
let browser: Browser;
let chairContext: BrowserContext;
let memberContext: BrowserContext;
let chair: Page;
let member: Page;
const errors: string[] = [];
let first: string;

beforeAll(async () => {
  ({ host, browser, chairContext, memberContext, chair, member } = await openAsChairAndMember(errors));
  first = await paragraphId(chair, 0);
}, 120_000);

afterAll(async () => {
  await chairContext?.close();
  await memberContext?.close();
  await browser?.close();
  expect(await host?.stop()).toBe(0);
});

describe('stances in the editor', () => {
  test('the gutter shows one chip per group beside every visible block, nobody yet', async () => {
    await expectChip(chair, first, 'government', 'nobody');
    const chips = await chair.locator(`.stance-row[data-block-id="${first}"] .chip`).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-group')));
    expect(chips).toEqual(['government', 'private-sector', 'civil-society', 'international-organization']);
    // No members: those groups are vacant and say so in words, not colour.
    expect(await chair.getAttribute(`.stance-row[data-block-id="${first}"]`, 'aria-label')).toMatch(/Civil society: no active members/);
  });

  test('setting a stance by keyboard changes the chip in every member\'s view', async () => {
    await openPanelByKeyboard(chair, first);
    expect(await chair.evaluate(() => document.activeElement?.id)).toBe('stance-panel-title');
    await chooseStance(chair, 'Endorse');
    await expectChip(chair, first, 'government', 'recognized');
    await expectChip(member, first, 'government', 'recognized');
    await expect.poll(() => chair.locator('#stance-panel .stance[data-member-id]').count()).toBe(1);
    expect(await chair.textContent('#stance-panel .stance')).toMatch(/Amina Diallo.*Endorse/);
    await chair.keyboard.press('Escape');
    await chair.waitForSelector('#stance-panel', { state: 'hidden' });
    expect(await chair.evaluate(() => document.activeElement?.classList.contains('ProseMirror'))).toBe(true);
  });

  test('an objection needs a note; with one it stands and is counted', async () => {
    await openPanelByKeyboard(member, first);
    await chooseStance(member, 'Objection', '');
    await expect.poll(() => member.textContent('#stance-panel .field-error')).toBe('An objection needs a note saying why.');
    expect(await member.getAttribute('#stance-panel textarea', 'aria-invalid')).toBe('true');
    expect(await member.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await expectChip(member, first, 'private-sector', 'nobody');
    await chooseStance(member, 'Objection', 'The text ignores the role of the private sector.');
    await expectChip(member, first, 'private-sector', 'objection');
    await expectChip(chair, first, 'private-sector', 'objection');
    await expect.poll(() => chair.textContent('#consensus-status .objections')).toBe('1 objection standing');
    await member.keyboard.press('Escape');
  });

  test('editing the paragraph makes its stances stale in every view, with the diff; undo makes them current', async () => {
    await block(chair, first).click();
    await chair.keyboard.press('End');
    await chair.keyboard.type(' Amended.');
    await expectChip(chair, first, 'government', 'stale-only');
    await expectChip(member, first, 'government', 'stale-only');
    await expectChip(member, first, 'private-sector', 'stale-only');
    await expect.poll(() => chair.textContent('#consensus-status .objections')).toBe('0 objections standing');

    await openPanelByKeyboard(member, first);
    const stale = member.locator('#stance-panel .stance[data-status="stale"]');
    await expect.poll(() => stale.count()).toBe(2);
    expect(await member.textContent('#stance-panel .stale-note')).toMatch(/an earlier text/);
    expect(await member.locator('#stance-panel .text-diff ins').first().textContent()).toMatch(/Amended\./);
    await member.keyboard.press('Escape');

    // Undo, as the author would: the text is back, so are the stances.
    await block(chair, first).click();
    for (let i = 0; i < 3 && (await chipStateOf(chair, 'government')) !== 'recognized'; i++) await chair.keyboard.press(`${MOD}+z`);
    await expectChip(chair, first, 'government', 'recognized');
    await expectChip(member, first, 'private-sector', 'objection');
  });

  test('renewing one\'s own stale stance on the current text', async () => {
    await block(chair, first).click();
    await chair.keyboard.press('End');
    await chair.keyboard.type(' Renewed text.');
    await expectChip(chair, first, 'government', 'stale-only');
    await openPanelByKeyboard(chair, first);
    const renew = chair.getByRole('button', { name: 'Renew on current text' });
    await renew.click();
    await expectChip(chair, first, 'government', 'recognized');
    await expectChip(member, first, 'government', 'recognized');
    // Only one's own stale stance has the button: Bruno's objection stays stale.
    await expect.poll(() => chair.getByRole('button', { name: 'Renew on current text' }).count()).toBe(0);
    await chair.keyboard.press('Escape');
  });

  test('"Endorse section" on a heading sets the stance on every block of the section in one step', async () => {
    const heading = chair.locator('.ProseMirror > h1').nth(1);
    const headingId = (await heading.getAttribute('data-block-id'))!;
    await openPanelByKeyboard(chair, headingId);
    // The panel names the heading by its number as the margin shows it: "heading II.".
    expect(await chair.textContent('#stance-panel-title')).toBe(`Stances on heading ${await heading.getAttribute('data-num')}`);
    await chair.locator('#stance-panel .section-box input').check();
    await chair.locator('#stance-panel .stance-option', { hasText: 'Endorse' }).first().click();
    await expect.poll(() => chair.textContent('#stance-panel button[type="submit"]')).toBe('Endorse section');
    await chair.locator('#stance-panel button[type="submit"]').click();
    const sectionIds = await chair.evaluate((id) => {
      const ids: string[] = [];
      let node = document.querySelector(`.ProseMirror > [data-block-id="${id}"]`);
      ids.push(id);
      node = node?.nextElementSibling ?? null;
      while (node && node.tagName !== 'H1') {
        const own = node.getAttribute('data-block-id');
        if (own) ids.push(own);
        for (const li of Array.from(node.querySelectorAll(':scope > li[data-block-id]'))) ids.push(li.getAttribute('data-block-id')!);
        node = node.nextElementSibling;
      }
      return ids;
    }, headingId);
    expect(sectionIds.length).toBeGreaterThan(2);
    await expectChip(chair, headingId, 'government', 'recognized');
    await chair.keyboard.press('Escape');
    for (const id of sectionIds.slice(0, 4)) {
      await block(member, id).scrollIntoViewIfNeeded();
      await expectChip(member, id, 'government', 'recognized');
    }
  });

  test('a stance on a deleted paragraph is kept, listed with the paragraph\'s text', async () => {
    const doomed = await paragraphId(member, 2);
    const text = (await block(member, doomed).textContent())!;
    await openPanelByKeyboard(member, doomed);
    await chooseStance(member, 'Accept');
    await expectChip(chair, doomed, 'private-sector', 'partly');
    await member.keyboard.press('Escape');
    await block(chair, doomed).click({ clickCount: 3 });
    await letEditorReadCaret(chair);
    await chair.keyboard.press('Backspace');
    if ((await block(chair, doomed).count()) > 0) await chair.keyboard.press('Backspace');
    await expect.poll(() => block(member, doomed).count()).toBe(0);
    await openRoster(member);
    const records = member.locator('.stance-records details', { hasText: 'Stances on deleted paragraphs (1)' });
    await records.locator('summary').click();
    expect(await records.textContent()).toContain(`Bruno Costa accept on: ${text.trim().slice(0, 60)}`);
    await closeRoster(member);
    expect(errors).toEqual([]);
  });

  test('a new paragraph renumbers the rows below it for screen readers; their chips stay as they were', async () => {
    const below = await paragraphId(chair, 3);
    const row = chair.locator(`.stance-row[data-block-id="${below}"]`);
    await block(chair, below).scrollIntoViewIfNeeded();
    const before = (await row.getAttribute('aria-label'))!;
    const number = Number(/^Paragraph (\d+)\./.exec(before)?.[1]);
    expect(number).toBeGreaterThan(0);
    // An expando, not an attribute: marks the chip elements themselves.
    await row.locator('.chip').evaluateAll((chips) => chips.forEach((chip) => ((chip as Element & { kept?: boolean }).kept = true)));
    const above = await paragraphId(chair, 1);
    await block(chair, above).click();
    await chair.keyboard.press('End');
    await letEditorReadCaret(chair);
    await chair.keyboard.press('Enter');
    await chair.keyboard.type('A new paragraph above.');
    await expect.poll(() => row.getAttribute('aria-label')).toMatch(new RegExp(`^Paragraph ${number + 1}\\., stances: `));
    expect((await row.getAttribute('aria-label'))!.replace(/^Paragraph \d+\./, '')).toBe(before.replace(/^Paragraph \d+\./, ''));
    expect(await row.locator('.chip').evaluateAll((chips) => chips.map((chip) => (chip as Element & { kept?: boolean }).kept === true))).toEqual([true, true, true, true]);
    expect(errors).toEqual([]);
  });
});

async function chipStateOf(page: Page, group: string): Promise<string | null> {
  return page.locator(`.stance-row[data-block-id="${first}"] .chip[data-group="${group}"]`).getAttribute('data-state');
}
