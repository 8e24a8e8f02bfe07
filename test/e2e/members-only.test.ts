/**
 * A members-only sync server as its members see it in the real renderer: the chair links
 * the report; Bo, on a machine of his own (a browser host of his own), is refused until
 * the secretariat invites him, then writes; while he is linked the chair makes him an
 * observer, then retires him, and each time his status line says where he stands, his
 * own copy keeping what he types. Two browser hosts, one members-only server on loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { addMember, closeRoster, fillMember, openRoster } from './stance-helpers.ts';
import { caretAtEndOf } from './editor-input.ts';
import { connectTo, openConnectDialog, rosterRow, twoMachinesAndMembersOnlyServer, waitInSync, type TwoMachines } from './two-machines.ts';

let machines: TwoMachines;
let chair: Page;
let bo: Page;

beforeAll(async () => {
  machines = await twoMachinesAndMembersOnlyServer();
  ({ first: chair, second: bo } = machines);
});

afterAll(async () => {
  await machines?.close();
  expect(machines?.errors).toEqual([]);
});

const statusOf = (page: Page): Promise<string> => page.textContent('#sync-status').then((text) => text ?? '');

async function typeAtEndOfFirstParagraph(page: Page, text: string): Promise<void> {
  await caretAtEndOf(page, page.locator('.ProseMirror > p').first());
  await page.keyboard.type(text);
}

const chairSees = (text: string) => chair.waitForFunction((wanted) => document.querySelector('.ProseMirror')?.textContent?.includes(wanted), text, { timeout: 20_000 });

describe('a members-only server, in the members\' windows', () => {
  let reportAddress = '';

  test('the chair links the report, and it stays linked once the server holds the chair\'s key', async () => {
    await openRoster(chair);
    await fillMember(chair, { name: 'Amina Diallo', group: 'government', role: 'chair', isMe: true });
    await addMember(chair, { name: 'Bo Lin', group: 'civil-society' });
    await closeRoster(chair);
    await connectTo(chair, machines.server.url);
    await waitInSync(chair);
    await openConnectDialog(chair);
    await chair.waitForFunction(() => /\/[\w-]+$/.test(document.querySelector('#sync-report-address')?.textContent ?? ''));
    reportAddress = (await chair.textContent('#sync-report-address'))!;
    await chair.keyboard.press('Escape');
    // The roster it sent is now the server's: the chair is decided again by it, and stays.
    await typeAtEndOfFirstParagraph(chair, ' Agreed at the first meeting.');
    await chair.waitForTimeout(1_500);
    expect(await statusOf(chair)).toMatch(/^In sync/);
  });

  test('Bo, whom the roster does not hold yet, is refused by the report\'s address and told to ask for an invitation', async () => {
    await connectTo(bo, reportAddress);
    await bo.waitForFunction(() => /admits this report's members only/.test(document.querySelector('#sync-dialog-message')?.textContent ?? ''), null, { timeout: 20_000 });
    await bo.screenshot({ path: 'test-results/members-only-refused.png' });
    expect(await bo.textContent('#sync-dialog-message')).toMatch(/does not hold your key\. .*ask the secretariat for your invitation \(Roster → Invite\)/);
  });

  test('invited, Bo is in, and what he writes reaches the chair', async () => {
    await openRoster(chair);
    await rosterRow(chair, 'Bo Lin').getByRole('button', { name: /^Invite / }).click();
    const invitation = (await chair.textContent('#roster-invitation-address'))!;
    await chair.getByRole('button', { name: 'Done' }).click();
    await closeRoster(chair);
    await bo.fill('#sync-server-url', invitation);
    await bo.keyboard.press('Enter');
    await bo.waitForFunction(() => new URL(location.href).searchParams.get('report')?.endsWith('.plenary') && document.body.dataset.ready === 'true', null, { timeout: 20_000 });
    await waitInSync(bo);
    await typeAtEndOfFirstParagraph(bo, ' Bo agrees.');
    await chairSees('Bo agrees.');
  });

  test('made an observer while linked, Bo is linked again to read only; his status line says so and his edits stay his', async () => {
    await openRoster(chair);
    await rosterRow(chair, 'Bo Lin').getByRole('button', { name: 'Edit Bo Lin' }).click();
    await chair.selectOption('#member-role', 'observer');
    await chair.click('.member-form button[type="submit"]');
    await closeRoster(chair);
    await bo.waitForFunction(() => /^In sync, read only: the server takes no edits from observers; yours stay here/.test(document.querySelector('#sync-status')?.textContent ?? ''), null, { timeout: 20_000 });
    await bo.screenshot({ path: 'test-results/members-only-observer.png' });
    await typeAtEndOfFirstParagraph(bo, ' An aside by an observer.');
    await typeAtEndOfFirstParagraph(chair, ' The chair goes on.');
    await bo.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('The chair goes on.'), null, { timeout: 20_000 });
    expect(await chair.textContent('.ProseMirror')).not.toContain('An aside by an observer.');
    expect(await bo.textContent('.ProseMirror')).toContain('An aside by an observer.');
  });

  test('retired while linked, Bo is let go of and told why; what he types stays on his machine', async () => {
    await openRoster(chair);
    await rosterRow(chair, 'Bo Lin').getByRole('button', { name: 'Retire Bo Lin' }).click();
    await chair.getByRole('button', { name: 'Confirm: retire Bo Lin' }).click();
    await closeRoster(chair);
    await bo.waitForFunction(() => /your entry there is retired; ask the secretariat · your edits are kept here/.test(document.querySelector('#sync-status')?.textContent ?? ''), null, { timeout: 20_000 });
    await bo.screenshot({ path: 'test-results/members-only-retired.png' });
    // No longer linked, he no longer sees who is in the report (after the grace for a blink).
    await bo.waitForFunction(() => !document.querySelector('#sync-status')?.parentElement?.textContent?.includes('Amina Diallo'), null, { timeout: 15_000 });
    await typeAtEndOfFirstParagraph(bo, ' After retiring.');
    expect(await bo.textContent('.ProseMirror')).toContain('After retiring.');
    await typeAtEndOfFirstParagraph(chair, ' The chair closes.');
    await chair.waitForTimeout(1_500);
    expect(await chair.textContent('.ProseMirror')).not.toContain('After retiring.');
    expect(await bo.textContent('.ProseMirror')).not.toContain('The chair closes.');
  });
});
