/**
 * Import changes… as the renderer asks for it (shared/sync-requests.ts): the browser
 * host's field naming several files, the request's check before main acts on it, and the
 * status line's sentence after the import.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api.ts';
import { MAX_IMPORT_FILES, describeChangesProgress, describeImport, parseChangesProgress, splitChangesFileNames, syncValidators } from '../../shared/sync-requests.ts';

describe('the names typed in the browser host\'s Import dialog', () => {
  it('are split at commas after a changes file\'s extension, not at commas inside a name', () => {
    expect(splitChangesFileNames(' From Ana.plenary-changes,From Bo.PLENARY-CHANGES ,  /tmp/Ana, Bo and Chen.plenary-changes ')).toEqual([
      'From Ana.plenary-changes',
      'From Bo.PLENARY-CHANGES',
      '/tmp/Ana, Bo and Chen.plenary-changes',
    ]);
    expect(splitChangesFileNames('   ')).toEqual([]);
  });
});

describe('the import request main accepts', () => {
  const check = (value: unknown) => syncValidators.importChanges([value]);
  it('is null (the user picks in a dialog) or 1 to 500 file paths', () => {
    expect(check(null)).toEqual([null]);
    expect(check(['/a.plenary-changes', '/b.plenary-changes'])).toEqual([['/a.plenary-changes', '/b.plenary-changes']]);
    for (const bad of [[], '/a.plenary-changes', ['/a.plenary-changes', 7], [''], ['/a\0.plenary-changes'], Array(MAX_IMPORT_FILES + 1).fill('/a.plenary-changes')]) {
      expect(() => check(bad), JSON.stringify(bad).slice(0, 60)).toThrow(ApiError);
    }
  });
});

describe('the sentence after an import', () => {
  it('names who sent the changes, a few at most, and how many files', () => {
    expect(describeImport({ senders: ['Ana'], changed: true })).toBe('Changes from Ana imported.');
    expect(describeImport({ senders: [''], changed: true })).toBe('Changes imported.');
    expect(describeImport({ senders: ['Ana', 'Bo', 'Ana'], changed: true })).toBe('Changes from Ana and Bo imported (3 files).');
    expect(describeImport({ senders: ['Ana', 'Bo', 'Chen', 'Dede', 'Eli'], changed: true })).toBe('Changes from Ana, Bo and 3 others imported (5 files).');
    expect(describeImport({ senders: ['Ana', 'Bo'], changed: false })).toBe('The changes from Ana and Bo (2 files) were already in this report; nothing changed.');
  });
});

describe('the progress the dialog shows while files are imported', () => {
  it('says how many files are checked, then that they are merged', () => {
    const line = (event: object): string | null => {
      const parsed = parseChangesProgress({ type: 'changesProgress', ...event });
      return parsed && describeChangesProgress(parsed);
    };
    expect(line({ phase: 'checking', done: 12, total: 40 })).toBe('Checking the files: 12 of 40…');
    expect(line({ phase: 'checking', done: 0, total: 1 })).toBe('Checking the file…');
    expect(line({ phase: 'merging', done: 0, total: 40 })).toBe('Merging the changes of 40 files into the report…');
    expect(line({ phase: 'merging', done: 0, total: 1 })).toBe('Merging the changes of the file into the report…');
  });

  it('says how much of a report being fetched has come (its size is not known ahead)', () => {
    const line = (event: object): string | null => {
      const parsed = parseChangesProgress({ type: 'changesProgress', ...event });
      return parsed && describeChangesProgress(parsed);
    };
    expect(line({ phase: 'fetching', done: 350 * 1024, total: 0 })).toBe('Fetching the report… 350.0 kB received');
    expect(line({ phase: 'fetching', done: 12.5 * 1024 * 1024, total: 0 })).toBe('Fetching the report… 12.5 MB received');
    expect(line({ phase: 'fetching', done: 1024, total: 2048 })).toBeNull();
    // A broken connection made again: how much had come, and that the rest is on its way.
    expect(line({ phase: 'resuming', done: 150 * 1024, total: 0 })).toBe('The connection broke off after 150.0 kB; connecting again to fetch the rest…');
    expect(line({ phase: 'resuming', done: 1024, total: 2 })).toBeNull();
  });

  it('ignores an event it cannot read', () => {
    for (const bad of [{ phase: 'done', done: 1, total: 1 }, { phase: 'checking', done: 3, total: 2 }, { phase: 'checking', done: -1, total: 2 }, { phase: 'checking', done: '1', total: 2 }, { phase: 'checking', done: 1 }]) {
      expect(parseChangesProgress({ type: 'changesProgress', ...bad }), JSON.stringify(bad)).toBeNull();
    }
    expect(parseChangesProgress({ type: 'syncStatus' })).toBeNull();
  });
});
