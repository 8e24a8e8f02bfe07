/**
 * Which files a page of the browser host may name: Plenary reports only, by absolute
 * path or relative to the data folder's Reports directory.
 */
import { extname, isAbsolute, resolve } from 'node:path';
import { ApiError } from '../../shared/api.ts';
import { REPORT_EXTENSION } from '../services/report-store-schema.ts';

export function checkReportPath(path: string, base: string): string {
  const full = isAbsolute(path) ? resolve(path) : resolve(base, path);
  if (extname(full).toLowerCase() !== `.${REPORT_EXTENSION}`) {
    throw new ApiError(`Only Plenary reports (.${REPORT_EXTENSION} files) can be opened here.`);
  }
  return full;
}
