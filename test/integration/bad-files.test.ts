/**
 * Files that are not (usable) reports are refused, each with its own message for the
 * user, and left exactly as they were: same bytes, and no -wal or -shm file created
 * beside them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, copyFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { ReportStore, inspectReportFile } from '../../main/services/report-store.ts';
import { FORMAT_VERSION } from '../../main/services/report-store-schema.ts';
import { ReportFileError, type ReportFileErrorCode } from '../../main/services/report-errors.ts';
import { openReportFile, writeReportFile } from '../../main/services/open-report.ts';
import { SAMPLE_REPORT_TEMPLATE } from '../../shared/report-template.ts';

let dir: string;
let good: string;

/** Deterministic bytes (xorshift32), so a failure can be replayed. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A copy of the good sample report under `name`, changed by `damage` through SQLite. */
function reportCopy(name: string, damage?: (db: Database.Database) => void): string {
  const path = join(dir, name);
  copyFileSync(good, path);
  if (damage) {
    const db = new Database(path);
    damage(db);
    db.close(); // the last connection checkpoints and removes -wal and -shm
  }
  expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plenary-bad-'));
  good = join(dir, 'good.plenary');
  writeReportFile(good, SAMPLE_REPORT_TEMPLATE);
  // Enough rows and pages that cutting the file in half loses real content.
  const store = ReportStore.open(good);
  for (let i = 0; i < 200; i++) {
    const doc = new Y.Doc();
    doc.getText('filler').insert(0, `Padding change ${i} `.repeat(20));
    store.append(Y.encodeStateAsUpdate(doc));
  }
  store.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cases: Array<{ name: string; code: ReportFileErrorCode; make: () => string; says: RegExp }> = [
  {
    name: 'a report cut in half (at a page boundary)',
    code: 'truncated',
    make: () => {
      const path = reportCopy('half.plenary');
      const size = readFileSync(path).length;
      truncateSync(path, Math.floor(size / 2 / 4096) * 4096);
      return path;
    },
    says: /incomplete/,
  },
  {
    name: 'a report cut off mid-page',
    code: 'truncated',
    make: () => {
      const path = reportCopy('cut.plenary');
      truncateSync(path, 10_001);
      return path;
    },
    says: /incomplete/,
  },
  {
    name: 'a report cut off inside its header',
    code: 'truncated',
    make: () => {
      const path = reportCopy('header.plenary');
      truncateSync(path, 40);
      return path;
    },
    says: /incomplete/,
  },
  {
    name: 'a file of random bytes',
    code: 'not-sqlite',
    make: () => {
      const path = join(dir, 'random.plenary');
      writeFileSync(path, pseudoRandomBytes(64 * 1024, 20050618));
      return path;
    },
    says: /not a report file at all/,
  },
  {
    name: 'a text file renamed',
    code: 'not-sqlite',
    make: () => {
      const path = join(dir, 'notes.plenary');
      writeFileSync(path, 'Minutes of the third meeting\n');
      return path;
    },
    says: /not a report file at all/,
  },
  {
    name: 'a SQLite database of another application',
    code: 'not-a-report',
    make: () => {
      const path = join(dir, 'other-app.plenary');
      const db = new Database(path);
      db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'hello\')');
      db.close();
      return path;
    },
    says: /belongs to another application/,
  },
  {
    name: 'a report from a newer format version',
    code: 'newer-version',
    make: () => reportCopy('newer.plenary', (db) => db.pragma(`user_version = ${FORMAT_VERSION + 1}`)),
    says: /newer version of Plenary.*Update Plenary/,
  },
  {
    name: 'a report with an update that does not decode',
    code: 'corrupt',
    make: () => {
      const garbage = Uint8Array.from([5, 200, 1, 2]);
      expect(() => Y.decodeUpdate(garbage)).toThrow();
      return reportCopy('bad-update.plenary', (db) => {
        db.prepare('UPDATE updates SET data = ? WHERE seq = (SELECT min(seq) FROM updates)').run(garbage);
      });
    },
    says: /damaged.*saved change no\. 1 cannot be read/,
  },
  {
    name: 'a report with damaged pages',
    code: 'corrupt',
    make: () => {
      const path = reportCopy('bad-pages.plenary');
      // Overwrite the middle of the file (b-tree pages of the updates table).
      const fd = openSync(path, 'r+');
      writeSync(fd, pseudoRandomBytes(4096, 7), 0, 4096, 4096 * 3);
      closeSync(fd);
      return path;
    },
    says: /damaged/,
  },
];

describe('bad report files', () => {
  it('opens the good file the bad ones are made from', () => {
    expect(inspectReportFile(good).updateCount).toBeGreaterThan(100);
  });

  const messages = new Map<string, string>();

  for (const { name, code, make, says } of cases) {
    it(`refuses ${name} (${code}) and leaves it byte-identical`, () => {
      const path = make();
      const before = readFileSync(path);
      for (const attempt of [() => ReportStore.open(path), () => openReportFile(path), () => inspectReportFile(path)]) {
        let refusal: unknown;
        try {
          attempt();
        } catch (error) {
          refusal = error;
        }
        expect(refusal).toBeInstanceOf(ReportFileError);
        expect((refusal as ReportFileError).code).toBe(code);
        expect((refusal as ReportFileError).message).toMatch(says);
        expect((refusal as ReportFileError).message).toContain('“');
        messages.set(code, (refusal as ReportFileError).message.replace(/“[^”]*”/, 'FILE').replace(/\(.*\)/, ''));
      }
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(existsSync(`${path}-wal`)).toBe(false);
      expect(existsSync(`${path}-shm`)).toBe(false);
    });
  }

  it('says that a missing file cannot be found, and creates nothing', () => {
    const path = join(dir, 'gone.plenary');
    expect(() => openReportFile(path)).toThrow(expect.objectContaining({ code: 'missing', message: expect.stringMatching(/cannot be found/) }));
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}-wal`)).toBe(false);
    messages.set('missing', 'cannot be found');
  });

  it('refuses a folder', () => {
    const path = join(dir, 'folder.plenary');
    mkdirSync(path);
    expect(() => openReportFile(path)).toThrow(expect.objectContaining({ code: 'not-a-file' }));
  });

  it('gives each kind of refusal its own message', () => {
    const distinct = new Set(messages.values());
    expect(messages.size).toBeGreaterThanOrEqual(6);
    expect(distinct.size).toBe(messages.size);
  });
});
