// The Electron main process as built (main/electron/main.ts bundled the way
// scripts/build.mjs bundles it), run in Node against a stand-in Electron
// (fake-electron.ts): start-up, the security settings it asks Electron for, the IPC
// guard, the renderer as a Yjs peer of the report, window titles, one window per file.
// What only real Chromium can show is in app.test.ts, which needs the Electron binary.
// (The bundle carries its own copy of Yjs, as in the app, so Yjs warns that it was
// imported twice; only bytes cross between the two copies here, which is safe.)
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { bodyOf, Origin, readMeta, writeMeta } from '../../shared/ydoc.ts';
import { encodeSyncStep1, encodeUpdate, handleMessage } from '../../shared/sync-messages.ts';
import { openReportFile } from '../../main/services/open-report.ts';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/content-policy.ts';
import { buildKeyBindings } from '../../shared/editor/keymap.ts';
import type { FakeElectron, FakeWebContents } from './fake-electron.ts';
import { cleanupApps, pageEvent, root, startApp, until } from './main-harness.ts';

afterEach(cleanupApps);

/** Plays the renderer: a Y.Doc synced with main over the window's IPC channels. */
function connectRenderer(fake: FakeElectron, contents: FakeWebContents) {
  const doc = new Y.Doc({ gc: false });
  const awareness = new awarenessProtocol.Awareness(doc);
  let delivered = 0;
  const send = (message: Uint8Array): void => fake.send('plenary:message', pageEvent(contents), message);
  const pump = (): void => {
    while (delivered < contents.sent.length) {
      const { channel, args } = contents.sent[delivered++]!;
      if (channel !== 'plenary:message') continue;
      const reply = handleMessage(args[0] as Uint8Array, doc, awareness, Origin.remote);
      if (reply) send(reply);
    }
  };
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== Origin.remote) send(encodeUpdate(update));
    pump();
  });
  send(encodeSyncStep1(doc));
  pump();
  return { doc, pump };
}

