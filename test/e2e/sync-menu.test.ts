/**
 * The status line's Sync menu from the keyboard, as a menu button: arrows move between
 * its four dialogs, Escape closes it back to the button, and a dialog opened from it
 * gives the focus back to the button when it closes. Export changes… offers the roster's
 * names. A status too long for a narrow window wraps within it.
 */
import { beforeAll, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { oneEditorPage } from './one-editor-page.ts';
import { addMember, closeRoster, openRoster } from './stance-helpers.ts';
import { startSyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { MEMBERS_ONLY_NOT_LISTED } from '../../main/services/sync/refusal-message.ts';
import { tempDataDir } from './harness.ts';

const editor = oneEditorPage();
let page: Page;
beforeAll(() => {
  page = editor.page;
});

const focused = (): Promise<string> => page.evaluate(() => document.activeElement?.textContent?.trim() || document.activeElement?.id || '');
const expanded = (): Promise<string | null> => page.getAttribute('#sync-menu-button', 'aria-expanded');

test('the Sync menu is worked with arrows, and a dialog from it gives the focus back to it', async () => {
  await page.focus('#sync-menu-button');
  await page.keyboard.press('ArrowDown');
  expect(await expanded()).toBe('true');
  expect(await focused()).toBe('Export changes…');
  await page.keyboard.press('End');
  expect(await focused()).toBe('Host a meeting…');
  await page.keyboard.press('ArrowDown');
  expect(await focused()).toBe('Export changes…');
  await page.keyboard.press('ArrowUp');
  expect(await focused()).toBe('Host a meeting…');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  expect(await focused()).toBe('Import changes…');

  await page.keyboard.press('Enter');
  await page.waitForSelector('#sync-dialog[open]');
  expect(await page.textContent('#sync-dialog-title')).toBe('Import changes');
  expect(await focused()).toBe('sync-import-path');
  expect(await expanded()).toBe('false');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#sync-dialog:not([open])', { state: 'attached' });
  expect(await focused()).toBe('Sync');

  // Escape in the menu closes it onto the button; ArrowUp opens it on the last item.
  await page.keyboard.press('ArrowUp');
  expect(await focused()).toBe('Host a meeting…');
  await page.keyboard.press('Escape');
  expect(await expanded()).toBe('false');
  expect(await page.isHidden('#sync-menu')).toBe(true);
  expect(await focused()).toBe('Sync');
});

test('a click elsewhere closes the Sync menu', async () => {
  await page.click('#sync-menu-button');
  expect(await page.isVisible('#sync-menu')).toBe(true);
  await page.locator('.ProseMirror p').first().click();
  expect(await page.isHidden('#sync-menu')).toBe(true);
  expect(await expanded()).toBe('false');
});

test("Export changes… offers the roster's other members as recipients, not oneself", async () => {
  // Not on the roster yet: the dialog says the files would not carry one's name, and how to mend it.
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Export changes…' }).click();
  await page.waitForSelector('#sync-dialog[open]');
  expect(await page.textContent('#sync-export-unnamed')).toBe('Your files will say they come from “A Plenary user”: you are not on the roster. To have them carry your name, choose “I am …” beside it in Roster first.');
  await page.keyboard.press('Escape');
  await openRoster(page);
  await addMember(page, { name: 'Ana Diaz', group: 'government', role: 'chair', isMe: true });
  await addMember(page, { name: 'Bo Lin', group: 'civil-society' });
  await addMember(page, { name: 'Carla Mendes', group: 'private-sector' });
  await closeRoster(page);
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Export changes…' }).click();
  await page.waitForSelector('#sync-dialog[open]');
  expect(await page.getAttribute('#sync-recipient', 'list')).toBe('sync-recipients');
  expect(await page.$$eval('#sync-recipients option', (options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['Bo Lin', 'Carla Mendes']);
  expect(await page.$('#sync-export-unnamed')).toBeNull();
  await page.keyboard.press('Escape');
});

test('in a narrow window the status line takes more rows: the sync status and the Sync button stay in it', async () => {
  await page.setViewportSize({ width: 820, height: 700 });
  await page.focus('#sync-menu-button');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Start the meeting' }).click();
  await page.waitForSelector('#sync-meeting-short-invite');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => /hosting a meeting, code/.test(document.querySelector('#sync-status')?.textContent ?? ''));
  const fits = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const inside = (selector: string): boolean => {
      const box = document.querySelector(selector)!.getBoundingClientRect();
      return box.left >= 0 && box.right <= width && box.bottom <= window.innerHeight;
    };
    return { status: inside('#sync-status'), button: inside('#sync-menu-button'), noSideScroll: document.documentElement.scrollWidth <= width };
  });
  expect(fits).toEqual({ status: true, button: true, noSideScroll: true });
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Host a meeting…' }).click();
  await page.getByRole('button', { name: 'Stop the meeting' }).click();
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('a status longer than a narrow window is wide (a refusal, and what to do) wraps within it, whole', async () => {
  const serverDir = tempDataDir();
  const server = await startSyncServer({ dataDir: serverDir, host: '127.0.0.1', port: 0, log: silentLogger, authorize: () => ({ deny: MEMBERS_ONLY_NOT_LISTED }) });
  try {
    await page.setViewportSize({ width: 700, height: 700 });
    await page.click('#sync-menu-button');
    await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
    await page.fill('#sync-server-url', server.url);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /members only/.test(document.querySelector('#sync-status')?.textContent ?? ''));
    await page.keyboard.press('Escape');
    const shown = await page.evaluate(() => {
      const status = document.querySelector('#sync-status')!;
      const box = status.getBoundingClientRect();
      return { inside: box.left >= 0 && box.right <= document.documentElement.clientWidth && box.bottom <= window.innerHeight, wrapped: status.getClientRects().length > 1 };
    });
    expect(shown).toEqual({ inside: true, wrapped: true });
  } finally {
    await server.close();
    rmSync(serverDir, { recursive: true, force: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

test('a meeting nobody answers at: the dialog and the status line ask whether one is on its host\'s network', async () => {
  // A port that was free a moment ago: as a meeting on another network is, to this page.
  const probe = await startSyncServer({ dataDir: tempDataDir(), host: '127.0.0.1', port: 0, log: silentLogger });
  await probe.close();
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
  await page.fill('#sync-server-url', `${probe.url}#ABC234`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (document.querySelector('#sync-dialog-message')?.textContent ?? '') !== '', undefined, { timeout: 15_000 });
  expect(await page.textContent('#sync-dialog-message')).toBe(
    'The meeting could not be reached. Check the invitation, and that you are on the same network as its host (the same Wi-Fi); if you are, its host’s firewall may be keeping Plenary out. Plenary keeps trying meanwhile, and your edits are kept here.',
  );
  expect(await page.textContent('#sync-status')).toBe('Meeting not reached yet (on the same network as its host?) · edits are kept here');
  await page.getByRole('button', { name: 'Leave the meeting', exact: true }).click();
  await page.waitForFunction(() => !(document.querySelector('#sync-status')?.textContent ?? '').startsWith('Meeting'));
});
