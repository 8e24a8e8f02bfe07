/**
 * A member who does not have the report yet gets it from the working group's server:
 * two machines (two browser hosts, each with its own data folder, so two different
 * sample reports), one sync server. The secretariat connects its report and reads, in
 * the Connect dialog, the address others need; the newcomer types that address in their
 * own Connect dialog, and their page opens the report, fetched and kept on their machine,
 * linked both ways, each seeing the other as present.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { ServerLink } from '../../main/services/sync/client.ts';
import { createReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { readMeta } from '../../shared/ydoc.ts';
import { addParagraphs } from '../unit/helpers/add-paragraph.ts';
import { cuttableLink, type Relay } from '../integration/fixtures/sync/harness.ts';

let secretariatHost: Host;
let newcomerHost: Host;
let guestHost: Host;
let server: SyncServer;
let browser: Browser;
let secretariat: Page;
let newcomer: Page;
let newcomerContext: BrowserContext;
let guest: Page;

beforeAll(async () => {
  [secretariatHost, newcomerHost, guestHost, server] = await Promise.all([
    startHost({ dataDir: tempDataDir() }),
    startHost({ dataDir: tempDataDir() }),
    startHost({ dataDir: tempDataDir() }),
    startSyncServer({ dataDir: tempDataDir(), host: '127.0.0.1', port: 0, log: silentLogger }),
  ]);
  browser = await launchBrowser();
  secretariat = (await newPage(browser)).page;
  ({ page: newcomer, context: newcomerContext } = await newPage(browser));
  guest = (await newPage(browser)).page;
  await openEditor(secretariat, secretariatHost.url);
  await openEditor(newcomer, newcomerHost.url);
  await openEditor(guest, guestHost.url);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([secretariatHost?.stop(), newcomerHost?.stop(), guestHost?.stop(), server?.close()]);
});

async function openConnectDialog(page: Page): Promise<void> {
  await page.click('#sync-menu-button');
  await page.getByRole('menuitem', { name: 'Connect to server…' }).click();
  await page.waitForSelector('#sync-server-url');
}

const bodyText = (page: Page): Promise<string> => page.$eval('.ProseMirror', (el) => el.textContent ?? '');

/** On how many lines the characters start…end of the element's text are laid out. */
const linesSpanned = (page: Page, selector: string, start: number, end: number): Promise<number> =>
  page.$eval(selector, (el, [from, to]) => {
    const range = document.createRange();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.textContent!.length;
      if (from >= seen && from <= seen + length) range.setStart(node, from - seen);
      if (to >= seen && to <= seen + length) range.setEnd(node, to - seen);
      seen += length;
    }
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  }, [start, end] as const);

