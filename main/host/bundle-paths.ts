/**
 * Which changes files a page of the browser host may name (it has no file dialog):
 * `.plenary-changes` files (and the folder of an export for everyone), by absolute path or
 * relative to the Reports folder; and the
 * ones in that folder, which Import changes… offers to tick.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { BUNDLE_EXTENSION, type ChangesFileEntry } from '../../shared/sync-requests.ts';

/** More than a working group's round of files; a folder with more shows the newest. */
export const MAX_LISTED_CHANGES_FILES = 200;

export function checkBundlePath(path: string, base: string): string {
  // (An absolute `path` stays as it is: resolve() starts again from it.)
  const full = resolve(base, path);
  if (extname(full).toLowerCase() !== `.${BUNDLE_EXTENSION}`) {
    throw new ApiError(`Changes files end in .${BUNDLE_EXTENSION}.`);
  }
  return full;
}

/** The folder an export for everyone writes into: absolute, or relative to the Reports folder. */
export function checkBundleFolder(path: string, base: string): string {
  return resolve(base, path);
}

/** The files an import names (the page sends one or several names). */
export function checkBundlePaths(paths: string[] | null, base: string): string[] {
  if (paths === null) throw new ApiError('The browser host has no file dialog: give the name of the changes file to read.');
  return paths.map((path) => checkBundlePath(path, base));
}

/** The changes files in `folder`, newest first; none when it cannot be read. */
export function changesFilesIn(folder: string): ChangesFileEntry[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const entries: ChangesFileEntry[] = [];
  for (const name of names) {
    if (extname(name).toLowerCase() !== `.${BUNDLE_EXTENSION}`) continue;
    try {
      const stat = statSync(join(folder, name));
      if (stat.isFile()) entries.push({ name, bytes: stat.size, modified: stat.mtime.toISOString() });
    } catch {
      // Gone meanwhile: not offered.
    }
  }
  entries.sort((a, b) => b.modified.localeCompare(a.modified) || a.name.localeCompare(b.name));
  return entries.slice(0, MAX_LISTED_CHANGES_FILES);
}
