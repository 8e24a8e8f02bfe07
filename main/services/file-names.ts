/**
 * File names the app makes itself: from a report's title (exports, a joined report), and
 * the first free one in a folder ("Name.ext", "Name 2.ext"…) so nothing is overwritten.
 */
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { REPORT_EXTENSION } from './report-store-schema.ts';

/** `title` without characters file systems refuse, spaces collapsed, at most `max` characters. */
export function fileNameTitle(title: string, max: number): string {
  return title.replace(/[^\p{L}\p{N} ._()-]/gu, '').replace(/\s+/g, ' ').trim().slice(0, max);
}

/** `name` in `folder`, or "stem 2.ext", "stem 3.ext"… when it is taken. */
export function freshPath(folder: string, name: string): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const path = join(folder, n === 1 ? name : `${stem} ${n}${ext}`);
    if (!existsSync(path)) return path;
  }
}

/** "Untitled report.plenary" in `folder`, or "Untitled report 2.plenary"… (New report). */
export function untitledReportPath(folder: string): string {
  return freshPath(folder, `Untitled report.${REPORT_EXTENSION}`);
}
