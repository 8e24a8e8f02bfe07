/**
 * What the browser host's Import changes… offers to tick: the changes files of its
 * Reports folder, newest first, and nothing else.
 */
import { afterEach, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changesFilesIn, MAX_LISTED_CHANGES_FILES } from '../../main/host/bundle-paths.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plenary-changes-here-'));
  dirs.push(dir);
  return dir;
}

function write(dir: string, name: string, bytes: number, minutesAgo: number): void {
  writeFileSync(join(dir, name), Buffer.alloc(bytes));
  const at = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(join(dir, name), at, at);
}

it('lists the changes files, newest first, with their size and time; not reports, notes or folders', () => {
  const dir = folder();
  write(dir, 'From Bo.plenary-changes', 3_800, 60);
  write(dir, 'From Ana.PLENARY-CHANGES', 300, 5);
  write(dir, 'report.plenary', 10_000, 1);
  write(dir, 'notes.txt', 10, 1);
  mkdirSync(join(dir, 'old.plenary-changes'));
  const listed = changesFilesIn(dir);
  expect(listed.map((file) => [file.name, file.bytes])).toEqual([['From Ana.PLENARY-CHANGES', 300], ['From Bo.plenary-changes', 3_800]]);
  expect(Date.parse(listed[0]!.modified)).toBeGreaterThan(Date.parse(listed[1]!.modified));
});

it('offers nothing for a folder that is not there, and the newest ones of a crowded folder', () => {
  expect(changesFilesIn(join(folder(), 'missing'))).toEqual([]);
  const dir = folder();
  for (let i = 0; i < MAX_LISTED_CHANGES_FILES + 5; i++) write(dir, `m${i}.plenary-changes`, 1, i);
  const listed = changesFilesIn(dir);
  expect(listed).toHaveLength(MAX_LISTED_CHANGES_FILES);
  expect(listed[0]!.name).toBe('m0.plenary-changes');
});
