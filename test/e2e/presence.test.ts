/**
 * Presence through the browser host: two people (two browser profiles, so two
 * identities) on the same report see each other in the status line and each other's
 * caret, labelled with the name, in the text.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { tempDataDir } from './harness.ts';
import { closeTwoMembers, twoMembersOnOneHost, type TwoMembers } from './two-members.ts';
import { addMember, closeRoster, openRoster } from './stance-helpers.ts';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { silentLogger } from '../../main/services/sync/log.ts';
import { LEFT_SAID_AFTER_MS } from '../../renderer/sync-ui/presence-list.ts';

let members: TwoMembers;
let ana: Page;
let bo: Page;
let boContext: BrowserContext;

beforeAll(async () => {
  members = await twoMembersOnOneHost();
  ({ ana, bo, boContext } = members);
});

let server: SyncServer | undefined;
const serverData = tempDataDir();

afterAll(async () => {
  await closeTwoMembers(members);
  await server?.close();
});

const othersIn = (page: Page): Promise<string[]> =>
  page.$$eval('#presence-list .presence-person', (items) => items.map((i) => (i as HTMLElement).dataset.name ?? ''));

describe('sync status and Connect to server…', () => {
  test('the status line says the report is not connected; a bad address is refused in the dialog', async () => {
    await bo.waitForFunction(() => document.querySelector('#sync-status')?.textContent === 'Not connected to a server');
    await bo.click('#sync-menu-button');
    await bo.getByRole('menuitem', { name: 'Connect to server…' }).click();
    await bo.fill('#sync-server-url', 'http://example.org');
    await bo.getByRole('button', { name: 'Connect', exact: true }).click();
    await bo.waitForFunction(() => /starts with ws:\/\/ or wss:\/\//.test(document.querySelector('#sync-dialog-message')?.textContent ?? ''));
    await bo.getByRole('button', { name: 'Close', exact: true }).click();
  });

  test('an address nobody answers at is said in the dialog, and the link keeps trying until the server is there', async () => {
    // A port that was free a moment ago: the secretariat's server is not up yet.
    const probe = await startSyncServer({ dataDir: tempDataDir(), host: '127.0.0.1', port: 0, log: silentLogger });
    const { port, url } = probe;
    await probe.close();
    await bo.click('#sync-menu-button');
    await bo.getByRole('menuitem', { name: 'Connect to server…' }).click();
    await bo.fill('#sync-server-url', url);
    await bo.getByRole('button', { name: 'Connect', exact: true }).click();
    // While the dialog gives the server its time to answer, it says what the status line says.
    await bo.waitForFunction((u) => document.querySelector('#sync-status')?.textContent?.startsWith('Server not reached yet')
      && document.querySelector('#sync-dialog .sync-progress')?.textContent === `No answer from ${u} yet; trying again…`, url);
    await bo.waitForFunction((u) => document.querySelector('#sync-dialog-message')?.textContent === `${u} could not be reached. Check the address; Plenary keeps trying meanwhile, and your edits are kept here.`, url, { timeout: 15_000 });
    // Still open, with what was typed, and now with Disconnect.
    expect(await bo.inputValue('#sync-server-url')).toBe(url);
    expect(await bo.getByRole('button', { name: 'Disconnect', exact: true }).count()).toBe(1);
    expect(await bo.textContent('#sync-status')).toBe('Server not reached yet (check its address) · edits are kept here');
    // The link keeps trying, each try passing through "connecting": the line stays as it
    // is meanwhile. (Something at the port that hangs up on every caller counts the tries.)
    let tries = 0;
    const hangUp = createServer((socket) => {
      tries += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => hangUp.listen(port, '127.0.0.1', resolve));
    await bo.evaluate(() => {
      const line = document.querySelector('#sync-status')!;
      const shown: string[] = [];
      (window as unknown as { statusShown: string[] }).statusShown = shown;
      new MutationObserver(() => shown.push(line.textContent ?? '')).observe(line, { childList: true, characterData: true, subtree: true });
    });
    // (The network coming back makes the link try at once, instead of at its next backoff.)
    await boContext.setOffline(true);
    await boContext.setOffline(false);
    await expect.poll(() => tries, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await bo.waitForTimeout(300); // (for that try's status to reach the page)
    await new Promise<void>((resolve) => hangUp.close(() => resolve()));
    expect(await bo.evaluate(() => (window as unknown as { statusShown: string[] }).statusShown)).toEqual([]);
    // Tried again and the dialog closed meanwhile (Close is not held up by the wait, as
    // Escape is not): the status line's notice says it.
    await bo.getByRole('button', { name: 'Connect', exact: true }).click();
    await bo.waitForFunction(() => document.querySelector('#sync-dialog .sync-progress')?.textContent !== '');
    expect(await bo.getByRole('button', { name: 'Connect', exact: true }).isDisabled()).toBe(true);
    await bo.getByRole('button', { name: 'Close', exact: true }).click();
    await bo.waitForFunction((u) => document.querySelector('#sync-notice')?.textContent?.startsWith(`${u} could not be reached.`), url, { timeout: 15_000 });
    expect(await bo.evaluate(() => (document.querySelector('#sync-dialog') as HTMLDialogElement).open)).toBe(false);
    const late = await startSyncServer({ dataDir: tempDataDir(), host: '127.0.0.1', port, log: silentLogger });
    try {
      await bo.waitForFunction(() => /^In sync · \d/.test(document.querySelector('#sync-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    } finally {
      await late.close();
    }
  });

  test('connecting to a real server shows in sync with the time, in every page of the report', async () => {
    server = await startSyncServer({ dataDir: serverData, host: '127.0.0.1', port: 0, log: silentLogger });
    await bo.click('#sync-menu-button');
    await bo.getByRole('menuitem', { name: 'Connect to server…' }).click();
    await bo.fill('#sync-server-url', server.url);
    await bo.getByRole('button', { name: 'Connect', exact: true }).click();
    for (const page of [bo, ana]) {
      await page.waitForFunction(() => /^In sync · \d/.test(document.querySelector('#sync-status')?.textContent ?? ''));
    }
    // What the dialog did, said in the status line: true also if the line drops a moment later.
    expect(await bo.textContent('#sync-notice')).toBe(`Linked to ${server.url}.`);
  });

  test('typing keeps the status line and screen readers quiet; losing and regaining the server is said once each', async () => {
    await bo.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const record = (): void => void seen.push(`${document.querySelector('#sync-status')?.textContent} | said: ${document.querySelector('#sync-status-announcer')?.textContent}`);
      new MutationObserver(record).observe(document.querySelector('.sync-status-wrap')!, { childList: true, characterData: true, subtree: true });
    });
    const seen = (): Promise<string[]> => bo.evaluate(() => (window as unknown as { seen: string[] }).seen.splice(0));
    // What was last said (connecting, above) stays in the region; typing must not change it.
    const saidBefore = await bo.textContent('#sync-status-announcer');
    await bo.locator('.ProseMirror p').first().click();
    await bo.keyboard.press('End');
    for (const word of ' Adopted by consensus.'.split(/(?= )/)) {
      await bo.keyboard.type(word);
      await bo.waitForTimeout(150);
    }
    await ana.waitForFunction(() => document.body.textContent!.includes('Adopted by consensus.'));
    await bo.waitForTimeout(1_200);
    // Each word went to the server and was acknowledged: nothing worth showing or saying
    // (the time of the last sync may move on to the next minute meanwhile).
    const quiet = (line: string): boolean => {
      const [shown, said] = line.split(' | said: ');
      return /^In sync · /.test(shown!) && said === saidBefore;
    };
    expect((await seen()).filter((line) => !quiet(line))).toEqual([]);

    const port = server!.port;
    await server!.close();
    await bo.waitForFunction(() => /^Offline/.test(document.querySelector('#sync-status-announcer')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await bo.keyboard.type(' Typed while the server was away.');
    server = await startSyncServer({ dataDir: serverData, host: '127.0.0.1', port, log: silentLogger });
    await bo.waitForFunction(() => /^In sync/.test(document.querySelector('#sync-status-announcer')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await ana.waitForFunction(() => document.body.textContent!.includes('Typed while the server was away.'));
    const said = (await seen()).map((line) => line.split(' | said: ')[1]!.replace(/ · .*/, ''));
    expect([...new Set(said)]).toEqual(['Offline', 'In sync']);
  });
});

