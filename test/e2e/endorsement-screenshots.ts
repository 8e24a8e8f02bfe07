/**
 * Screenshot of the editor with the stance gutter and an open paragraph panel, for the
 * README (docs/screenshots/endorsements.png). Not a test: `node
 * test/e2e/endorsement-screenshots.ts` after changing how stances look. Four members in
 * four browser profiles (each its own identity in the host) take stances; one edit
 * leaves a stale stance with its diff.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, newPage, openEditor, startHost, tempDataDir } from './harness.ts';
import { addMember, block, chooseStance, closeRoster, fillMember, openPanelByKeyboard, openRoster, paragraphId } from './stance-helpers.ts';

const out = join(ROOT, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const dataDir = tempDataDir();
const host = await startHost({ dataDir });
const browser = await launchBrowser();
try {
  const people = [
    { name: 'Amina Diallo', group: 'government' },
    { name: 'Bruno Costa', group: 'private-sector' },
    { name: 'Chen Wei', group: 'civil-society' },
    { name: 'Dagny Olsen', group: 'international-organization' },
  ];
  const pages = [];
  for (let i = 0; i < people.length; i++) {
    const { page } = await newPage(browser, { width: 1440, height: 860 });
    await openEditor(page, host.url);
    pages.push(page);
  }
  const chair = pages[0]!;
  await openRoster(chair);
  await fillMember(chair, { ...people[0]!, role: 'chair', isMe: true });
  for (const person of people.slice(1)) await addMember(chair, person);
  await closeRoster(chair);
  for (let i = 1; i < people.length; i++) {
    const page = pages[i]!;
    await openRoster(page);
    await page.getByRole('button', { name: `I am ${people[i]!.name}` }).click();
    await page.locator('.who-am-i', { hasText: `You are ${people[i]!.name}` }).waitFor();
    await closeRoster(page);
  }
  const ids = await Promise.all([0, 1, 2, 3, 4].map((n) => paragraphId(chair, n)));
  // Paragraph 1: recognized by all; 2: an objection; 3: partly; 4: a stale endorsement.
  const plan: [number, number, string, string][] = [
    [0, 0, 'Endorse', ''], [0, 1, 'Endorse', ''], [0, 2, 'Endorse', ''], [0, 3, 'Accept', ''],
    [1, 0, 'Endorse', ''], [1, 2, 'Objection', 'The paragraph leaves out the consultations held in the regions.'],
    [2, 0, 'Endorse', ''], [2, 1, 'Reservation', 'We would prefer "should" to "must" in the second sentence.'],
    [3, 1, 'Endorse', ''], [3, 0, 'Endorse', ''], [3, 2, 'Accept', ''],
  ];
  for (const [blockIndex, person, stance, note] of plan) {
    const page = pages[person]!;
    await openPanelByKeyboard(page, ids[blockIndex]!);
    await chooseStance(page, stance, note);
    await page.locator('#stance-panel .stance', { hasText: people[person]!.name }).waitFor();
    await page.keyboard.press('Escape');
  }
  // The chair amends paragraph 4: the endorsements on it now hold for an earlier text.
  await block(chair, ids[3]!).click();
  await chair.keyboard.press('End');
  await chair.keyboard.press('Control+ArrowLeft');
  await chair.keyboard.type('multilateral, ');
  const bruno = pages[1]!;
  await openPanelByKeyboard(bruno, ids[3]!);
  await bruno.locator('#stance-panel .stance[data-status="stale"]').first().waitFor();
  await bruno.evaluate((id) => document.querySelector(`[data-block-id="${id}"]`)?.scrollIntoView({ block: 'center' }), ids[3]!);
  await bruno.locator('#stance-panel-title').focus();
  await bruno.screenshot({ path: join(out, 'endorsements.png') });
  console.log(`Wrote ${join(out, 'endorsements.png')}`);
} finally {
  await browser.close();
  await host.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
