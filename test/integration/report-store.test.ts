/**
 * The report file round-trip: edits made through a Y.Doc are persisted one update at a
 * time, and a reopened file gives back exactly the same document; compaction keeps the
 * document identical while shrinking the rows to one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { ReportStore, inspectReportFile } from '../../main/services/report-store.ts';
import { APPLICATION_ID, FORMAT_VERSION } from '../../main/services/report-store-schema.ts';
import { bodyOf, createReportDoc, metaOf, Origin } from '../../shared/ydoc.ts';
import Database from 'better-sqlite3';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plenary-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A doc whose every update goes to the store, as a ReportSession does. */
function persistedDoc(store: ReportStore): Y.Doc {
  const doc = createReportDoc();
  Y.applyUpdate(doc, store.loadState(), Origin.load);
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== Origin.load) store.append(update);
  });
  return doc;
}

function edit(doc: Y.Doc, rounds: number): void {
  const body = bodyOf(doc);
  for (let i = 0; i < rounds; i++) {
    doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.setAttribute('id', `p${i}`);
      paragraph.insert(0, [new Y.XmlText(`Paragraph ${i} of the draft.`)]);
      body.insert(body.length, [paragraph]);
    }, Origin.local);
    if (i % 3 === 0) {
      const text = (body.get(Math.floor(i / 2)) as Y.XmlElement).get(0) as Y.XmlText;
      doc.transact(() => text.insert(0, 'Revised: '), Origin.local);
    }
    if (i % 7 === 6) doc.transact(() => body.delete(0, 1), Origin.local);
  }
  doc.transact(() => metaOf(doc).set('title', 'Report of the Working Group'), Origin.local);
}

function reopenedDoc(path: string): { doc: Y.Doc; rows: number } {
  const store = ReportStore.open(path, { compactAboveRows: Infinity });
  const doc = createReportDoc();
  Y.applyUpdate(doc, store.loadState(), Origin.load);
  const rows = store.updateCount;
  store.close();
  return { doc, rows };
}

