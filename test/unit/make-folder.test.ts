/**
 * Folders a person names (a server's --data, the browser host's): made however deep,
 * with the mode asked for, and refused in words when they cannot be. (The folder under
 * /proc, on which Node's own recursive mkdir never returns, is tried on the server's
 * command line, sync-server.test.ts: a hang there ends a process, not this suite.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderNotMadeError, makeFolder } from '../../main/services/make-folder.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-make-folder-'));
  made.push(dir);
  return dir;
}

describe('makeFolder', () => {
  it('makes every missing level, with the mode asked for, and leaves a folder that is there alone', () => {
    const root = scratch();
    const deep = join(root, 'var', 'lib', 'plenary');
    makeFolder(deep, { mode: 0o700 });
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(root, 'var')).mode & 0o777).toBe(0o700);
    writeFileSync(join(deep, 'kept'), 'x');
    makeFolder(deep);
    expect(statSync(join(deep, 'kept')).isFile()).toBe(true);
  });

  it('refuses a file in the way, or a link to nowhere, naming the folder and what to do', () => {
    const root = scratch();
    writeFileSync(join(root, 'a-file'), 'x');
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling'));
    for (const [folder, code] of [[join(root, 'a-file'), 'ENOTDIR'], [join(root, 'a-file', 'below'), 'ENOTDIR'], [join(root, 'dangling'), 'ENOENT'], [join(root, 'dangling', 'below'), 'ENOENT']] as const) {
      let refusal: unknown;
      try {
        makeFolder(folder);
      } catch (error) {
        refusal = error;
      }
      expect(refusal, folder).toBeInstanceOf(FolderNotMadeError);
      expect((refusal as FolderNotMadeError).code).toBe(code);
      expect((refusal as Error).message).toBe(`The folder ${folder} cannot be made (${code}): name a folder this user may create and write in.`);
    }
  });
});