describe('joining a report from its address', () => {
  let reportAddress = '';

  test('the secretariat connects its report and the Connect dialog gives the address members need', async () => {
    await openConnectDialog(secretariat);
    await secretariat.fill('#sync-server-url', server.url);
    await secretariat.getByRole('button', { name: 'Connect', exact: true }).click();
    await secretariat.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''));
    await secretariat.keyboard.press('Escape');
    const paragraph = secretariat.locator('.ProseMirror p').nth(1);
    await paragraph.click();
    await secretariat.keyboard.press('End');
    await secretariat.keyboard.type(' Drafted before the newcomer joined.');
    await secretariat.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''));

    await openConnectDialog(secretariat);
    await secretariat.waitForFunction(() => /\/[\w-]+$/.test(document.querySelector('#sync-report-address')?.textContent ?? ''));
    expect(await secretariat.textContent('p:has(> #sync-report-address)')).toMatch(/^Members who do not have this report yet connect to ws:/);
    reportAddress = (await secretariat.textContent('#sync-report-address'))!;
    expect(reportAddress).toMatch(new RegExp(`^${server.url}/[\\w-]+$`));
    await secretariat.keyboard.press('Escape');
  });

  test('the newcomer types that address: their page opens the report, kept in their own Reports folder', async () => {
    await openConnectDialog(newcomer);
    await newcomer.fill('#sync-server-url', reportAddress);
    await newcomer.getByRole('button', { name: 'Connect', exact: true }).click();
    await newcomer.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Drafted before the newcomer joined.'), null, { timeout: 20_000 });
    await newcomer.waitForSelector('body[data-ready="true"] .ProseMirror');
    expect(await bodyText(newcomer)).toBe(await bodyText(secretariat));
    expect(new URL(newcomer.url()).searchParams.get('report')).toMatch(/\.plenary$/);
    expect(readdirSync(join(newcomerHost.dataDir, 'Reports')).filter((f) => f.endsWith('.plenary')).length).toBe(2);
    await newcomer.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''));
  });

  test('each machine shows the other person as present, through the server', async () => {
    // Both pages are guests of their own hosts: each sees exactly one other person.
    for (const page of [secretariat, newcomer]) {
      await page.waitForFunction(() => document.querySelectorAll('#presence-list .presence-person').length === 1);
    }
    const seenBySecretariat = await secretariat.$eval('#presence-list .presence-person', (el) => (el as HTMLElement).dataset.name);
    const seenByNewcomer = await newcomer.$eval('#presence-list .presence-person', (el) => (el as HTMLElement).dataset.name);
    expect(seenBySecretariat).toMatch(/^Guest [0-9a-f]{4}$/);
    expect(seenByNewcomer).toMatch(/^Guest [0-9a-f]{4}$/);
    expect(seenBySecretariat).not.toBe(seenByNewcomer);
  });

  test('edits go both ways from then on', async () => {
    const paragraph = newcomer.locator('.ProseMirror p').nth(2);
    await paragraph.click();
    await newcomer.keyboard.press('End');
    await newcomer.keyboard.type(' Added by the newcomer.');
    await secretariat.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Added by the newcomer.'));
  });

  test('an address naming a report the server does not have is refused in the dialog (Enter in the field), and the page stays', async () => {
    const before = newcomer.url();
    await openConnectDialog(newcomer);
    await newcomer.fill('#sync-server-url', `${server.url}/no-such-report`);
    await newcomer.keyboard.press('Enter');
    await newcomer.waitForFunction(() => /has no report no-such-report/.test(document.querySelector('#sync-dialog-message')?.textContent ?? ''));
    expect(newcomer.url()).toBe(before);
    await newcomer.keyboard.press('Escape');
  });
});

