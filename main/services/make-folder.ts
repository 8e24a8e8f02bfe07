/**
 * `mkdir -p` for folders a person names (a server's --data): one that always ends.
 * Node's recursive mkdir reads ENOENT as "the parent is missing", makes the parent, and
 * tries again, for ever when the parent is there yet cannot hold folders (anything under
 * /proc): a server given such a --data neither started nor said why. Here each missing
 * level is made once, from the top down, and the first refusal is thrown as it came.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class FolderNotMadeError extends Error {
  override name = 'FolderNotMadeError';
  readonly code: string | undefined;
  constructor(folder: string, cause: NodeJS.ErrnoException) {
    super(`The folder ${folder} cannot be made (${cause.code ?? cause.message}): name a folder this user may create and write in.`);
    this.code = cause.code;
  }
}

export function makeFolder(folder: string, options: { mode?: number } = {}): void {
  const target = resolve(folder);
  const missing: string[] = [];
  for (let level = target; !existsSync(level); level = dirname(level)) {
    missing.unshift(level);
    if (dirname(level) === level) break;
  }
  try {
    for (const level of missing) {
      try {
        mkdirSync(level, { mode: options.mode });
      } catch (error) {
        // (Made meanwhile by someone else, or a link to nowhere: the next level, or the check below, says which.)
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    if (!statSync(target).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (error) {
    throw new FolderNotMadeError(target, error as NodeJS.ErrnoException);
  }
}
