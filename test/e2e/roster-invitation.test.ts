/**
 * Roster → Invite in the real renderer: the secretariat, its report linked to the working
 * group's server, invites someone it entered without a key; the newcomer, on another
 * machine (a browser host of their own), enters the invitation in Connect… and their page
 * opens the report with them as that entry. Two browser hosts, one members-only sync server
 * on loopback: each page links as its own browser profile, whose key is the one its
 * roster entry holds.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { addMember, closeRoster, fillMember, openRoster } from './stance-helpers.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { membersOnly } from '../../main/services/sync/member-access.ts';
import { caretAtEndOf } from './editor-input.ts';

let secretariatHost: Host;
let newcomerHost: Host;
let server: SyncServer;
let browser: Browser;
let secretariat: Page;
let newcomer: Page;
const errors: string[] = [];

beforeAll(async () => {
  [secretariatHost, newcomerHost, server] = await Promise.all([
    startHost({ dataDir: tempDataDir() }),
    startHost({ dataDir: tempDataDir() }),
    startSyncServer({ dataDir: tempDataDir(), host: '127.0.0.1', port: 0, log: silentLogger, authorize: membersOnly({ log: silentLogger }) }),
  ]);
  browser = await launchBrowser();
  secretariat = (await newPage(browser, { width: 1280, height: 900 })).page;
  newcomer = (await newPage(browser)).page;
  for (const page of [secretariat, newcomer]) page.on('pageerror', (error) => errors.push(error.message));
  await openEditor(secretariat, secretariatHost.url);
  await openEditor(newcomer, newcomerHost.url);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([secretariatHost?.stop(), newcomerHost?.stop(), server?.close()]);
  expect(errors).toEqual([]);
});

function row(page: Page, name: string) {
  return page.locator('#roster-dialog tbody tr', { has: page.locator('th', { hasText: name }) });
}

async function connect(page: Page, address: string): Promise<void> {
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
  await page.fill('#sync-server-url', address);
  await page.keyboard.press('Enter');
}

const inSync = (page: Page) => page.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''), null, { timeout: 20_000 });

describe('inviting a member the secretariat entered', () => {
  let invitation = '';

  test('no invitation while the report is linked to no server', async () => {
    await openRoster(secretariat);
    await fillMember(secretariat, { name: 'Amina Diallo', group: 'government', role: 'chair', isMe: true });
    await addMember(secretariat, { name: 'Dee Okafor', group: 'civil-society' });
    expect(await row(secretariat, 'Dee Okafor').getByRole('button', { name: /^Invite / }).count()).toBe(0);
    await closeRoster(secretariat);
  });

  test('linked to a server, an unclaimed entry offers its invitation, by keyboard, with Copy beside it', async () => {
    await connect(secretariat, server.url);
    await inSync(secretariat);
    await secretariat.keyboard.press('Escape');
    await openRoster(secretariat);
    // Not for the secretariat's own entry, which holds its key.
    expect(await row(secretariat, 'Amina Diallo').getByRole('button', { name: /^Invite / }).count()).toBe(0);
    const invite = row(secretariat, 'Dee Okafor').getByRole('button', { name: 'Invite Dee Okafor: their address to this report' });
    await invite.focus();
    await secretariat.keyboard.press('Enter');
    await secretariat.waitForSelector('#roster-invitation:not([hidden])');
    expect(await secretariat.textContent('#roster-invitation-title')).toBe('Invitation for Dee Okafor');
    expect(await secretariat.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Copy the invitation for Dee Okafor');
    invitation = (await secretariat.textContent('#roster-invitation-address'))!;
    const deeId = await row(secretariat, 'Dee Okafor').getAttribute('data-member-id');
    expect(invitation).toMatch(new RegExp(`^${server.url}/[\\w-]+\\?member=${deeId}$`));
    await secretariat.screenshot({ path: 'test-results/roster-invitation.png' });
    // Done puts the focus back on the row's Invite button.
    await secretariat.getByRole('button', { name: 'Done' }).click();
    await secretariat.waitForSelector('#roster-invitation[hidden]', { state: 'attached' });
    expect(await secretariat.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Invite Dee Okafor: their address to this report');
    await invite.click();
  });

  test('the newcomer enters it on their machine: the report opens with them as Dee Okafor, and the secretariat\'s invitation goes', async () => {
    await connect(newcomer, invitation);
    await newcomer.waitForFunction(() => new URL(location.href).searchParams.get('report')?.endsWith('.plenary') && document.body.dataset.ready === 'true' && document.querySelector('#open-roster'), null, { timeout: 20_000 });
    await inSync(newcomer);
    await openRoster(newcomer);
    await expect.poll(() => newcomer.textContent('.who-am-i')).toMatch(/^You are Dee Okafor \(member, Civil society\)/);
    // The secretariat's roster, open all along, learns of the claim: no invitation left to send.
    await expect.poll(() => row(secretariat, 'Dee Okafor').getByRole('button', { name: /^Invite / }).count(), { timeout: 20_000 }).toBe(0);
    expect(await secretariat.isHidden('#roster-invitation')).toBe(true);
  });

  test('both stay linked as themselves: what the newcomer writes reaches the secretariat through the members-only server', async () => {
    await closeRoster(newcomer);
    await caretAtEndOf(newcomer, newcomer.locator('.ProseMirror > p').first());
    await newcomer.keyboard.type(' Dee was here.');
    await secretariat.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Dee was here.'), null, { timeout: 20_000 });
    for (const page of [secretariat, newcomer]) expect(await page.textContent('#sync-status')).toMatch(/^In sync/);
  });
});
