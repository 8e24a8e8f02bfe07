/**
 * Which changes files a page of the browser host may name (it has no file dialog):
 * `.plenary-changes` files, by absolute path or relative to the Reports folder.
 */
import { extname, isAbsolute, resolve } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { BUNDLE_EXTENSION } from '../../shared/sync-requests.ts';

export function checkBundlePath(path: string, base: string): string {
  const full = isAbsolute(path) ? resolve(path) : resolve(base, path);
  if (extname(full).toLowerCase() !== `.${BUNDLE_EXTENSION}`) {
    throw new ApiError(`Changes files end in .${BUNDLE_EXTENSION}.`);
  }
  return full;
}

/** The files an import names (the page sends one or several names). */
export function checkBundlePaths(paths: string[] | null, base: string): string[] {
  if (paths === null) throw new ApiError('The browser host has no file dialog: give the name of the changes file to read.');
  return paths.map((path) => checkBundlePath(path, base));
}
