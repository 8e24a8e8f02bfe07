// The preload is the only code that bridges the sandboxed page and main. It runs here in
// Node against a stand-in for Electron's contextBridge and ipcRenderer (the one mock the
// brief allows), bundled exactly as scripts/build.mjs bundles it.
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { EventEmitter } from 'node:events';
import type { HostEvent, PlenaryApi } from '../../shared/api.ts';

class FakeIpcRenderer extends EventEmitter {
  sent: Array<{ channel: string; args: unknown[] }> = [];
  invoked: Array<{ channel: string; args: unknown[] }> = [];
  reply: unknown = { ok: true, value: null };
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.reply;
  }
}

async function loadPreload(): Promise<{ exposed: Map<string, unknown>; ipc: FakeIpcRenderer }> {
  const bundle = await build({
    entryPoints: ['main/electron/preload.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  const exposed = new Map<string, unknown>();
  const ipc = new FakeIpcRenderer();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: ipc,
    // Electron's own: the path of a File from a drop, '' for one not on disk.
    webUtils: { getPathForFile: (file: { stand_in_path?: string }) => file.stand_in_path ?? '' },
  };
  const required: string[] = [];
  const fakeRequire = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`A sandboxed preload cannot require ${name}`);
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', bundle.outputFiles[0]!.text)(fakeRequire, module, module.exports);
  expect(required).toEqual(['electron']);
  return { exposed, ipc };
}

describe('preload', () => {
  it('exposes exactly PlenaryApi as window.plenary: the host name and functions, never ipcRenderer', async () => {
    const { exposed } = await loadPreload();
    expect([...exposed.keys()]).toEqual(['plenary']);
    const api = exposed.get('plenary') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['host', 'onEvent', 'onMessage', 'pathForFile', 'request', 'sendMessage']);
    expect(api.host).toBe('electron');
    for (const key of ['onEvent', 'onMessage', 'request', 'sendMessage']) expect(typeof api[key]).toBe('function');
  });

  it('sends requests as (name, args) and returns the value main replied with', async () => {
    const { exposed, ipc } = await loadPreload();
    const api = exposed.get('plenary') as PlenaryApi;
    ipc.reply = { ok: true, value: { path: '/r.plenary', id: 'r1', title: 'Report' } };
    await expect(api.request('currentReport')).resolves.toEqual({ path: '/r.plenary', id: 'r1', title: 'Report' });
    await api.request('openReport', '/x.plenary');
    expect(ipc.invoked).toEqual([
      { channel: 'plenary:request', args: ['currentReport', []] },
      { channel: 'plenary:request', args: ['openReport', ['/x.plenary']] },
    ]);
  });

  it('rejects with main\'s own message when a request is refused', async () => {
    const { exposed, ipc } = await loadPreload();
    const api = exposed.get('plenary') as PlenaryApi;
    ipc.reply = { ok: false, message: 'report.plenary is not a Plenary report.' };
    await expect(api.request('openReport', '/report.plenary')).rejects.toThrow(/^report\.plenary is not a Plenary report\.$/);
  });

  it('passes sync messages both ways as bytes, without the IPC event, and unsubscribes', async () => {
    const { exposed, ipc } = await loadPreload();
    const api = exposed.get('plenary') as PlenaryApi;
    const received: unknown[][] = [];
    const stop = api.onMessage((...args: unknown[]) => received.push(args));
    const bytes = new Uint8Array([0, 1, 2]);
    ipc.emit('plenary:message', { sender: 'the IPC event' }, bytes);
    ipc.emit('plenary:message', { sender: 'the IPC event' }, 'not bytes');
    expect(received).toEqual([[bytes]]);
    stop();
    stop();
    ipc.emit('plenary:message', {}, bytes);
    expect(received).toHaveLength(1);
    expect(ipc.listenerCount('plenary:message')).toBe(0);

    api.sendMessage(bytes);
    expect(ipc.sent).toEqual([{ channel: 'plenary:message', args: [bytes] }]);
    expect(() => api.sendMessage('text' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('delivers host events (menu commands) and nothing malformed', async () => {
    const { exposed, ipc } = await loadPreload();
    const api = exposed.get('plenary') as PlenaryApi;
    const events: HostEvent[] = [];
    const stop = api.onEvent((event) => events.push(event));
    ipc.emit('plenary:event', {}, { type: 'menu', command: 'undo' });
    ipc.emit('plenary:event', {}, null);
    ipc.emit('plenary:event', {}, 'menu');
    expect(events).toEqual([{ type: 'menu', command: 'undo' }]);
    stop();
    expect(ipc.listenerCount('plenary:event')).toBe(0);
  });
  it('tells the page where a dropped file is on disk, through Electron, and nothing for one that is not a file', async () => {
    const { exposed } = await loadPreload();
    const api = exposed.get('plenary') as PlenaryApi;
    expect(api.pathForFile!({ stand_in_path: '/home/ana/Mail/Changes for Ana.plenary-changes' })).toBe('/home/ana/Mail/Changes for Ana.plenary-changes');
    expect(api.pathForFile!({})).toBe('');
  });
});
