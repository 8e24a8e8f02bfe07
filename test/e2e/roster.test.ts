/**
 * The roster in the real renderer: the creator becomes the chair; members are added,
 * edited and retired (a retired member's stance stays, marked retired, and no longer
 * counts); bad input is refused with the roster's message; "I am …" is offered only for
 * unclaimed entries; only the chair can switch the consensus rule, which changes the
 * readiness in every view at once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import {
  addMember, chooseStance, closeRoster, expectChip, fillMember, openPanelByKeyboard, openRoster, paragraphId, readiness,
} from './stance-helpers.ts';

let host: Host;
let browser: Browser;
let contexts: BrowserContext[] = [];
let chair: Page;
let member: Page;
const errors: string[] = [];

function row(page: Page, name: string) {
  return page.locator('#roster-dialog tbody tr', { has: page.locator('th', { hasText: name }) });
}

beforeAll(async () => {
  host = await startHost({ dataDir: tempDataDir() });
  browser = await launchBrowser();
  const a = await newPage(browser);
  const b = await newPage(browser);
  contexts = [a.context, b.context];
  chair = a.page;
  member = b.page;
  for (const page of [chair, member]) page.on('pageerror', (error) => errors.push(error.message));
  await openEditor(chair, host.url);
  await openEditor(member, host.url);
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  expect(await host?.stop()).toBe(0);
});

describe('the roster', () => {
  test('the report\'s creator adds themselves as chair, from the header button or by keyboard', async () => {
    await chair.locator('.ProseMirror').click();
    await chair.keyboard.press('Alt+Shift+R');
    await chair.waitForSelector('#roster-dialog[open]');
    expect(await chair.textContent('#member-form-title')).toBe('Add yourself as the report\'s chair');
    expect(await chair.inputValue('#member-role')).toBe('chair');
    expect(await chair.isChecked('#member-is-me')).toBe(true);
    await fillMember(chair, { name: 'Amina Diallo', group: 'government', role: 'chair', isMe: true });
    await expect.poll(() => chair.textContent('.who-am-i')).toMatch(/You are Amina Diallo \(chair, Governments\)/);
    expect(await row(chair, 'Amina Diallo').textContent()).toMatch(/Governments.*Chair/);
  });

  test('adds and edits members; refuses a nameless one with a message and adds nothing', async () => {
    await addMember(chair, { name: 'Bruno Costa', group: 'private-sector' });
    await addMember(chair, { name: 'Carla Ruiz', group: 'civil-society' });
    await chair.getByRole('button', { name: 'Add member' }).click();
    await fillMember(chair, { name: '   ', group: 'government' });
    await expect.poll(() => chair.textContent('#member-form-error')).toMatch(/A member's name is 1–200 characters/);
    expect(await chair.locator('#roster-dialog tbody tr').count()).toBe(3);
    await chair.getByRole('button', { name: 'Cancel', exact: true }).click();

    await chair.getByRole('button', { name: 'Edit Bruno Costa' }).click();
    await chair.selectOption('#member-region', 'latin-american-caribbean');
    await chair.selectOption('#member-gender', 'man');
    await chair.click('.member-form button[type="submit"]');
    await expect.poll(() => row(chair, 'Bruno Costa').textContent()).toMatch(/Private sector.*Latin American and Caribbean States.*Man/);
    expect(await row(chair, 'Bruno Costa').textContent()).toMatch(/unclaimed/);
    await closeRoster(chair);
  });

  test('"I am …" is offered for unclaimed entries only, and makes the entry the user\'s', async () => {
    await openRoster(member);
    expect(await member.getByRole('button', { name: 'I am Amina Diallo' }).count()).toBe(0);
    await member.getByRole('button', { name: 'I am Carla Ruiz' }).click();
    await expect.poll(() => member.textContent('.who-am-i')).toMatch(/You are Carla Ruiz/);
    expect(await row(member, 'Carla Ruiz').textContent()).toMatch(/you/);
    // The rule is the chair's to choose.
    expect(await member.isDisabled('#consensus-rule')).toBe(true);
    expect(await member.textContent('#consensus-rule-help')).toMatch(/Only the chair, Amina Diallo, can change the rule/);
    await closeRoster(member);
  });

  test('retiring a member keeps their stance in the record, marked retired, and it no longer counts', async () => {
    const first = await paragraphId(member, 0);
    await openPanelByKeyboard(member, first);
    await chooseStance(member, 'Endorse');
    await expectChip(chair, first, 'civil-society', 'recognized');
    await member.keyboard.press('Escape');

    await openRoster(chair);
    await chair.getByRole('button', { name: 'Retire Carla Ruiz' }).click();
    expect(await chair.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Confirm: retire Carla Ruiz');
    await chair.keyboard.press('Enter');
    await expect.poll(() => row(chair, 'Carla Ruiz').getAttribute('class')).toBe('retired');
    expect(await row(chair, 'Carla Ruiz').textContent()).toMatch(/retired \d{4}-\d{2}-\d{2}/);
    await closeRoster(chair);

    // Civil society has no active member now: vacant, and Carla's stance is kept as retired.
    await expectChip(chair, first, 'civil-society', 'vacant');
    await openPanelByKeyboard(chair, first);
    const kept = chair.locator('#stance-panel .stance', { hasText: 'Carla Ruiz' });
    await expect.poll(() => kept.getAttribute('data-status')).toBe('retired');
    expect(await kept.textContent()).toMatch(/does not count/);
    await chair.keyboard.press('Escape');
  });

  test('the chair switches the consensus rule and every view\'s readiness changes at once', async () => {
    const before = await readiness(member);
    expect(before).toMatch(/^Ready 0% · 0 of \d+ recognized by every group$/);
    await openRoster(chair);
    expect(await chair.isDisabled('#consensus-rule')).toBe(false);
    await chair.selectOption('#consensus-rule', 'no-objection');
    await expect.poll(() => readiness(member)).toMatch(/^Ready 100% /);
    await expect.poll(() => readiness(chair)).toMatch(/^Ready 100% /);
    await chair.selectOption('#consensus-rule', 'default');
    await expect.poll(() => readiness(member)).toBe(before);
    await closeRoster(chair);
    expect(errors).toEqual([]);
  });
});

describe('the sample roster', () => {
  test('an empty roster can start from the sample group, every entry unclaimed; claiming the chair entry makes one the chair', async () => {
    const second = await startHost({ dataDir: tempDataDir() });
    const { context, page } = await newPage(browser);
    try {
      await openEditor(page, second.url);
      await openRoster(page);
      await page.getByRole('button', { name: 'Start from the sample roster' }).click();
      await expect.poll(() => page.locator('#roster-dialog tbody tr').count()).toBe(9);
      expect(await page.locator('#roster-dialog tbody .quiet-badge', { hasText: 'unclaimed' }).count()).toBe(9);
      expect(await page.getByRole('button', { name: 'Start from the sample roster' }).isHidden()).toBe(true);
      expect(await page.isDisabled('#consensus-rule')).toBe(true);
      await page.getByRole('button', { name: 'I am Chair of the Working Group' }).click();
      await expect.poll(() => page.isDisabled('#consensus-rule')).toBe(false);
      expect(await page.textContent('.who-am-i')).toMatch(/You are Chair of the Working Group \(chair, Governments\)/);
    } finally {
      await context.close();
      expect(await second.stop()).toBe(0);
    }
  });
});
