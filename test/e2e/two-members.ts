/**
 * Two members on one Plenary host (the browser host), each in a page and browser context
 * of their own, both in the editor: the set-up of the e2e tests where they edit at once.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage, openEditor, startHost, tempDataDir, type Host } from './harness.ts';

export interface TwoMembers {
  host: Host;
  browser: Browser;
  ana: Page;
  bo: Page;
  boContext: BrowserContext;
  /** The address Bo's page was opened at. */
  boUrl: string;
}

/** Starts a host and opens the report for Ana and Bo; `boQuery` is added to Bo's address. */
export async function twoMembersOnOneHost(options: { boQuery?: Record<string, string> } = {}): Promise<TwoMembers> {
  const host = await startHost({ dataDir: tempDataDir() });
  const browser = await launchBrowser();
  const ana = (await newPage(browser)).page;
  const { page: bo, context: boContext } = await newPage(browser);
  const url = new URL(host.url);
  for (const [name, value] of Object.entries(options.boQuery ?? {})) url.searchParams.set(name, value);
  const boUrl = url.toString();
  await openEditor(ana, host.url);
  await openEditor(bo, boUrl);
  return { host, browser, ana, bo, boContext, boUrl };
}

/** Closes the browser and stops the host; the host's exit code. */
export async function closeTwoMembers(members: TwoMembers | undefined): Promise<number | null | undefined> {
  await members?.browser.close();
  return members?.host.stop();
}