describe('presence', () => {
  test('each sees the other in the status line, by name', async () => {
    await ana.waitForFunction(() => document.querySelectorAll('#presence-list .presence-person').length === 1);
    await bo.waitForFunction(() => document.querySelectorAll('#presence-list .presence-person').length === 1);
    const [anaSees] = await othersIn(ana);
    const [boSees] = await othersIn(bo);
    expect(anaSees).toMatch(/^Guest [0-9a-f]{4}$/);
    expect(boSees).toMatch(/^Guest [0-9a-f]{4}$/);
    expect(anaSees).not.toBe(boSees);
    // A screen reader hears who arrived, not the list again: whoever was in the report
    // first hears the other join (one who finds someone there on opening hears nothing).
    const heard = async (): Promise<string[]> => [(await ana.textContent('#presence-announcer')) ?? '', (await bo.textContent('#presence-announcer')) ?? ''];
    await expect.poll(async () => {
      const [byAna, byBo] = await heard();
      return byAna === `${anaSees} joined.` || byBo === `${boSees} joined.`;
    }).toBe(true);
    for (const said of await heard()) expect(said).toMatch(/^(|Guest [0-9a-f]{4} joined\.)$/);
  });

  test('a caret placed in the text appears in the other\'s editor with the name', async () => {
    const [boSeesAnaAs] = await othersIn(bo);
    const paragraph = ana.locator('.ProseMirror p').nth(1);
    await paragraph.click();
    await ana.keyboard.press('End');
    await bo.waitForSelector('.ProseMirror .presence-caret .presence-label');
    expect(await bo.textContent('.ProseMirror .presence-caret .presence-label')).toBe(boSeesAnaAs);
    // The caret is inside the paragraph Ana clicked (the first one Bo sees may be where her
    // selection was as her editor took the focus, a moment before the click placed it).
    const anaText = (await paragraph.textContent()) ?? '';
    await bo.waitForFunction((start) => document.querySelector('.ProseMirror .presence-caret')?.closest('p')?.textContent?.startsWith(start), anaText.slice(0, 20));
  });

  test('the list of who is here is not redrawn (and read out again) as the other moves the caret', async () => {
    await bo.evaluate(() => {
      const w = window as unknown as { presenceRedraws: number };
      w.presenceRedraws = 0;
      new MutationObserver(() => w.presenceRedraws++).observe(document.querySelector('#presence-list')!, { childList: true, subtree: true, characterData: true });
    });
    const caretAt = (): string => {
      const { left, top } = document.querySelector('.ProseMirror .presence-caret')!.getBoundingClientRect();
      return `${left},${top}`;
    };
    const before = await bo.evaluate(caretAt);
    for (let i = 0; i < 5; i++) await ana.keyboard.press('ArrowLeft');
    await bo.waitForFunction((was) => {
      const { left, top } = document.querySelector('.ProseMirror .presence-caret')!.getBoundingClientRect();
      return `${left},${top}` !== was;
    }, before);
    expect(await bo.evaluate(() => (window as unknown as { presenceRedraws: number }).presenceRedraws)).toBe(0);
  });

  test('saying who one is in the roster shows one\'s name and group to the other, without a reload', async () => {
    const saidBefore = await bo.textContent('#presence-announcer');
    await openRoster(ana);
    await addMember(ana, { name: 'Ana Diaz', group: 'civil-society', isMe: true });
    await closeRoster(ana);
    await bo.waitForFunction(() => [...document.querySelectorAll('#presence-list .presence-person')].some((p) => p.textContent === 'Ana Diaz (civil society)'));
    // She neither joined nor left.
    expect(await bo.textContent('#presence-announcer')).toBe(saidBefore);
    // Whole in the tooltip, also when a full status line cuts the list short.
    expect(await bo.getAttribute('#presence-list', 'title')).toBe('Ana Diaz (civil society)');
    // "Also here" opens everyone by group; Escape closes it, back on the button.
    await bo.click('#presence-all');
    await bo.waitForSelector('#presence-panel:not([hidden])');
    expect(await bo.getAttribute('#presence-all', 'aria-expanded')).toBe('true');
    expect(await bo.$$eval('#presence-panel :is(h2, h3, li)', (nodes) => nodes.map((n) => n.textContent))).toEqual(['Also here: 1 person', 'civil society · 1', 'Ana Diaz']);
    await bo.keyboard.press('Escape');
    expect(await bo.isHidden('#presence-panel')).toBe(true);
    expect(await bo.evaluate(() => document.activeElement?.id)).toBe('presence-all');
    // A click elsewhere closes it too.
    await bo.click('#presence-all');
    await bo.waitForSelector('#presence-panel:not([hidden])');
    await bo.click('#report-title');
    expect(await bo.isHidden('#presence-panel')).toBe(true);
    expect(await bo.getAttribute('#presence-all', 'aria-expanded')).toBe('false');
    // Back in the text, her caret carries the name.
    await ana.locator('.ProseMirror p').nth(1).click();
    await ana.keyboard.press('End');
    await bo.waitForFunction(() => document.querySelector('.ProseMirror .presence-caret .presence-label')?.textContent === 'Ana Diaz');
  });

  test('a window reloaded is not news: the other hears neither that she left nor that she joined', async () => {
    const saidBefore = await bo.textContent('#presence-announcer');
    let gone = false;
    const watching = bo.waitForFunction(() => document.querySelectorAll('#presence-list .presence-person').length === 0, undefined, { timeout: 10_000 }).then(() => (gone = true));
    await ana.reload();
    await ana.waitForSelector('body[data-ready="true"] .ProseMirror');
    await watching;
    expect(gone).toBe(true);
    await bo.waitForFunction(() => [...document.querySelectorAll('#presence-list .presence-person')].some((p) => p.textContent === 'Ana Diaz (civil society)'));
    // Past the time a departure is said after.
    await bo.waitForTimeout(LEFT_SAID_AFTER_MS + 1_000);
    expect(await bo.textContent('#presence-announcer')).toBe(saidBefore);
  });

  test('a selection shows as the other\'s highlight, and leaving removes them', async () => {
    await ana.locator('.ProseMirror p').nth(1).click();
    await ana.keyboard.press('End');
    await ana.keyboard.press('Shift+Home');
    await bo.waitForSelector('.ProseMirror .presence-selection');
    await ana.close();
    await bo.waitForFunction(() => document.querySelectorAll('#presence-list .presence-person').length === 0 && !document.querySelector('.ProseMirror .presence-caret'));
    // Said once she has stayed away a few seconds (she might have been reloading).
    await bo.waitForFunction(() => document.querySelector('#presence-announcer')?.textContent === 'Ana Diaz (civil society) left.', undefined, { timeout: LEFT_SAID_AFTER_MS + 5_000 });
  });
});