describe('Electron main process (stand-in Electron)', () => {
  it('opens the sample report from the data folder in a sandboxed, isolated window on plenary://', async () => {
    const { fake, dataDir } = await startApp();
    expect(fake.app.paths.get('userData')).toBe(dataDir);
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.privilegedSchemes).toEqual([expect.objectContaining({ scheme: 'plenary', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    const [window] = fake.windows();
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: join(root, 'dist', 'main', 'preload.cjs'),
    });
    expect(window!.loadedUrl).toBe('plenary://app/index.html');
    expect(window!.title).toMatch(/ — Plenary$/);

    const report = await fake.invoke('plenary:request', pageEvent(window!.webContents), 'currentReport', []);
    expect(report).toMatchObject({ ok: true, value: { path: expect.stringMatching(/\.plenary$/) } });
    expect((report as { value: { path: string } }).value.path.startsWith(dataDir)).toBe(true);
    expect(fake.app.recentDocuments).toEqual([(report as { value: { path: string } }).value.path]);
  });

  it('denies every permission, cancels remote requests and adds the CSP to responses', async () => {
    const { fake } = await startApp();
    const { session } = fake;
    const granted = await new Promise<boolean>((resolve) => session.permissionRequestHandler!({}, 'media', resolve));
    expect(granted).toBe(false);
    expect(session.permissionCheckHandler!({}, 'geolocation')).toBe(false);
    const decide = (url: string) => new Promise<boolean>((resolve) => session.beforeRequest!({ url }, (r) => resolve(r.cancel)));
    expect(await decide('https://example.org/tracker.js')).toBe(true);
    expect(await decide('plenary://app/app.js')).toBe(false);
    const headers = await new Promise<Record<string, string[]>>((resolve) => session.headersReceived!({ responseHeaders: {} }, (r) => resolve(r.responseHeaders)));
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);

    const serve = session.protocolHandlers.get('plenary')!;
    const escaped = await serve(new Request('plenary://app/../../package.json'));
    expect(escaped.status).toBe(404);
    if (existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
      const page = await serve(new Request('plenary://app/index.html'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(await page.text()).toContain('<html');
    }
  });

  it('keeps windows on our page: navigation (but a reload) and new windows are denied, safe web links go to the browser', async () => {
    const { fake } = await startApp();
    const contents = fake.windows()[0]!.webContents;
    const navigate = (url: string) => {
      let prevented = false;
      contents.emit('will-navigate', { url, isMainFrame: true, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(navigate('https://www.itu.int/net/wsis/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    // The page may reload itself (the editor's Reload when it could not show a change), nothing else of ours.
    expect(navigate(contents.getURL())).toBe(false);
    expect(navigate(contents.getURL().replace('index.html', 'app.js'))).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'mailto:chair@example.org' })).toEqual({ action: 'deny' });
    await until(() => fake.externalOpened.length === 2, 'external links');
    expect(fake.externalOpened).toEqual(['https://www.itu.int/net/wsis/', 'mailto:chair@example.org']);
  });

  it('answers requests only from our page in our window, and validates them', async () => {
    const { fake } = await startApp();
    const contents = fake.windows()[0]!.webContents;
    expect(await fake.invoke('plenary:request', pageEvent(contents), 'noSuchRequest', [])).toEqual({ ok: false, message: 'Unknown request "noSuchRequest".' });
    expect(await fake.invoke('plenary:request', pageEvent(contents), 'openReport', [42])).toEqual({ ok: false, message: 'The report to open must be a file path.' });
    expect(await fake.invoke('plenary:request', pageEvent(contents), 'openReport', ['/etc/passwd'])).toMatchObject({ ok: false });
    expect(await fake.invoke('plenary:request', pageEvent(contents), 'saveCopyAs', ['relative.plenary'])).toMatchObject({ ok: false });

    const refused = { ok: false, message: 'This page may not make requests.' };
    expect(await fake.invoke('plenary:request', pageEvent(contents, { url: 'https://evil.example/' }), 'currentReport', [])).toEqual(refused);
    expect(await fake.invoke('plenary:request', pageEvent(contents, { routingId: 99 }), 'currentReport', [])).toEqual(refused);
    const stranger = { ...contents, id: 999, mainFrame: contents.mainFrame } as unknown as FakeWebContents;
    expect(await fake.invoke('plenary:request', pageEvent(stranger), 'currentReport', [])).toEqual(refused);
  });

  it('makes the renderer a peer of the report: what it types is in the file, and the title follows the report', async () => {
    const { fake } = await startApp();
    const window = fake.windows()[0]!;
    const renderer = connectRenderer(fake, window.webContents);
    renderer.pump();
    const path = ((await fake.invoke('plenary:request', pageEvent(window.webContents), 'currentReport', [])) as { value: { path: string } }).value.path;
    expect(bodyOf(renderer.doc).length).toBeGreaterThan(0);

    renderer.doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText('Typed through the preload')]);
      bodyOf(renderer.doc).insert(0, [paragraph]);
    }, Origin.local);
    writeMeta(renderer.doc, { title: 'Report of the Working Group' }, Origin.local);
    expect(window.title).toBe('Report of the Working Group — Plenary');

    // Bytes that are not a y-protocols message, and messages from a foreign page, change nothing.
    fake.send('plenary:message', pageEvent(window.webContents), 'not bytes');
    fake.send('plenary:message', pageEvent(window.webContents, { url: 'https://evil.example/' }), encodeUpdate(new Uint8Array([0, 0])));

    window.close();
    const reopened = openReportFile(path);
    try {
      expect(bodyOf(reopened.doc).toString()).toContain('Typed through the preload');
      expect(readMeta(reopened.doc).title).toBe('Report of the Working Group');
    } finally {
      reopened.close();
    }
  });

  it('creates new reports and saves copies where the user says, never over a file the page names', async () => {
    const { fake, dataDir } = await startApp();
    const window = fake.windows()[0]!;
    const ask = (name: string, ...args: unknown[]) => fake.invoke('plenary:request', pageEvent(window.webContents), name, args);

    expect(await ask('newReport')).toEqual({ ok: true, value: null }); // the user cancelled the dialog
    fake.dialogAnswers.save = join(dataDir, 'Tunis draft');
    const created = (await ask('newReport')) as { ok: true; value: { path: string; title: string } };
    expect(created.ok).toBe(true);
    expect(created.value.path).toBe(join(dataDir, 'Tunis draft.plenary'));
    expect(existsSync(created.value.path)).toBe(true);
    expect(fake.windows()).toHaveLength(2);

    const copy = join(dataDir, 'copy.plenary');
    expect(await ask('saveCopyAs', copy)).toEqual({ ok: true, value: copy });
    expect(existsSync(copy)).toBe(true);
    expect(await ask('saveCopyAs', copy)).toEqual({ ok: false, message: 'copy.plenary already exists; choose another name.' });
    fake.dialogAnswers.save = join(dataDir, 'chosen in the dialog.plenary');
    expect(await ask('saveCopyAs', null)).toEqual({ ok: true, value: join(dataDir, 'chosen in the dialog.plenary') });

    const recent = (await ask('recentReports')) as { ok: true; value: Array<{ path: string }> };
    expect(recent.value.map((r) => r.path)).toEqual([created.value.path, expect.stringMatching(/\.plenary$/)]);
  });

  it('reloads a crashed renderer and resyncs it from main', async () => {
    const { fake } = await startApp();
    const contents = fake.windows()[0]!.webContents;
    connectRenderer(fake, contents);
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(contents.reloads).toBe(1);
    const before = contents.sent.length;
    const fresh = connectRenderer(fake, contents);
    fresh.pump();
    expect(contents.sent.length).toBeGreaterThan(before);
    expect(bodyOf(fresh.doc).length).toBeGreaterThan(0);
  });

  it('focuses the open window when its report is opened again, and opens another report in its own window', async () => {
    const { fake, dataDir } = await startApp();
    const first = fake.windows()[0]!;
    const path = ((await fake.invoke('plenary:request', pageEvent(first.webContents), 'currentReport', [])) as { value: { path: string } }).value.path;
    const other = join(dataDir, 'Second report.plenary');
    copyFileSync(path, other);

    fake.app.emit('second-instance', {}, ['/opt/Plenary/plenary', '--some-switch', path], dataDir);
    expect(fake.windows()).toHaveLength(1);
    expect(first.focusCount).toBeGreaterThan(0);

    fake.app.emit('second-instance', {}, ['/opt/Plenary/plenary', 'Second report.plenary'], dataDir);
    expect(fake.windows()).toHaveLength(2);
    expect(await fake.invoke('plenary:request', pageEvent(first.webContents), 'openReport', [other])).toMatchObject({ ok: true, value: { path: other } });
    expect(fake.windows()).toHaveLength(2);

    fake.app.emit('second-instance', {}, ['/opt/Plenary/plenary', join(dataDir, 'missing.plenary')], dataDir);
    expect(fake.errorBoxes).toEqual([expect.objectContaining({ title: 'Plenary could not open missing.plenary' })]);

    for (const window of fake.windows()) window.close();
    expect(fake.app.quitCalls).toBeGreaterThan(0);
  });

  it('routes Edit and Format menu items to the focused editor as menu events', async () => {
    const { fake } = await startApp();
    const window = fake.windows()[0]!;
    type Item = { label?: string; submenu?: Item[]; click?: (item: unknown, window: unknown) => void; role?: string };
    const menu = fake.menu() as Item[];
    expect(menu.map((m) => m.label?.replace('&', ''))).toEqual(expect.arrayContaining(['File', 'Edit', 'Format', 'View', 'Help']));
    const item = (top: string, label: string): Item => {
      const found = menu.find((m) => m.label?.replace('&', '') === top)?.submenu?.find((m) => m.label?.replace(/&/g, '') === label);
      if (!found) throw new Error(`no ${top} → ${label}`);
      return found;
    };
    item('Edit', 'Undo').click!({}, window);
    item('Format', 'Heading 2').click!({}, window);
    const events = window.webContents.sent.filter((s) => s.channel === 'plenary:event').map((s) => s.args[0]);
    expect(events).toEqual([{ type: 'menu', command: 'undo' }, { type: 'menu', command: 'heading-2' }]);
    const file = menu.find((m) => m.label === '&File')!.submenu!.map((m) => m.label?.replace(/&/g, '')).filter(Boolean);
    expect(file).toEqual(expect.arrayContaining(['New report…', 'Open…', 'Open recent', 'Save a copy as…', 'Close']));
  });

  it('shows the editor\'s own shortcuts on the Edit and Format items', async () => {
    const { fake } = await startApp();
    type Item = { label?: string; submenu?: Item[]; accelerator?: string; registerAccelerator?: boolean };
    const menu = fake.menu() as Item[];
    const keys = new Set(Object.keys(buildKeyBindings({ undo: () => false, redo: () => false })));
    const editorItems = menu
      .filter((m) => m.label === '&Edit' || m.label === 'F&ormat')
      .flatMap((m) => m.submenu ?? [])
      .filter((m) => m.accelerator !== undefined && m.registerAccelerator === false);
    // Undo, Redo; Bold, Italic, Link; Heading 1–4, Paragraph; the two lists and Quote.
    expect(editorItems).toHaveLength(13);
    for (const item of editorItems) {
      // Electron's "CmdOrCtrl+Shift+9" is ProseMirror's "Mod-Shift-9" (Ctrl+Y on Linux and Windows: Mod-y).
      const key = item.accelerator!.replace(/CmdOrCtrl|Cmd|Ctrl/, 'Mod').replace(/\+/g, '-').replace(/-([A-Z])$/, (_m, c: string) => `-${c.toLowerCase()}`);
      const variants = [key, key.replace(/^Mod-Shift-(.)$/, 'Shift-Mod-$1'), key.replace(/^Shift-Mod-(.)$/, 'Mod-Shift-$1')];
      expect(variants.some((k) => keys.has(k)), `${item.label}: ${item.accelerator}`).toBe(true);
    }
  });
});
