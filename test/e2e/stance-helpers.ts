/**
 * Helpers for the stance and roster e2e tests: what a member does with the mouse and
 * keyboard in the real renderer.
 */
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';

export interface NewMember {
  name: string;
  group: string;
  role?: string;
  isMe?: boolean;
}

export async function openRoster(page: Page): Promise<void> {
  await page.click('#open-roster');
  await page.waitForSelector('#roster-dialog[open]');
}

export async function closeRoster(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.waitForSelector('#roster-dialog:not([open])', { state: 'attached' });
}

/** Fills the open member form and saves it. */
export async function fillMember(page: Page, member: NewMember): Promise<void> {
  await page.fill('#member-name', member.name);
  await page.selectOption('#member-group', member.group);
  if (member.role) await page.selectOption('#member-role', member.role);
  const box = page.locator('#member-is-me');
  if ((await box.isChecked()) !== !!member.isMe) await box.click();
  await page.click('.member-form button[type="submit"]');
}

export async function addMember(page: Page, member: NewMember): Promise<void> {
  await page.getByRole('button', { name: 'Add member' }).click();
  await fillMember(page, member);
  await page.locator('#roster-dialog tbody th', { hasText: member.name }).waitFor();
}

/** The block id of the n-th top-level paragraph. */
export async function paragraphId(page: Page, n: number): Promise<string> {
  return (await page.locator('.ProseMirror > p').nth(n).getAttribute('data-block-id'))!;
}

export function block(page: Page, id: string) {
  return page.locator(`.ProseMirror [data-block-id="${id}"]`);
}

/**
 * A group's chip state for a block, as the gutter shows it. The gutter draws rows only
 * for blocks on screen, so, as a reader would, scroll the block into view when its row
 * is not there (a panel or an edit may have scrolled the page).
 */
export async function chipState(page: Page, blockId: string, group: string): Promise<string | null> {
  const chip = page.locator(`.stance-row[data-block-id="${blockId}"] .chip[data-group="${group}"]`);
  if ((await chip.count()) === 0) {
    await block(page, blockId).first().scrollIntoViewIfNeeded();
    return null;
  }
  return chip.getAttribute('data-state');
}

export async function expectChip(page: Page, blockId: string, group: string, state: string): Promise<void> {
  await expect.poll(() => chipState(page, blockId, group), { timeout: 10_000 }).toBe(state);
}

/** Puts the caret at the end of a block and opens its stances panel by keyboard. */
export async function openPanelByKeyboard(page: Page, blockId: string): Promise<void> {
  const target = block(page, blockId);
  const box = (await target.boundingBox())!;
  await target.click({ position: { x: box.width - 4, y: box.height - 6 } });
  await page.keyboard.press('End');
  await page.keyboard.press('Alt+Enter');
  await page.waitForSelector(`#stance-panel:not([hidden])[data-block-id="${blockId}"]`);
}

export async function chooseStance(page: Page, label: string, note = ''): Promise<void> {
  await page.locator('#stance-panel .stance-option', { hasText: label }).first().click();
  const textarea = page.locator('#stance-panel textarea');
  await textarea.fill(note);
  await page.locator('#stance-panel button[type="submit"]').click();
}

export async function readiness(page: Page): Promise<string> {
  return (await page.textContent('#consensus-status .readiness')) ?? '';
}

export interface ChairAndMember {
  host: Host;
  browser: Browser;
  chairContext: BrowserContext;
  memberContext: BrowserContext;
  chair: Page;
  member: Page;
}

/**
 * The sample report open in two browser profiles: its creator enters the roster as chair
 * (Amina Diallo, governments) and adds a colleague (Bruno Costa, private sector), whom
 * the second profile claims with "I am …". Page errors are collected into `errors`.
 */
export async function openAsChairAndMember(errors: string[], chairViewport?: { width: number; height: number }): Promise<ChairAndMember> {
  const host = await startHost({ dataDir: tempDataDir() });
  const browser = await launchBrowser();
  const { context: chairContext, page: chair } = await newPage(browser, chairViewport);
  const { context: memberContext, page: member } = await newPage(browser);
  for (const page of [chair, member]) page.on('pageerror', (error) => errors.push(error.message));
  await openEditor(chair, host.url);
  await openEditor(member, host.url);
  await nameChairAndMember(chair, member, { name: 'Amina Diallo', group: 'government' }, { name: 'Bruno Costa', group: 'private-sector' });
  return { host, browser, chairContext, memberContext, chair, member };
}

/** The chair puts themself and one member on the roster; the member's page says "I am …". */
export async function nameChairAndMember(chair: Page, member: Page, chairIs: { name: string; group: string }, memberIs: { name: string; group: string }): Promise<void> {
  await openRoster(chair);
  await fillMember(chair, { ...chairIs, role: 'chair', isMe: true });
  await addMember(chair, memberIs);
  await closeRoster(chair);
  await openRoster(member);
  await member.getByRole('button', { name: `I am ${memberIs.name}` }).click();
  await member.locator('.who-am-i', { hasText: `You are ${memberIs.name}` }).waitFor();
  await closeRoster(member);
}
