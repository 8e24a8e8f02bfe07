// The browser host and the standing server keep serving when a promise fails with nobody
// waiting on it, as Electron's main process does; plain Node would end the process.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const guard = pathToFileURL(fileURLToPath(new URL('../../main/host/log-unhandled-rejections.ts', import.meta.url))).href;
const host = `
  import { logUnhandledRejections } from ${JSON.stringify(guard)};
  if (process.env.GUARDED) logUnhandledRejections((reason) => console.log('logged: ' + reason.split('\\n')[0]));
  Promise.reject(new Error('a check nobody awaited'));
  setTimeout(() => console.log('still serving'), 100);
`;
const run = (guarded: boolean) =>
  spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', host], {
    env: { ...process.env, GUARDED: guarded ? '1' : '' },
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('a promise that fails with nobody waiting on it', () => {
  it('is logged, and the process goes on', () => {
    const guarded = run(true);
    expect(guarded.stdout).toContain('logged: Error: a check nobody awaited');
    expect(guarded.stdout).toContain('still serving');
    expect(guarded.status).toBe(0);
  });

  it('would otherwise end the process (Node’s default, which the hosts must not keep)', () => {
    const bare = run(false);
    expect(bare.status).not.toBe(0);
    expect(bare.stdout).not.toContain('still serving');
    expect(bare.stderr).toContain('a check nobody awaited');
  });
});
