/**
 * Roster → Invite in the real renderer: the secretariat, its report linked to the working
 * group's server, invites someone it entered without a key; the newcomer, on another
 * machine (a browser host of their own), enters the invitation in Connect… and their page
 * opens the report with them as that entry. Two browser hosts, one members-only sync server
 * on loopback: each page links as its own browser profile, whose key is the one its
 * roster entry holds.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { addMember, closeRoster, fillMember, openRoster } from './stance-helpers.ts';
import { caretAtEndOf } from './editor-input.ts';
import { connectTo, rosterRow as row, twoMachinesAndMembersOnlyServer, waitInSync as inSync, type TwoMachines } from './two-machines.ts';

let machines: TwoMachines;
let secretariat: Page;
let newcomer: Page;

beforeAll(async () => {
  machines = await twoMachinesAndMembersOnlyServer();
  ({ first: secretariat, second: newcomer } = machines);
});

afterAll(async () => {
  await machines?.close();
  expect(machines?.errors).toEqual([]);
});

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
    await connectTo(secretariat, machines.server.url);
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
    expect(invitation).toMatch(new RegExp(`^${machines.server.url}/[\\w-]+\\?member=${deeId}$`));
    await secretariat.screenshot({ path: 'test-results/roster-invitation.png' });
    // Done puts the focus back on the row's Invite button.
    await secretariat.getByRole('button', { name: 'Done' }).click();
    await secretariat.waitForSelector('#roster-invitation[hidden]', { state: 'attached' });
    expect(await secretariat.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Invite Dee Okafor: their address to this report');
    await invite.click();
  });

  test('the newcomer enters it on their machine: the report opens with them as Dee Okafor, and the secretariat\'s invitation goes', async () => {
    await connectTo(newcomer, invitation);
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
