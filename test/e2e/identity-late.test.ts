/**
 * The first moments after a page opens, in real Chromium against the real host: the host
 * has not yet said who the user is (its answer is held back at the socket), or the link
 * dropped while it was asked. "This is me" saved then waits for the identity and saves
 * once; a lost answer is asked again when the link is back. Nothing says the identity
 * could not be read; a save left waiting when the form is closed is dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';
import { addMember, fillMember, openRoster } from './stance-helpers.ts';

let host: Host;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

beforeAll(async () => {
  host = await startHost({ dataDir: tempDataDir() });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  expect(await host?.stop()).toBe(0);
});

interface IdentityRoute {
  /** How many times the page asked who it is. */
  asked: () => number;
  /** Lets the held answers through, and all later ones. */
  release: () => void;
}

/**
 * Routes the page's socket through the test: `holdAnswers` keeps the host's answers to
 * `identity` until released; `dropFirst` closes the link when the first is asked.
 */
async function routeIdentity(page: Page, { holdAnswers, dropFirst }: { holdAnswers: boolean; dropFirst: boolean }): Promise<IdentityRoute> {
  let asked = 0;
  let holding = holdAnswers;
  const held: Array<() => void> = [];
  await page.routeWebSocket(/\/api/, (socket: WebSocketRoute) => {
    const server = socket.connectToServer();
    const identityIds = new Set<number>();
    socket.onMessage((message) => {
      if (typeof message === 'string') {
        const frame = JSON.parse(message) as { name?: string; id?: number };
        if (frame.name === 'identity') {
          asked += 1;
          if (dropFirst && asked === 1) {
            void socket.close({ code: 1001, reason: 'Test: the link drops while the identity is asked.' });
            return;
          }
          identityIds.add(frame.id!);
        }
      }
      server.send(message);
    });
    server.onMessage((message) => {
      const pass = (): void => socket.send(message);
      if (holding && typeof message === 'string' && identityIds.has((JSON.parse(message) as { id?: number }).id ?? -1)) held.push(pass);
      else pass();
    });
  });
  return {
    asked: () => asked,
    release: () => {
      holding = false;
      for (const pass of held.splice(0)) pass();
    },
  };
}

async function aPage(): Promise<Page> {
  const { context, page } = await newPage(browser);
  contexts.push(context);
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
}

function rosterRows(page: Page) {
  return page.locator('#roster-dialog tbody tr');
}

describe('the identity arrives late', () => {
  test('"This is me" saved before the host has said who you are waits, then saves the entry once', async () => {
    const page = await aPage();
    const route = await routeIdentity(page, { holdAnswers: true, dropFirst: false });
    await openEditor(page, host.url);
    expect(route.asked()).toBeGreaterThan(0);
    await openRoster(page);
    await fillMember(page, { name: 'Amina Diallo', group: 'government', role: 'chair', isMe: true });
    await page.locator('#member-form-error', { hasText: 'Reading your identity…' }).waitFor();
    // Said as a wait, not as an error.
    expect(await page.getAttribute('#member-form-error', 'class')).toContain('is-waiting');
    // A second press while waiting adds nothing more.
    await page.click('.member-form button[type="submit"]');
    expect(await page.textContent('.who-am-i')).not.toMatch(/You are Amina Diallo/);
    route.release();
    await page.locator('.who-am-i', { hasText: 'You are Amina Diallo' }).waitFor();
    expect(await rosterRows(page).count()).toBe(1);
    expect(await page.textContent('#member-form-error')).toBe('');
    expect(await page.getAttribute('#member-form-error', 'class')).not.toContain('is-waiting');
    expect(await page.textContent('#alerts')).not.toMatch(/could not be read/);
  });

  test('an identity asked as the link dropped is asked again when it is back', async () => {
    const page = await aPage();
    const route = await routeIdentity(page, { holdAnswers: false, dropFirst: true });
    await openEditor(page, host.url);
    await expect.poll(() => route.asked(), { timeout: 15_000 }).toBeGreaterThan(1);
    await openRoster(page);
    // The test's first page is already in the roster; this member is someone else.
    await page.getByRole('button', { name: 'Add member' }).click();
    await fillMember(page, { name: 'Bruno Costa', group: 'private-sector', isMe: true });
    await page.locator('.who-am-i', { hasText: 'You are Bruno Costa' }).waitFor();
    expect(await page.textContent('#alerts')).not.toMatch(/could not be read/);
  });

  test('a save still waiting when the form is cancelled is dropped, also when the form is opened again meanwhile', async () => {
    const page = await aPage();
    const route = await routeIdentity(page, { holdAnswers: true, dropFirst: false });
    await openEditor(page, host.url);
    await openRoster(page);
    // An entry that is nobody's yet needs no identity; "I am …" appears beside it once the identity is known.
    await addMember(page, { name: 'Dmitri Volkov', group: 'government' });
    const before = await rosterRows(page).count();
    expect(await page.getByRole('button', { name: 'I am Dmitri Volkov' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Add member' }).click();
    await fillMember(page, { name: 'Carla Ruiz', group: 'civil-society', isMe: true });
    await page.locator('#member-form-error', { hasText: 'Reading your identity…' }).waitFor();
    await page.locator('.member-form').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.fill('#member-name', 'Eszter Nagy');
    route.release();

    await page.getByRole('button', { name: 'I am Dmitri Volkov' }).waitFor();
    expect(await rosterRows(page).count()).toBe(before);
    expect(await page.inputValue('#member-name')).toBe('Eszter Nagy');
    expect(await page.textContent('#member-form-error')).toBe('');
  });

  test('no page error', () => {
    expect(errors).toEqual([]);
  });
});
