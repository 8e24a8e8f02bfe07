/**
 * Closing a report window while guests are in the meeting it hosts (the desktop shell
 * against the fake Electron of fake-electron.ts; the meeting and the guest are real): the
 * host is asked first, "Keep the meeting" keeps the window and the guest, "End the
 * meeting and close" closes both. Quitting asks the same, and once agreed the app quits,
 * on macOS too. With nobody in the meeting, the window closes at once.
 */
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { cleanupApps, pageEvent, startApp, until } from './main-harness.ts';
import type { MeetingInfo } from '../../shared/sync-requests.ts';
import { MEETING_ENDED } from '../../main/services/sync/meeting-host.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  cleanupApps();
});

/** The app, with meetings on loopback as every server in the tests, and its one window hosting a meeting. */
async function hostingApp() {
  const saved = process.env.PLENARY_MEETING_HOST;
  process.env.PLENARY_MEETING_HOST = '127.0.0.1';
  try {
    const { fake } = await startApp();
    const window = fake.windows()[0]!;
    const hosted = (await fake.invoke('plenary:request', pageEvent(window.webContents), 'hostMeeting', [])) as { ok: true; value: MeetingInfo };
    expect(hosted.value.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    return { fake, window, meeting: hosted.value };
  } finally {
    if (saved === undefined) delete process.env.PLENARY_MEETING_HOST;
    else process.env.PLENARY_MEETING_HOST = saved;
  }
}

/** A guest in the meeting (named, if `user` is given, as their app names them), with the close codes its connection ended with. */
async function guestIn(meeting: MeetingInfo, user?: { name: string; group: string }): Promise<{ closes: number[] }> {
  const closes: number[] = [];
  class Watched extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('error', () => {});
      this.on('close', (code: number) => closes.push(code));
    }
  }
  const reportId = new URL(meeting.invite).pathname.slice(1);
  const provider = new HocuspocusProvider({ url: meeting.url, name: reportId, document: new Y.Doc(), token: meeting.code, WebSocketPolyfill: Watched } as ConstructorParameters<typeof HocuspocusProvider>[0]);
  cleanups.push(() => provider.destroy());
  await until(() => provider.isSynced, 'the guest to be in the meeting');
  if (user) provider.setAwarenessField('user', { ...user, colour: 0 });
  return { closes };
}

it('asks before ending a meeting a guest is in: kept, the window and the guest stay; ended, both go', async () => {
  const { fake, window, meeting } = await hostingApp();
  const guest = await guestIn(meeting);

  fake.dialogAnswers.message = 1;
  window.close();
  await until(() => fake.messageBoxes.length === 1, 'the question');
  expect(fake.messageBoxes[0]).toMatchObject({
    message: 'A guest is in the meeting you are hosting.',
    detail: 'Closing this report ends the meeting for them. Everyone keeps what they have: their own edits, and all they received; what they sent is in this report.',
    buttons: ['End the meeting and close', 'Keep the meeting'],
    cancelId: 1,
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(window.isDestroyed()).toBe(false);
  expect(guest.closes).toEqual([]);

  fake.dialogAnswers.message = 0;
  window.close();
  await until(() => window.isDestroyed(), 'the window to close');
  expect(fake.messageBoxes).toHaveLength(2);
  await until(() => guest.closes.length > 0, 'the guest to be let go');
  expect(guest.closes[0]).toBe(MEETING_ENDED.code);
});

/** Runs `body` as if on `platform`: the app decides at run time whether closing its last window quits it. */
async function onPlatform(platform: NodeJS.Platform, body: () => Promise<void>): Promise<void> {
  const saved = Object.getOwnPropertyDescriptor(process, 'platform')!;
  Object.defineProperty(process, 'platform', { ...saved, value: platform });
  try {
    await body();
  } finally {
    Object.defineProperty(process, 'platform', saved);
  }
}

// On macOS an app stays open without windows unless quit: the quit the host agreed to must go on.
it.each(['darwin', 'linux'] as const)('quitting (%s) while a guest is in the meeting: asked; kept, the meeting stays; ended, the app quits', (platform) =>
  onPlatform(platform, async () => {
    const { fake, window, meeting } = await hostingApp();
    const guest = await guestIn(meeting, { name: 'Ana Diaz', group: 'civil society' });
    let quits = 0;
    fake.app.on('will-quit', () => quits++);
    // Named once their presence has come.
    let named: string[] = [];
    const syncStatus = async () => (await fake.invoke('plenary:request', pageEvent(window.webContents), 'syncStatus', [])) as { value: { meeting: MeetingInfo | null } };
    for (let i = 0; i < 100 && named.length === 0; i++) {
      named = (await syncStatus()).value.meeting?.guestNames ?? [];
      if (named.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(named).toEqual(['Ana Diaz (civil society)']);

    fake.dialogAnswers.message = 1;
    fake.app.quit();
    await until(() => fake.messageBoxes.length === 1, 'the question');
    expect(fake.messageBoxes[0]!.message).toBe('Ana Diaz (civil society) is in the meeting you are hosting.');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(window.isDestroyed()).toBe(false);
    expect(quits).toBe(0);
    expect(guest.closes).toEqual([]);

    fake.dialogAnswers.message = 0;
    fake.app.quit();
    await until(() => quits === 1, 'the app to quit');
    expect(window.isDestroyed()).toBe(true);
    expect(fake.messageBoxes).toHaveLength(2);
    await until(() => guest.closes.length > 0, 'the guest to be let go');
    expect(guest.closes[0]).toBe(MEETING_ENDED.code);
  }));

it('a window closed by itself after a quit was called off does not quit the app (macOS)', () =>
  onPlatform('darwin', async () => {
    const { fake, window, meeting } = await hostingApp();
    await guestIn(meeting);
    let quits = 0;
    fake.app.on('will-quit', () => quits++);

    fake.dialogAnswers.message = 1;
    fake.app.quit();
    await until(() => fake.messageBoxes.length === 1, 'the question');
    await new Promise((resolve) => setTimeout(resolve, 200));
    fake.dialogAnswers.message = 0;
    window.close();
    await until(() => window.isDestroyed(), 'the window to close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(quits).toBe(0);
  }));

it('a secretariat with many reports open: one quit listener for all their windows, not one each (Node warns past ten)', async () => {
  const { fake, window } = await hostingApp();
  const folder = mkdtempSync(join(tmpdir(), 'plenary-many-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  for (let i = 0; i < 11; i++) {
    fake.dialogAnswers.save = join(folder, `Report ${i}.plenary`);
    expect(await fake.invoke('plenary:request', pageEvent(window.webContents), 'newReport', [])).toMatchObject({ ok: true });
  }
  expect(fake.windows()).toHaveLength(12);
  // Each page asks for its sync status as it opens, and so has its window guarded.
  for (const each of fake.windows()) await fake.invoke('plenary:request', pageEvent(each.webContents), 'syncStatus', []);
  expect(fake.app.listenerCount('before-quit')).toBe(1);
});

it('closes at once a window whose meeting nobody is in', async () => {
  const { fake, window } = await hostingApp();
  window.close();
  expect(window.isDestroyed()).toBe(true);
  expect(fake.messageBoxes).toEqual([]);
});