describe('a meeting hosted from the app, joined by someone without the report', () => {
  let invite = '';
  let shortInvite = '';

  test('the host starts the meeting: the dialog shows the invitation and now offers only to stop it', async () => {
    await newcomer.click('#sync-menu-button');
    await newcomer.getByRole('menuitem', { name: 'Host a meeting…' }).click();
    await newcomer.getByRole('button', { name: 'Start the meeting' }).click();
    await newcomer.waitForSelector('#sync-meeting-invite');
    invite = (await newcomer.textContent('#sync-meeting-invite'))!;
    shortInvite = (await newcomer.textContent('#sync-meeting-short-invite'))!;
    const code = (await newcomer.textContent('#sync-meeting-code'))!;
    expect(invite).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/[\\w-]+#${code}$`));
    expect(shortInvite).toBe(`${invite.replace(/\/[^/]*$/, '')}#${code}`);
    // Read off the screen or aloud, the code and the host must not be broken over two lines.
    for (const selector of ['#sync-meeting-short-invite', '#sync-meeting-invite']) {
      const text = (await newcomer.textContent(selector))!;
      const host = text.match(/^ws:\/\/[^/#]+/)![0];
      expect(await linesSpanned(newcomer, selector, text.indexOf('#'), text.length), `${selector}: the code`).toBe(1);
      expect(await linesSpanned(newcomer, selector, 0, host.length), `${selector}: the host`).toBe(1);
    }
    // Hosted on loopback (as these tests must be): the dialog says nobody else can reach it.
    expect(await newcomer.textContent('#sync-meeting-no-network')).toMatch(/^127\.0\.0\.1 is this computer’s own address: nobody else can reach it\./);
    expect(await newcomer.getByRole('button', { name: 'Start the meeting' }).count()).toBe(0);
    expect(await newcomer.getByRole('status').filter({ hasText: 'guest' }).textContent()).toBe('No guest is in the meeting now.');
    await expect.poll(() => newcomer.evaluate(() => document.activeElement?.textContent)).toBe('Stop the meeting');
    await newcomer.keyboard.press('Escape');
    await newcomer.waitForFunction((c) => (document.querySelector('#sync-status')?.textContent ?? '').includes(`hosting a meeting, code ${c}`), code);
  });

  test('Copy puts an invitation on the clipboard, and where the clipboard is refused selects it to copy by hand', async () => {
    await newcomerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: newcomerHost.url });
    await newcomer.click('#sync-menu-button');
    await newcomer.getByRole('menuitem', { name: 'Host a meeting…' }).click();
    const copyWhole = newcomer.getByRole('button', { name: 'Copy the whole invitation' });
    await copyWhole.focus();
    await newcomer.keyboard.press('Enter');
    await expect.poll(() => newcomer.evaluate(() => navigator.clipboard.readText())).toBe(invite);
    expect(await copyWhole.textContent()).toBe('Copied');
    expect(await newcomer.locator('.sync-invite-row [role="status"]').first().textContent()).toBe('');
    expect(await newcomer.locator('.sync-invite-row:has(#sync-meeting-invite) [role="status"]').textContent()).toBe('Copied to the clipboard.');

    // As in a window whose clipboard is refused.
    await newcomer.evaluate(() => Object.defineProperty(navigator.clipboard, 'writeText', { configurable: true, value: () => Promise.reject(new DOMException('Refused', 'NotAllowedError')) }));
    try {
      const copyShort = newcomer.getByRole('button', { name: 'Copy the invitation for members who have the report' });
      await copyShort.click();
      await expect.poll(() => newcomer.evaluate(() => getSelection()?.toString())).toBe(shortInvite);
      expect(await copyShort.textContent()).toMatch(/^Press (Ctrl\+C|⌘C)$/);
      expect(await newcomer.locator('.sync-invite-row:has(#sync-meeting-short-invite) [role="status"]').textContent()).toMatch(/^Selected: press (Ctrl\+C|⌘C) to copy\.$/);
      expect(await newcomer.evaluate(() => navigator.clipboard.readText())).toBe(invite);
    } finally {
      await newcomer.evaluate(() => delete (navigator.clipboard as { writeText?: unknown }).writeText);
    }
    await newcomer.keyboard.press('Escape');
  });

  test('a guest types the invitation: their page opens the report from the meeting, and edits go both ways', async () => {
    await openConnectDialog(guest);
    // The short invitation links the report one has open, and theirs is another one: said in the dialog.
    await guest.fill('#sync-server-url', shortInvite);
    await guest.keyboard.press('Enter');
    await guest.waitForFunction(() => /^The meeting is for another report; open that one, or enter the whole invitation$/.test(document.querySelector('#sync-dialog-message')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await guest.fill('#sync-server-url', invite);
    await guest.keyboard.press('Enter');
    await guest.waitForURL(/report=/, { timeout: 20_000 });
    await guest.waitForSelector('body[data-ready="true"] .ProseMirror');
    await guest.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Added by the newcomer.'));
    const paragraph = guest.locator('.ProseMirror p').nth(3);
    await paragraph.click();
    await guest.keyboard.press('End');
    await guest.keyboard.type(' Said in the meeting.');
    await newcomer.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Said in the meeting.'));
    expect(await guest.textContent('#sync-status')).toMatch(/^In the meeting · in sync/);
    // The standing server gets it too: the host's report is still linked to it.
    await secretariat.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('Said in the meeting.'));
  });

  test('the guest leaves the meeting (their copy has no server of its own, so it stays unlinked) and comes back with the short invitation; the host sees them go and come', async () => {
    // The host keeps Host a meeting… open, with the focus on a Copy button, while the guest goes and comes back.
    await newcomer.click('#sync-menu-button');
    await newcomer.getByRole('menuitem', { name: 'Host a meeting…' }).click();
    const guests = newcomer.locator('#sync-meeting-guests');
    await expect.poll(() => guests.textContent()).toBe('1 guest is in the meeting.');
    // Named as their presence names them, and only they: not the secretariat, also here through the server.
    const named = newcomer.getByRole('list', { name: 'Guests in the meeting' }).getByRole('listitem');
    await expect.poll(() => named.allTextContents()).toHaveLength(1);
    const [guestName] = await named.allTextContents();
    expect(guestName).toMatch(/^Guest [0-9a-f]{4}$/);
    const alsoHere = await newcomer.locator('#presence-list').textContent();
    expect(alsoHere).toContain(guestName);
    expect(alsoHere).toContain('(2)');
    // The status line counts them too, for a host who keeps the dialog closed.
    const hostStatus = () => newcomer.locator('#sync-status').textContent();
    expect(await hostStatus()).toMatch(/hosting a meeting, code [A-Z2-9]{6}, 1 guest$/);
    await newcomer.getByRole('button', { name: 'Copy the whole invitation' }).focus();
    await openConnectDialog(guest);
    await guest.getByRole('button', { name: 'Leave the meeting' }).click();
    await guest.waitForFunction(() => document.querySelector('#sync-notice')?.textContent === 'Left the meeting; the report stays complete here.');
    await guest.waitForFunction(() => document.querySelector('#sync-status')?.textContent === 'Not connected to a server');
    await expect.poll(() => guests.textContent()).toBe('No guest is in the meeting now.');
    expect(await newcomer.locator('#sync-meeting-guest-names').isHidden()).toBe(true);
    await expect.poll(hostStatus).toMatch(/hosting a meeting, code [A-Z2-9]{6}$/);
    await guest.keyboard.press('Escape');
    await openConnectDialog(guest);
    await guest.fill('#sync-server-url', shortInvite);
    await guest.keyboard.press('Enter');
    await guest.waitForFunction(() => /^In the meeting · in sync/.test(document.querySelector('#sync-status')?.textContent ?? ''));
    // The notice names the meeting's host, not its code, and does not push the status out of the window.
    expect(await guest.textContent('#sync-notice')).toMatch(/^Joined the meeting at 127\.0\.0\.1:\d+\.$/);
    const right = await guest.evaluate(() => document.querySelector('#sync-status')!.getBoundingClientRect().right);
    expect(right).toBeLessThanOrEqual(await guest.evaluate(() => document.documentElement.clientWidth));
    await expect.poll(() => guests.textContent()).toBe('1 guest is in the meeting.');
    await expect.poll(() => named.allTextContents()).toEqual([guestName]);
    await newcomer.screenshot({ path: 'test-results/meeting-guests.png' });
    expect(await newcomer.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent)).toBe('Copy the whole invitation');
    await newcomer.keyboard.press('Escape');
  });

  test('stopping the meeting tells the host and the guest, and the guest keeps the whole report', async () => {
    await newcomer.click('#sync-menu-button');
    await newcomer.getByRole('menuitem', { name: 'Host a meeting…' }).click();
    await newcomer.getByRole('button', { name: 'Stop the meeting' }).click();
    await newcomer.waitForFunction(() => /The meeting has stopped/.test(document.querySelector('#sync-notice')?.textContent ?? ''));
    // The guest's app is told, and stops calling the meeting: their copy had no server of its own.
    await guest.waitForFunction(() => /^The meeting ended at \d{1,2}:\d{2}( [AP]M)? · your edits are kept here$/.test(document.querySelector('#sync-status')?.textContent ?? ''));
    expect(await bodyText(guest)).toBe(await bodyText(newcomer));
    await openConnectDialog(guest);
    expect(await guest.getByRole('button', { name: 'Leave the meeting' }).count()).toBe(0);
    await guest.keyboard.press('Escape');
  });
});