describe('ReportStore', () => {
  it('creates a SQLite report file marked as a Plenary report of the current format', () => {
    const path = join(dir, 'new.plenary');
    const store = ReportStore.create(path, { reportId: 'r-1' });
    store.close();
    expect(inspectReportFile(path)).toMatchObject({ reportId: 'r-1', formatVersion: FORMAT_VERSION, updateCount: 0 });
    // Closed (and inspected): one self-contained file, no side files left behind.
    expect(readdirSync(dir)).toEqual(['new.plenary']);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(FORMAT_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses to create a report over an existing file', () => {
    const path = join(dir, 'taken.plenary');
    ReportStore.create(path, { reportId: 'a' }).close();
    expect(() => ReportStore.create(path, { reportId: 'b' })).toThrow(expect.objectContaining({ code: 'exists' }));
    expect(inspectReportFile(path).reportId).toBe('a');
  });

  it('gives back exactly the edited document after closing and reopening', () => {
    const path = join(dir, 'round-trip.plenary');
    const store = ReportStore.create(path, { reportId: 'r-2' });
    const doc = persistedDoc(store);
    edit(doc, 60);
    const appended = store.updateCount;
    expect(appended).toBeGreaterThan(60);
    store.close();

    const { doc: reopened, rows } = reopenedDoc(path);
    expect(rows).toBe(appended);
    expect(bodyOf(reopened).toString()).toBe(bodyOf(doc).toString());
    expect(metaOf(reopened).get('title')).toBe('Report of the Working Group');
    expect(Y.encodeStateVector(reopened)).toEqual(Y.encodeStateVector(doc));
    expect(Y.encodeStateAsUpdate(reopened)).toEqual(Y.encodeStateAsUpdate(doc));
  });

  it('keeps the state vector of what is saved', () => {
    const path = join(dir, 'sv.plenary');
    const store = ReportStore.create(path, { reportId: 'r-sv' });
    const doc = persistedDoc(store);
    edit(doc, 5);
    expect(store.stateVector).toEqual(Y.encodeStateVector(doc));
    edit(doc, 2);
    expect(store.stateVector).toEqual(Y.encodeStateVector(doc));
    store.close();
  });

  it('compacts many rows into one without changing the document', () => {
    const path = join(dir, 'compact.plenary');
    const store = ReportStore.create(path, { reportId: 'r-3' });
    const doc = persistedDoc(store);
    edit(doc, 40);
    const before = store.updateCount;
    expect(store.compact()).toEqual({ before, after: 1 });
    expect(store.updateCount).toBe(1);
    // Edits after compaction append as before.
    edit(doc, 3);
    store.close();
    const { doc: reopened, rows } = reopenedDoc(path);
    expect(rows).toBeGreaterThan(1);
    expect(Y.encodeStateAsUpdate(reopened)).toEqual(Y.encodeStateAsUpdate(doc));
  });

  it('replaces rows by their newer form, and a bad replacement changes nothing', () => {
    const path = join(dir, 'replace.plenary');
    const store = ReportStore.create(path, { reportId: 'r-replace' });
    const text = (value: string): Uint8Array => {
      const d = new Y.Doc();
      d.getText('t').insert(0, value);
      return Y.encodeStateAsUpdate(d);
    };
    store.append(text('kept'));
    const [older] = store.appendReplacing([], { rows: [], by: [text('older form')] });
    const rows = store.appendReplacing([text('appended')], { rows: [older!], by: [text('newer form')] });
    expect(store.updateCount).toBe(3);
    // A bad replacement (an empty update) leaves every row as it was, the replaced one too.
    expect(() => store.appendReplacing([text('lost')], { rows, by: [new Uint8Array(0)] })).toThrow(TypeError);
    store.close();
    const reopened = new Database(path, { readonly: true });
    const stored = (reopened.prepare('SELECT data FROM updates ORDER BY seq').all() as Array<{ data: Uint8Array }>).map(({ data }) => {
      const d = new Y.Doc();
      Y.applyUpdate(d, data);
      return d.getText('t').toString();
    });
    reopened.close();
    expect(stored).toEqual(['kept', 'appended', 'newer form']);
  });

  it('compacts on open when the file has many rows', () => {
    const path = join(dir, 'open-compact.plenary');
    const store = ReportStore.create(path, { reportId: 'r-4' });
    const doc = persistedDoc(store);
    edit(doc, 30);
    store.close();
    const reopened = ReportStore.open(path, { compactAboveRows: 10 });
    expect(reopened.updateCount).toBe(1);
    const copy = createReportDoc();
    Y.applyUpdate(copy, reopened.loadState(), Origin.load);
    reopened.close();
    expect(Y.encodeStateAsUpdate(copy)).toEqual(Y.encodeStateAsUpdate(doc));
  });

  it('flushes committed updates into the database file', () => {
    const path = join(dir, 'flush.plenary');
    const store = ReportStore.create(path, { reportId: 'r-5' });
    const doc = persistedDoc(store);
    edit(doc, 4);
    store.flush();
    // After a flush the WAL has been checkpointed: the main file alone holds the edits.
    const image = new Database(path, { readonly: true });
    expect((image.prepare('SELECT count(*) AS n FROM updates').get() as { n: number }).n).toBe(store.updateCount);
    image.close();
    store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('still syncs the WAL on flush while another connection pins an old snapshot', () => {
    const path = join(dir, 'pinned.plenary');
    const store = ReportStore.create(path, { reportId: 'r-pin' });
    const doc = persistedDoc(store);
    edit(doc, 2);
    store.flush();
    const reader = new Database(path, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM updates').get(); // the read transaction starts here
    edit(doc, 2);
    // The checkpoint cannot copy frames past the reader's snapshot, so the flush falls
    // back to a commit under synchronous=FULL, recorded in meta.
    store.flush();
    reader.prepare('COMMIT').run();
    const flushed = new Database(path, { readonly: true });
    expect((flushed.prepare(`SELECT value FROM meta WHERE key = 'flushed'`).get() as { value: string } | undefined)?.value).toMatch(/^\d{4}-/);
    flushed.close();
    reader.close();
    store.close();
  });

  it('lets another process read the file while it is open for writing', () => {
    const path = join(dir, 'shared.plenary');
    const store = ReportStore.create(path, { reportId: 'r-6' });
    const doc = persistedDoc(store);
    edit(doc, 3);
    const reader = ReportStore.open(path, { compactAboveRows: Infinity });
    const copy = createReportDoc();
    Y.applyUpdate(copy, reader.loadState(), Origin.load);
    expect(bodyOf(copy).toString()).toBe(bodyOf(doc).toString());
    reader.close();
    store.close();
  });

  it('writes a consistent copy that opens with the same content', () => {
    const path = join(dir, 'original.plenary');
    const store = ReportStore.create(path, { reportId: 'r-7' });
    const doc = persistedDoc(store);
    edit(doc, 10);
    const target = join(dir, 'copy.plenary');
    store.copyTo(target);
    store.close();
    const { doc: copy } = reopenedDoc(target);
    expect(Y.encodeStateAsUpdate(copy)).toEqual(Y.encodeStateAsUpdate(doc));
    expect(inspectReportFile(target).reportId).toBe('r-7');
  });
});
