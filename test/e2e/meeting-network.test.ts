/**
 * A meeting whose host leaves the network: the laptop's Wi-Fi drops, or it joins another
 * network, and the address the meeting listens on is no longer this computer's. The host
 * is told, in the status line and in Host a meeting…, that nobody can reach the meeting
 * and what to do; once the address is back, the warning goes. The system's list of
 * interfaces is stood in for (fixtures/network-drops.mjs: SIGUSR2 takes the host off its
 * network and back); the host, the meeting and the page are real.
 */
import { expect, test } from 'vitest';
import { join } from 'node:path';
import { oneEditorPage } from './one-editor-page.ts';
import { ROOT } from './harness.ts';

const editor = oneEditorPage({ preload: join(ROOT, 'test', 'e2e', 'fixtures', 'network-drops.mjs') });
const statusLine = (): Promise<string> => editor.page.evaluate(() => document.querySelector('#sync-status')?.textContent ?? '');

const focused = (): Promise<string | null | undefined> => editor.page.evaluate(() => document.activeElement?.textContent);
const GONE = '127.0.0.1 is no longer this computer’s address: it has left that network, and nobody can reach the meeting. Join the room’s network again; if this stays, stop the meeting and start it again for a new invitation.';

test('the host that leaves its network is told nobody can reach the meeting, until the address is back', async () => {
  const { page, host } = editor;
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Host a meeting…' }).click();
  await page.getByRole('button', { name: 'Start the meeting' }).click();
  const code = (await page.textContent('#sync-meeting-code'))!;
  await expect.poll(focused).toBe('Stop the meeting');
  expect(await page.$('#sync-meeting-address-gone')).toBeNull();

  // Off the network with the dialog open: it says so where the invitation is, and the focus stays.
  process.kill(host.pid, 'SIGUSR2');
  await page.waitForSelector('#sync-meeting-address-gone', { timeout: 15_000 });
  expect(await page.textContent('#sync-meeting-address-gone')).toBe(GONE);
  expect(await focused()).toBe('Stop the meeting');
  await page.screenshot({ path: join(ROOT, 'test-results', 'meeting-address-gone.png') });
  await page.keyboard.press('Escape');
  expect(await statusLine()).toMatch(new RegExp(`hosting a meeting, code ${code}, that nobody can reach: this computer left its network \\(join it again, or stop the meeting and start it again\\)$`));
  // Said once to a screen reader, not only shown.
  expect(await page.textContent('#sync-status-announcer')).toContain('that nobody can reach');

  // Opened again while off the network, the dialog says it at once; back on, the warning goes.
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Host a meeting…' }).click();
  expect(await page.textContent('#sync-meeting-address-gone')).toBe(GONE);
  process.kill(host.pid, 'SIGUSR2');
  await page.waitForSelector('#sync-meeting-address-gone', { state: 'detached', timeout: 15_000 });
  // (Hosted on loopback, as the tests are, it is still out of reach of anyone else.)
  expect(await page.textContent('#sync-meeting-no-network')).toMatch(/^127\.0\.0\.1 is this computer’s own address/);
  await page.keyboard.press('Escape');
  await expect.poll(statusLine).toMatch(new RegExp(`hosting a meeting, code ${code}$`));
});