/**
 * A report of `paragraphs` numbered paragraphs on the server, linked from a copy of the
 * secretariat's, and a relay in front of the server that lets 60 kB through a second.
 */
async function aLongReportBehindASlowLine(title: string, paragraphs: number): Promise<{ report: OpenReport; reportId: string; secretariatLink: ServerLink; relay: Relay }> {
  const report = createReportFile(join(tempDataDir(), `${title}.plenary`), BLANK_REPORT_TEMPLATE, { title });
  addParagraphs(report.doc, paragraphs, (i) => `${i + 1}. The Working Group recognizes the respective roles of governments, the private sector and civil society.`);
  const reportId = readMeta(report.doc).id;
  const secretariatLink = new ServerLink({ url: server.url, reportId, doc: report.doc });
  const relay = await cuttableLink(server.port, 60 * 1024);
  return { report, reportId, secretariatLink, relay };
}

describe('a report that takes a while to come, on a slow network', () => {
  test('the Connect dialog says how much of it has come; closed meanwhile, the page stays and the notice offers the report; back from a time offline, the status line says how much has come', async () => {
    // A report with about 200 kB of history on the server, reached through a relay that
    // lets 60 kB through a second: a few seconds, as a long report on a hotel's Wi-Fi.
    const { report, reportId, secretariatLink, relay } = await aLongReportBehindASlowLine('Long report', 1_500);
    try {
      await expect.poll(() => secretariatLink.status.state, { timeout: 20_000 }).toBe('in-sync');
      await openConnectDialog(guest);
      await guest.fill('#sync-server-url', `ws://127.0.0.1:${relay.port}/${reportId}`);
      // What is shown and what a screen reader hears, kept across the page loading the report.
      await guest.evaluate(() => {
        const record = (selector: string, key: string): void => {
          const element = document.querySelector(selector)!;
          sessionStorage.setItem(key, '[]');
          new MutationObserver(() => {
            const seen = JSON.parse(sessionStorage.getItem(key)!) as string[];
            if (element.textContent) sessionStorage.setItem(key, JSON.stringify([...seen, element.textContent]));
          }).observe(element, { childList: true, characterData: true, subtree: true });
        };
        record('#sync-dialog .sync-progress', 'shown');
        record('#sync-progress-spoken', 'spoken');
      });
      await guest.keyboard.press('Enter');
      await guest.waitForFunction(() => /^Fetching the report… \d+\.\d kB received$/.test(document.querySelector('#sync-dialog .sync-progress')?.textContent ?? ''), undefined, { timeout: 15_000 });
      await guest.waitForFunction(() => (JSON.parse(sessionStorage.getItem('shown')!) as string[]).filter((line) => line.endsWith('kB received')).length >= 2);
      // Closed, the fetch goes on; another dialog opened meanwhile shows none of its progress.
      await guest.keyboard.press('Escape');
      await guest.click('#sync-menu-button');
      await guest.getByRole('menuitem', { name: 'Export changes…' }).click();
      await guest.waitForTimeout(1_500);
      expect(await guest.textContent('#sync-dialog .sync-progress')).toBe('');
      await guest.keyboard.press('Escape');
      // Back to typing in the report in front of them: when the fetched one has come, the
      // page stays, with what they typed; the notice offers the fetched report.
      const before = guest.url();
      await guest.click('.ProseMirror p');
      await guest.keyboard.press('End');
      await guest.keyboard.type(' Typed while the report came.');
      await guest.waitForFunction(() => /^“Long report” is now on this computer, linked to ws:\/\/127\.0\.0\.1:\d+\.$/.test(document.querySelector('#sync-notice .sync-notice-text')?.textContent ?? ''), undefined, { timeout: 30_000 });
      await guest.waitForTimeout(500);
      expect(guest.url()).toBe(before);
      expect(await bodyText(guest)).toContain('Typed while the report came.');
      // The status region holds the offer too: a screen reader hears that there is something to open.
      expect(await guest.$eval('#sync-notice-action', (el) => el.closest('[role="status"]')?.id)).toBe('sync-notice');
      await guest.focus('#sync-notice-action');
      expect(await guest.textContent('#sync-notice-action')).toBe('Open “Long report”');
      await guest.keyboard.press('Enter');
      await guest.waitForURL(/[?&]report=[^&]*Long(%20|\+)report/, { timeout: 10_000 });
      await guest.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('2. The Working Group recognizes'));
      // The count was shown as it grew, and said once: a screen reader hears it at most every 10 s.
      const { shown, spoken } = await guest.evaluate(() => ({
        shown: JSON.parse(sessionStorage.getItem('shown')!) as string[],
        spoken: JSON.parse(sessionStorage.getItem('spoken')!) as string[],
      }));
      expect(shown.filter((line) => line.endsWith('kB received')).length).toBeGreaterThanOrEqual(2);
      expect(spoken.filter((line) => /^Fetching the report… \d+\.\d kB received$/.test(line))).toHaveLength(1);
      await guest.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''), undefined, { timeout: 15_000 });

      // Away from the network while the others write a great deal: back, the status line
      // says how much of it has come, as it comes.
      relay.cut();
      await guest.waitForFunction(() => /^Offline/.test(document.querySelector('#sync-status')?.textContent ?? ''), undefined, { timeout: 15_000 });
      addParagraphs(report.doc, 2_000, (i) => `Written while the guest was away (${i + 1}), on the respective roles of governments, the private sector and civil society.`);
      await expect.poll(() => secretariatLink.status.state, { timeout: 20_000 }).toBe('in-sync');
      relay.restore();
      await guest.waitForFunction(() => /^Syncing( \d+ updates?)?… · \d+\.\d kB received$/.test(document.querySelector('#sync-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
      await guest.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    } finally {
      secretariatLink.close();
      report.close();
      relay.close();
    }
  });

  test('on a line that drops every few seconds, the dialog says the connection broke off and is made again, and the report opens', async () => {
    const { report, reportId, secretariatLink, relay } = await aLongReportBehindASlowLine('Flaky report', 2_000);
    // No connection lasts the six seconds the whole report takes at this rate.
    const drops = setInterval(() => {
      relay.cut();
      relay.restore();
    }, 3_000);
    try {
      await expect.poll(() => secretariatLink.status.state, { timeout: 20_000 }).toBe('in-sync');
      await openConnectDialog(guest);
      await guest.fill('#sync-server-url', `ws://127.0.0.1:${relay.port}/${reportId}`);
      await guest.keyboard.press('Enter');
      await guest.waitForFunction(() => /^The connection broke off after \d+\.\d kB; connecting again to fetch the rest…$/.test(document.querySelector('#sync-dialog .sync-progress')?.textContent ?? ''), undefined, { timeout: 20_000 });
      expect(await guest.textContent('#sync-dialog-message')).toBe('');
      await guest.waitForURL(/[?&]report=[^&]*Flaky(%20|\+)report/, { timeout: 60_000 });
      await guest.waitForFunction(() => document.querySelector('.ProseMirror')?.textContent?.includes('2. The Working Group recognizes'));
    } finally {
      clearInterval(drops);
      secretariatLink.close();
      report.close();
      relay.close();
    }
  });
});
