/**
 * The screenshot of a meeting in the room for the README (docs/screenshots/meeting.png): the
 * chair's Host a meeting… dialog with the invitations and the guests who joined, named as
 * their own presence names them. The meeting listens where the app would for a user (this
 * computer's address on the room's network); the guests are stock Hocuspocus providers in
 * this process. Not a test: `node test/e2e/meeting-screenshot.ts`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HocuspocusProvider } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { ROOT, launchBrowser, newPage, openEditor, startHost, tempDataDir } from './harness.ts';

// Groups as the app announces them (renderer/sync-ui/mount.ts): the roster's group, in words.
const guests = [
  { name: 'Ana Diaz', group: 'government' },
  { name: 'Bo Lin', group: 'civil society' },
  { name: 'Chen Wei', group: 'private sector' },
  { name: 'Emeka Okafor', group: 'international organization' },
  { name: 'Fatima Sato', group: 'government' },
];

const out = join(ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const dataDir = tempDataDir();
const host = await startHost({ dataDir, meetingHost: 'room' });
const browser = await launchBrowser();
const providers: HocuspocusProvider[] = [];
try {
  const { page } = await newPage(browser, { width: 1400, height: 900 });
  await openEditor(page, host.url);
  await page.locator('.ProseMirror > p').first().click();
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Host a meeting…' }).click();
  await page.getByRole('button', { name: 'Start the meeting' }).click();
  await page.waitForSelector('#sync-meeting-invite');
  const invitation = new URL((await page.textContent('#sync-meeting-invite'))!.replace(/\s/g, ''));
  guests.forEach((user, colour) => {
    const provider = new HocuspocusProvider({
      url: `ws://${invitation.host}`,
      name: invitation.pathname.slice(1),
      token: invitation.hash.slice(1),
      document: new Y.Doc(),
      WebSocketPolyfill: WebSocket,
    } as ConstructorParameters<typeof HocuspocusProvider>[0]);
    provider.awareness!.setLocalStateField('user', { ...user, colour });
    providers.push(provider);
  });
  await page.waitForFunction((count) => document.querySelectorAll('#sync-meeting-guest-names li').length === count, guests.length, { timeout: 30_000 });
  await page.screenshot({ path: join(out, 'meeting.png') });
  console.log(`Wrote ${join(out, 'meeting.png')}`);
} finally {
  for (const provider of providers) provider.destroy();
  await browser.close();
  await host.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
