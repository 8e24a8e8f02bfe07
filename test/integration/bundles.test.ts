/**
 * Update bundles between real report files: a member exports what a colleague lacks,
 * the colleague's copy (another file of the same report) imports it; importing twice,
 * and every refused file, leave the report and its file byte for byte as they were.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as diagnostics from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import Database from 'better-sqlite3';
import { closeAllReports, createReportFile, openReportFile, type OpenReport } from '../../main/services/open-report.ts';
import { BundlePeers, brotliCodec, exportBundle, importBundle, importBundles } from '../../main/services/bundles.ts';
import { BLANK_REPORT_TEMPLATE } from '../../shared/report-template.ts';
import { BUNDLE_FORMAT_VERSION, BundleError, MAX_UPDATE_BYTES, brotliPayload, createBundle, decodeBundle, encodeBundle, encodeCompressedBundle, prepareBundle, type Bundle } from '../../shared/bundle.ts';
import { brotliCompressAsync } from '../../main/services/bundle-codecs.ts';
import { bodyOf, endorsementsOf, Origin, readMeta } from '../../shared/ydoc.ts';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { addCreatorAsChair, readRoster } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { prepareStance, signEndorsement } from '../../shared/endorsement.ts';
import { addParagraph } from '../unit/helpers/add-paragraph.ts';
import { putEndorsement } from '../../shared/endorsement-store.ts';
import { encodeBundleDeclaring } from '../unit/helpers/bundle-bomb.ts';
import { craftedUpdate, halfApplyingUpdate } from '../unit/helpers/crafted-updates.ts';
import { connectToSession } from './session-peer.ts';

let dir: string;
let peers: BundlePeers;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plenary-bundles-'));
  peers = new BundlePeers(join(dir, 'data'));
});
afterEach(() => {
  closeAllReports();
  rmSync(dir, { recursive: true, force: true });
});

function typeParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const body = bodyOf(doc);
    const p = new Y.XmlElement('paragraph');
    p.setAttribute('id', `p-${body.length}-${doc.clientID}`);
    p.insert(0, [new Y.XmlText(text)]);
    body.insert(body.length, [p]);
  }, Origin.local);
}

/** Report A and a copy B of it (same report id), both open. */
function twoCopies(): { a: OpenReport; b: OpenReport } {
  const a = createReportFile(join(dir, 'a.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
  typeParagraph(a.doc, 'Shared start.');
  const bPath = a.saveCopyAs(join(dir, 'b.plenary'));
  return { a, b: openReportFile(bPath) };
}

/** A bundle file as the app reads it (format 4 is Brotli, which main supplies). */
function readBundle(path: string): Bundle {
  return decodeBundle(new Uint8Array(readFileSync(path)), { brotli: brotliCodec.decompress });
}

function fileBytes(path: string): string {
  const parts = [path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p).toString('base64'));
  return parts.join('|');
}

/** The report file's stored updates (count and last sequence number), read beside the open store. */
function updateRows(path: string): { count: number; last: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) AS count, max(seq) AS last FROM updates').get() as { count: number; last: number };
  } finally {
    db.close();
  }
}

async function refusal(b: OpenReport, path: string): Promise<BundleError> {
  const before = { state: Y.encodeStateAsUpdate(b.doc), file: fileBytes(b.path) };
  const error = await importBundle({ doc: b.doc, path, peers }).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BundleError);
  expect(Y.encodeStateAsUpdate(b.doc)).toEqual(before.state);
  expect(fileBytes(b.path)).toBe(before.file);
  return error as BundleError;
}

describe('bundles between two copies of a report', () => {
  it('carries A\'s edits into B, which persists them; a second import changes nothing', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'Written offline in Geneva.');
    const bundlePath = join(dir, 'for-bo.plenary-changes');
    const exported = await exportBundle({ doc: a.doc, path: bundlePath, recipient: 'Bo', sender: 'Ana', peers });
    expect(exported.complete).toBe(true);
    const result = await importBundle({ doc: b.doc, path: bundlePath, peers });
    expect(result).toMatchObject({ sender: 'Ana', changed: true });
    expect(bodyOf(b.doc).toString()).toBe(bodyOf(a.doc).toString());

    // Rows, not file bytes: the store's once-a-second flush may checkpoint meanwhile.
    const rowsAfterFirst = updateRows(b.path);
    const again = await importBundle({ doc: b.doc, path: bundlePath, peers });
    expect(again.changed).toBe(false);
    expect(updateRows(b.path)).toEqual(rowsAfterFirst);

    const bPath = b.path;
    b.close();
    const reopened = openReportFile(bPath);
    expect(bodyOf(reopened.doc).toString()).toContain('Written offline in Geneva.');
  });

  it('says it changed the report when the changes touch bold text (Yjs then cleans up formatting in a transaction of its own)', async () => {
    const a = createReportFile(join(dir, 'a.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Tunis draft' });
    const bold = new Y.XmlText();
    a.doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      p.setAttribute('id', 'p-bold');
      p.insert(0, [bold]);
      bodyOf(a.doc).push([p]);
      bold.insert(0, 'Internet governance', { strong: {} });
      bold.insert(bold.length, ' means the development and application of shared principles.');
    }, Origin.local);
    const b = openReportFile(a.saveCopyAs(join(dir, 'b.plenary')));
    a.doc.transact(() => bold.insert(0, 'For this report, '), Origin.local);
    const bundle = await exportBundle({ doc: a.doc, path: join(dir, 'bold.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const result = await importBundle({ doc: b.doc, path: bundle.path, peers });
    expect(bodyOf(b.doc).toString()).toBe(bodyOf(a.doc).toString());
    expect(result.changed).toBe(true);
  });

  it('sends a recipient only what they lack after the first bundle', async () => {
    const { a, b } = twoCopies();
    for (let i = 0; i < 50; i++) typeParagraph(a.doc, `Paragraph ${i} of a long report about internet governance.`);
    const first = await exportBundle({ doc: a.doc, path: join(dir, '1.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    await importBundle({ doc: b.doc, path: first.path, peers });
    typeParagraph(a.doc, 'One more.');
    const second = await exportBundle({ doc: a.doc, path: join(dir, '2.plenary-changes'), recipient: 'bo ', sender: 'Ana', peers });
    expect(second.complete).toBe(false);
    const updateBytes = (path: string): number => readBundle(path).update.length;
    expect(updateBytes(second.path)).toBeLessThan(updateBytes(first.path) / 5);
    await importBundle({ doc: b.doc, path: second.path, peers });
    expect(bodyOf(b.doc).toString()).toBe(bodyOf(a.doc).toString());
  });

  it('sees what another window recorded in the peers file since it last read it', async () => {
    const { a } = twoCopies();
    const elsewhere = new BundlePeers(join(dir, 'data'));
    await exportBundle({ doc: a.doc, path: join(dir, '1.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    typeParagraph(a.doc, 'One more.');
    expect((await exportBundle({ doc: a.doc, path: join(dir, '2.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers })).complete).toBe(false);
    elsewhere.forget(readMeta(a.doc).id, 'Bo');
    expect((await exportBundle({ doc: a.doc, path: join(dir, '3.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers })).complete).toBe(true);
    expect(elsewhere.known(readMeta(a.doc).id, 'bo')).toEqual(Y.encodeStateVector(a.doc));
  });

  it('refuses a bundle that builds on one never imported, and a complete one repairs it', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'First trip.');
    await exportBundle({ doc: a.doc, path: join(dir, 'lost.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    typeParagraph(a.doc, 'Second trip.');
    const next = await exportBundle({ doc: a.doc, path: join(dir, 'next.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    expect((await refusal(b, next.path)).message).toMatch(/earlier changes file from Ana/);
    const whole = await exportBundle({ doc: a.doc, path: join(dir, 'whole.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers, complete: true });
    await importBundle({ doc: b.doc, path: whole.path, peers });
    expect(bodyOf(b.doc).toString()).toBe(bodyOf(a.doc).toString());
  });

  it('leaves out the deletions the previous bundle carried; one that only deleted, if lost, is caught', async () => {
    const { a, b } = twoCopies();
    for (let i = 0; i < 40; i++) typeParagraph(a.doc, `Paragraph ${i}, to be cut down over the week.`);
    const first = bodyOf(a.doc).length - 40;
    const deleteWords = (from: number, to: number): void => a.doc.transact(() => {
      for (let i = first + from; i < first + to; i++) ((bodyOf(a.doc).get(i) as Y.XmlElement).get(0) as Y.XmlText).delete(0, 10);
    }, Origin.local);
    deleteWords(1, 40);
    const monday = await exportBundle({ doc: a.doc, path: join(dir, 'mon.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    await importBundle({ doc: b.doc, path: monday.path, peers });
    // Tuesday: only deletions (no state vector moves); the file never reaches Bo.
    deleteWords(1, 3);
    const tuesday = await exportBundle({ doc: a.doc, path: join(dir, 'tue.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const tuesdayState = Y.encodeStateVector(a.doc);
    typeParagraph(a.doc, 'Wednesday.');
    const wednesday = await exportBundle({ doc: a.doc, path: join(dir, 'wed.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const read = (path: string) => readBundle(path);
    expect(read(wednesday.path).continues).toBe(read(tuesday.path).bundleId);
    expect(read(tuesday.path).continues).toBe(read(monday.path).bundleId);
    // Monday's and Tuesday's deletions are not sent again (Yjs's own diff would carry them all).
    expect(read(wednesday.path).update.length).toBeLessThan(Y.encodeStateAsUpdateV2(a.doc, tuesdayState).length / 2);
    const before = fileBytes(b.path);
    const refused = await refusal(b, wednesday.path);
    expect(refused.problem).toBe('missing-earlier');
    expect(refused.message).toMatch(/earlier changes file from Ana/);
    expect(fileBytes(b.path)).toBe(before);
    // Tuesday's file turns up: both import, and nothing is missing.
    await importBundle({ doc: b.doc, path: tuesday.path, peers });
    await importBundle({ doc: b.doc, path: wednesday.path, peers });
    expect(bodyOf(b.doc).toString()).toBe(bodyOf(a.doc).toString());
    expect(Y.encodeStateAsUpdate(b.doc)).toEqual(Y.encodeStateAsUpdate(a.doc));
  });

  it('exchanges both ways and learns what the sender has from their bundle', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'From A.');
    typeParagraph(b.doc, 'From B.');
    const ab = await exportBundle({ doc: a.doc, path: join(dir, 'ab.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const peersB = new BundlePeers(join(dir, 'data-b'));
    const ba = await exportBundle({ doc: b.doc, path: join(dir, 'ba.plenary-changes'), recipient: 'Ana', sender: 'Bo', peers: peersB });
    await importBundle({ doc: b.doc, path: ab.path, peers: peersB });
    await importBundle({ doc: a.doc, path: ba.path, peers });
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    expect(bodyOf(a.doc).toString()).toBe(bodyOf(b.doc).toString());
    // B now knows A has B's edits and A's own: a bundle for Ana is nearly empty.
    const back = await exportBundle({ doc: b.doc, path: join(dir, 'back.plenary-changes'), recipient: 'Ana', sender: 'Bo', peers: peersB });
    expect(back.bytes).toBeLessThan(200);
  });
});

describe('bundle format 5 (Brotli, stance texts by reference)', () => {
  it('is what the app writes, and a format 3 bundle (DEFLATE, from an older app) still imports next to it', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'Sent by the new app.');
    const exported = await exportBundle({ doc: a.doc, path: join(dir, 'new.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    expect(new Uint8Array(readFileSync(exported.path))[8]).toBe(5);
    expect(readBundle(exported.path).version).toBe(5);
    const c = openReportFile(a.saveCopyAs(join(dir, 'c.plenary')));
    typeParagraph(c.doc, 'Sent by an older app.');
    const oldPath = join(dir, 'old3.plenary-changes');
    // What an app that writes format 3 makes: shared/bundle.ts without a Brotli codec.
    writeFileSync(oldPath, createBundle(c.doc, { reportId: readMeta(c.doc).id, reportTitle: 'Tunis draft', sender: 'Cy', recipient: 'Bo', createdAt: '2026-11-28T00:00:00.000Z' }, Y.encodeStateVector(b.doc)));
    expect(readBundle(oldPath).version).toBe(3);
    const result = await importBundles({ doc: b.doc, paths: [exported.path, oldPath], peers });
    expect(result.changed).toBe(true);
    for (const text of ['Sent by the new app.', 'Sent by an older app.']) expect(bodyOf(b.doc).toString()).toContain(text);
  });

  it('main compresses off its thread exactly what the synchronous codec makes, byte for byte', async () => {
    const { a } = twoCopies();
    for (let n = 0; n < 30; n += 1) typeParagraph(a.doc, `Paragraph ${n}, agreed at the third meeting.`);
    const header = { reportId: readMeta(a.doc).id, reportTitle: 'Tunis draft', sender: 'Ana', recipient: 'Bo', createdAt: '2026-11-29T00:00:00.000Z' };
    const bundle = prepareBundle(a.doc, header, undefined, { brotli: true, bundleId: 'b1' });
    const payload = brotliPayload(bundle);
    const offThread = encodeCompressedBundle(bundle, payload.length, await brotliCompressAsync(payload));
    expect(offThread).toEqual(createBundle(a.doc, header, undefined, { brotli: brotliCodec, bundleId: 'b1' }));
    expect(decodeBundle(offThread, { brotli: brotliCodec.decompress }).update).toEqual(bundle.update);
  });

  it('carries a stance on a paragraph the recipient has by reference, also when that paragraph comes in the same import', async () => {
    const { a, b } = twoCopies();
    const before = openReportFile(a.saveCopyAs(join(dir, 'before-monday.plenary')));
    const keys = generateKeyPair();
    addCreatorAsChair(a.doc, { id: 'ana', name: 'Ana', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', publicKey: keys.publicKey }, Origin.local);
    typeParagraph(a.doc, 'Monday: the forum should be open, inclusive and transparent.');
    const monday = await exportBundle({ doc: a.doc, path: join(dir, 'mon.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    // Tuesday Ana endorses Monday's paragraph: Bo will have its text (from Monday's file).
    const blocks = extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(a.doc), schema));
    const context = { blockText: (id: string) => blocks.byId.get(id)?.text, roster: readRoster(a.doc) };
    const blockId = blocks.order[blocks.order.length - 1]!;
    putEndorsement(a.doc, readMeta(a.doc).id, signEndorsement(readMeta(a.doc).id, prepareStance(context, { blockId, memberId: 'ana', stance: 'endorse' }), keys.privateKey), context, Origin.local);
    const tuesday = await exportBundle({ doc: a.doc, path: join(dir, 'tue.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    expect(readBundle(tuesday.path).stanceRefs).toHaveLength(1);
    // Both at once, Tuesday's first: its stance text is rebuilt from Monday's items.
    const result = await importBundles({ doc: b.doc, paths: [tuesday.path, monday.path], peers });
    expect(result.changed).toBe(true);
    expect(Y.encodeStateAsUpdate(b.doc)).toEqual(Y.encodeStateAsUpdate(a.doc));
    expect(endorsementsOf(b.doc).get(`${blockId}:ana`)).toEqual(endorsementsOf(a.doc).get(`${blockId}:ana`));
    // Tuesday's alone, on a copy without Monday's: refused, nothing changed.
    expect((await refusal(before, tuesday.path)).problem).toBe('missing-earlier');
  });

  it('imports share one decoding worker instead of starting one per import', async () => {
    const { a, b } = twoCopies();
    let started = 0;
    const count = (): void => {
      started++;
    };
    diagnostics.subscribe('worker_threads', count);
    try {
      for (let i = 0; i < 3; i++) {
        typeParagraph(a.doc, `Import ${i}.`);
        const { path } = await exportBundle({ doc: a.doc, path: join(dir, `w${i}.plenary-changes`), recipient: 'Bo', sender: 'Ana', peers });
        expect((await importBundle({ doc: b.doc, path, peers })).changed).toBe(true);
      }
    } finally {
      diagnostics.unsubscribe('worker_threads', count);
    }
    // At most one (none when an earlier test of this file started it already).
    expect(started).toBeLessThanOrEqual(1);
  });
});

describe('a process that imports bundles', () => {
  it('starts the decoding worker once, ahead of the import when asked, and ends by itself after (the worker does not hold it)', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'Imported by a script.');
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 's.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bPath = b.path;
    b.close();
    const script = join(dir, 'import-script.ts');
    const services = fileURLToPath(new URL('../../main/services/', import.meta.url));
    writeFileSync(script, [
      `import { openReportFile, closeAllReports } from '${join(services, 'open-report.ts')}';`,
      `import { importBundle, prepareBundleImport } from '${join(services, 'bundles.ts')}';`,
      "import * as diagnostics from 'node:diagnostics_channel';",
      'let workers = 0;',
      "diagnostics.subscribe('worker_threads', () => workers++);",
      `const report = openReportFile(${JSON.stringify(bPath)});`,
      // As the app does when it shows the file dialog.
      'const done = prepareBundleImport();',
      'const early = workers;',
      'await new Promise((resolve) => setTimeout(resolve, 200));',
      `const result = await importBundle({ doc: report.doc, path: ${JSON.stringify(path)} });`,
      'done();',
      'closeAllReports();',
      'console.log(result.changed ? "imported" : "unchanged", early, workers);',
    ].join('\n'));
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.stdout.trim()).toBe('imported 1 1');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });
});

describe('several bundles imported at once', () => {
  it('merges every member\'s week in one transaction, a chain of bundles from one sender included', async () => {
    const { a, b } = twoCopies();
    const c = openReportFile(a.saveCopyAs(join(dir, 'c.plenary')));
    typeParagraph(a.doc, 'Monday, from A.');
    const first = await exportBundle({ doc: a.doc, path: join(dir, 'a1.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    typeParagraph(a.doc, 'Tuesday, from A.');
    // Tuesday's words inside Monday's: placed by characters only the first file brings.
    const monday = (bodyOf(a.doc).toArray().at(-2) as Y.XmlElement).get(0) as Y.XmlText;
    a.doc.transact(() => monday.insert('Monday'.length, ' morning'), Origin.local);
    const second = await exportBundle({ doc: a.doc, path: join(dir, 'a2.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    expect(second.complete).toBe(false);
    typeParagraph(c.doc, 'From C.');
    const fromC = await exportBundle({ doc: c.doc, path: join(dir, 'c.plenary-changes'), recipient: 'Bo', sender: 'Cy', peers: new BundlePeers(join(dir, 'data-c')) });
    let updates = 0;
    b.doc.on('update', () => updates++);
    // The later bundle first: it continues from the earlier one in the same import.
    const result = await importBundles({ doc: b.doc, paths: [second.path, fromC.path, first.path], peers });
    expect(result.changed).toBe(true);
    expect(result.bundles.map((x) => x.sender)).toEqual(['Ana', 'Cy', 'Ana']);
    expect(updates).toBe(1);
    for (const text of ['Monday morning, from A.', 'Tuesday, from A.', 'From C.']) expect(bodyOf(b.doc).toString()).toContain(text);
    expect((await importBundles({ doc: b.doc, paths: [first.path, fromC.path], peers })).changed).toBe(false);
  });

  it('leaves the report, its connected editor and its file byte for byte alike after merging concurrent weeks', async () => {
    const { a, b } = twoCopies();
    const keys = generateKeyPair();
    addCreatorAsChair(a.doc, { id: 'ana', name: 'Ana', group: 'civil-society', region: 'african', development: 'developing', gender: 'woman', publicKey: keys.publicKey }, Origin.local);
    typeParagraph(a.doc, 'The forum should be open, inclusive and transparent, and meet once a year in a different region of the world.');
    await importBundle({ doc: b.doc, path: (await exportBundle({ doc: a.doc, path: join(dir, 'start.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers })).path, peers });
    const sentence = bodyOf(a.doc).length - 1;
    const text = (doc: Y.Doc): Y.XmlText => (bodyOf(doc).get(sentence) as Y.XmlElement).get(0) as Y.XmlText;
    // Four members, each on a copy, edit the same sentence at once: inserts that split its
    // items, deletions, new paragraphs, and (the chair) a stance on it.
    const paths: string[] = [];
    for (let m = 0; m < 4; m++) {
      const copy = openReportFile(a.saveCopyAs(join(dir, `m${m}.plenary`)));
      for (let i = 0; i < 12; i++) {
        copy.doc.transact(() => {
          const t = text(copy.doc);
          t.insert((i * 7 + m * 13) % t.length, `[${m}.${i}]`);
          if (i % 3 === 0) t.delete((i * 11 + m) % (t.length - 4), 3);
        }, Origin.local);
      }
      typeParagraph(copy.doc, `Member ${m} adds a paragraph.`);
      if (m === 0) {
        const blocks = extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(copy.doc), schema));
        const context = { blockText: (id: string) => blocks.byId.get(id)?.text, roster: readRoster(copy.doc) };
        const blockId = blocks.order[0]!;
        putEndorsement(copy.doc, readMeta(copy.doc).id, signEndorsement(readMeta(copy.doc).id, prepareStance(context, { blockId, memberId: 'ana', stance: 'endorse' }), keys.privateKey), context, Origin.local);
      }
      const memberPeers = new BundlePeers(join(dir, `data-m${m}`));
      memberPeers.learn(readMeta(copy.doc).id, 'Bo', Y.encodeStateVector(b.doc));
      paths.push((await exportBundle({ doc: copy.doc, path: join(dir, `m${m}.plenary-changes`), recipient: 'Bo', sender: `Member ${m}`, peers: memberPeers })).path);
    }
    const editor = new Y.Doc({ gc: false });
    const disconnect = connectToSession(b.session, editor);
    expect(Y.encodeStateAsUpdate(editor)).toEqual(Y.encodeStateAsUpdate(b.doc));
    let editorUpdates = 0;
    editor.on('update', () => editorUpdates++);
    const rows = updateRows(b.path).count;
    expect((await importBundles({ doc: b.doc, paths, peers })).changed).toBe(true);
    // One transaction: one update for the editor, one row in the file.
    expect(editorUpdates).toBe(1);
    expect(updateRows(b.path).count).toBe(rows + 1);
    const merged = Y.encodeStateAsUpdate(b.doc);
    expect(text(b.doc).toString()).toContain('[3.11]');
    expect(endorsementsOf(b.doc).size).toBe(1);
    expect(Y.encodeStateAsUpdate(editor)).toEqual(merged);
    disconnect();
    const bPath = b.path;
    b.close();
    expect(Y.encodeStateAsUpdate(openReportFile(bPath).doc)).toEqual(merged);
  });

  it('refuses the whole import, report untouched, when one file is bad or continues from a missing one', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'Monday.');
    await exportBundle({ doc: a.doc, path: join(dir, 'm1.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    typeParagraph(a.doc, 'Tuesday.');
    const second = await exportBundle({ doc: a.doc, path: join(dir, 'm2.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'minutes');
    const before = Y.encodeStateAsUpdate(b.doc);
    const refused = async (paths: string[]) => importBundles({ doc: b.doc, paths, peers }).then(() => null, (e: unknown) => e as BundleError);
    const notABundle = await refused([second.path, notes]);
    expect(notABundle?.problem).toBe('not-a-bundle');
    // One of several: the message names the file to leave out.
    expect(notABundle?.message).toBe('notes.txt: This file is not a Plenary changes file. Leave that file out to import the others.');
    const missing = await refused([second.path]);
    expect(missing?.problem).toBe('missing-earlier');
    expect(missing?.message).toBe('These changes (made for Bo) continue from an earlier changes file from Ana that this copy has not imported. If the file is meant for you, import the earlier one first, or ask for a complete changes file. Nothing was imported.');
    expect(Y.encodeStateAsUpdate(b.doc)).toEqual(before);
    typeParagraph(b.doc, 'Bo\'s own.');
    const fromBo = await exportBundle({ doc: b.doc, path: join(dir, 'bo.plenary-changes'), recipient: 'Chen', sender: 'Bo', peers });
    const before2 = Y.encodeStateAsUpdate(b.doc);
    const missingAmongOthers = await refused([fromBo.path, second.path]);
    expect(missingAmongOthers?.message).toMatch(/^m2\.plenary-changes: These changes \(made for Bo\) continue from an earlier changes file .* Leave that file out to import the others\.$/);
    const absent = await refused([fromBo.path, join(dir, 'absent.plenary-changes')]);
    expect(absent?.message).toBe(`There is no file at ${join(dir, 'absent.plenary-changes')}. Leave that file out to import the others.`);
    expect(Y.encodeStateAsUpdate(b.doc)).toEqual(before2);
  });
});

describe('bundles refused, report untouched', () => {
  it('a tampered bundle', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'Original wording.');
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 'x.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bytes = readFileSync(path);
    // The update is compressed: alter a byte of it (just before the 32-byte checksum).
    const at = bytes.length - 40;
    bytes[at] = bytes[at]! ^ 0x20;
    writeFileSync(path, bytes);
    expect((await refusal(b, path)).message).toMatch(/damaged or incomplete/);
  });

  it('a truncated bundle', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'Cut short.');
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 't.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    writeFileSync(path, readFileSync(path).subarray(0, 60));
    expect((await refusal(b, path)).problem).toBe('damaged');
  });

  it('a bundle for another report, naming both', async () => {
    const { b } = twoCopies();
    const other = createReportFile(join(dir, 'other.plenary'), BLANK_REPORT_TEMPLATE, { title: 'Budget' });
    typeParagraph(other.doc, 'Budget lines.');
    const { path } = await exportBundle({ doc: other.doc, path: join(dir, 'o.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    expect((await refusal(b, path)).message).toMatch(/“Budget”.*“Tunis draft”/);
  });

  it('a bundle from a newer Plenary', async () => {
    const { a, b } = twoCopies();
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 'n.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bundle = readBundle(path);
    writeFileSync(path, encodeBundle({ ...bundle, version: BUNDLE_FORMAT_VERSION + 1 }, brotliCodec));
    expect((await refusal(b, path)).message).toMatch(/newer version of Plenary/);
  });

  it('a bundle whose checksum matches but whose update is malformed', async () => {
    const { a, b } = twoCopies();
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 'm.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bundle = readBundle(path);
    // yjs#498-style: a struct count with nothing behind it.
    writeFileSync(path, encodeBundle({ ...bundle, update: new Uint8Array([5, 1, 2, 3]) }, brotliCodec));
    expect((await refusal(b, path)).message).toMatch(/cannot be read/);
  });

  it('a bundle whose checksum matches but whose update Yjs would apply only in part', async () => {
    const { a, b } = twoCopies();
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 'h.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bundle = readBundle(path);
    const update = bundle.updateFormat === 'v2' ? Y.convertUpdateFormatV1ToV2(halfApplyingUpdate()) : halfApplyingUpdate();
    writeFileSync(path, encodeBundle({ ...bundle, update }, brotliCodec));
    expect((await refusal(b, path)).message).toMatch(/cannot be read/);
  });

  it('a bundle whose checksum matches but whose text would stand in a different place on each copy', async () => {
    const { a, b } = twoCopies();
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 'w.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bundle = readBundle(path);
    // "Shared start.": text after its "a" (clock 2) and before its "h" (clock 1), which stands earlier.
    const shared = ((bodyOf(b.doc).toArray().at(-1) as Y.XmlElement).get(0) as Y.XmlText)._start!.id;
    const char = (offset: number): { client: number; clock: number } => ({ client: shared.client, clock: shared.clock + offset });
    const misplaced = craftedUpdate([{ client: 2, text: 'FORGED', origin: char(2), rightOrigin: char(1) }]);
    writeFileSync(path, encodeBundle({ ...bundle, update: bundle.updateFormat === 'v2' ? Y.convertUpdateFormatV1ToV2(misplaced) : misplaced }, brotliCodec));
    expect((await refusal(b, path)).message).toMatch(/would put text in a different place on each copy of the report .* Nothing was imported\.$/);
  });

  it('two files whose text stands in order alone but not together (one places text by a character the other brings), at once or one after the other', async () => {
    const { a, b } = twoCopies();
    const shared = ((bodyOf(b.doc).toArray().at(-1) as Y.XmlElement).get(0) as Y.XmlText)._start!.id;
    const char = (offset: number): { client: number; clock: number } => ({ client: shared.client, clock: shared.clock + offset });
    // "X" between the "a" and the "r" of "Shared start.": fine. "Z" after that "X" and
    // before the "h", which stands before it: each file alone passes, as the "X" is not
    // in the report yet.
    const bringsX = craftedUpdate([{ client: 77, text: 'X', origin: char(2), rightOrigin: char(3) }]);
    const placesZ = craftedUpdate([{ client: 78, text: 'Z', origin: { client: 77, clock: 0 }, rightOrigin: char(1) }]);
    const files: string[] = [];
    for (const [name, update] of [['x1', bringsX], ['z2', placesZ]] as const) {
      const { path } = await exportBundle({ doc: a.doc, path: join(dir, `${name}.plenary-changes`), recipient: 'Bo', sender: 'Ana', peers, complete: true });
      const bundle = readBundle(path);
      writeFileSync(path, encodeBundle({ ...bundle, update: bundle.updateFormat === 'v2' ? Y.convertUpdateFormatV1ToV2(update) : update }, brotliCodec));
      files.push(path);
    }
    const before = { state: Y.encodeStateAsUpdate(b.doc), file: fileBytes(b.path) };
    const error = await importBundles({ doc: b.doc, paths: files, peers }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).message).toMatch(/^z2\.plenary-changes: .*would put text in a different place on each copy of the report/);
    expect(Y.encodeStateAsUpdate(b.doc)).toEqual(before.state);
    expect(fileBytes(b.path)).toBe(before.file);
    // Z's file alone is taken: Z waits in the report for the X it follows. X's file then
    // would let it in misplaced: X is taken, and Z, which never showed, is dropped.
    await importBundles({ doc: b.doc, paths: [files[1]!], peers });
    expect(b.doc.store.pendingStructs).not.toBeNull();
    await importBundles({ doc: b.doc, paths: [files[0]!], peers });
    expect(b.doc.store.pendingStructs).toBeNull();
    expect(bodyOf(b.doc).toString()).toContain('ShaXred start.');
    // (The text only: block ids, in the markup, are random letters.)
    expect(bodyOf(b.doc).toString().replace(/<[^>]*>/g, '')).not.toContain('Z');
    const path = b.path;
    const text = bodyOf(b.doc).toString();
    b.close();
    expect(bodyOf(openReportFile(path).doc).toString()).toBe(text);
  });

  it('a malformed file first among many: refused, and its failed check is never left unhandled while the others are read', async () => {
    const { a, b } = twoCopies();
    const unhandled: unknown[] = [];
    const note = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', note);
    try {
      const { path: bad } = await exportBundle({ doc: a.doc, path: join(dir, 'first-bad.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
      writeFileSync(bad, encodeBundle({ ...readBundle(bad), update: new Uint8Array([5, 1, 2, 3]) }, brotliCodec));
      const good: string[] = [];
      for (let i = 0; i < 30; i++) {
        addParagraph(a.doc, `Paragraph ${i}.`);
        good.push((await exportBundle({ doc: a.doc, path: join(dir, `good-${i}.plenary-changes`), recipient: `Reader ${i}`, sender: 'Ana', peers })).path);
      }
      // The shared decoding worker is up (as after any import), so it answers at once.
      await importBundles({ doc: b.doc, paths: [good[0]!], peers });
      const before = Y.encodeStateAsUpdate(b.doc);
      const error = await importBundles({ doc: b.doc, paths: [bad, ...good], peers }).then(() => null, (e: unknown) => e);
      expect((error as Error).message).toMatch(/^first-bad\.plenary-changes: .*cannot be read/);
      expect(Y.encodeStateAsUpdate(b.doc)).toEqual(before);
      // Node reports an unhandled rejection after the turn it happened in.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });

  it('a bundle that would unpack to more than it declares (a zip bomb)', async () => {
    const { a, b } = twoCopies();
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 'z.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bundle = readBundle(path);
    // 16 MB of zeros deflate to ~16 kB; the file declares 1 kB and is stopped at once.
    writeFileSync(path, encodeBundleDeclaring(bundle, 1024, new Uint8Array(16 * 1024 * 1024)));
    expect((await refusal(b, path)).message).toMatch(/cannot be unpacked/);
  });

  it('a bundle that declares more than a report can hold', async () => {
    const { a, b } = twoCopies();
    const { path } = await exportBundle({ doc: a.doc, path: join(dir, 'h.plenary-changes'), recipient: 'Bo', sender: 'Ana', peers });
    const bundle = readBundle(path);
    writeFileSync(path, encodeBundleDeclaring(bundle, MAX_UPDATE_BYTES + 1, bundle.update));
    expect((await refusal(b, path)).message).toMatch(/would unpack to 256 MB, more than the 256 MB/);
  });

  it('imports a format 1 bundle (made before compression) as before', async () => {
    const { a, b } = twoCopies();
    typeParagraph(a.doc, 'Sent in the old format.');
    const v1 = encodeBundle({
      version: 1, reportId: readMeta(a.doc).id, reportTitle: 'Tunis draft', sender: 'Ana', recipient: 'Bo', createdAt: '2026-11-28T00:00:00.000Z', bundleId: '', continues: '',
      base: Y.encodeStateVector(b.doc), after: Y.encodeStateVector(a.doc), update: Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), updateFormat: 'v1',
    });
    const path = join(dir, 'old.plenary-changes');
    writeFileSync(path, v1);
    expect((await importBundle({ doc: b.doc, path, peers })).changed).toBe(true);
    expect(bodyOf(b.doc).toString()).toBe(bodyOf(a.doc).toString());
  });

  it('a file that is not a bundle, and a missing file', async () => {
    const { b } = twoCopies();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'minutes of the meeting');
    expect((await refusal(b, text)).message).toMatch(/not a Plenary changes file/);
    expect((await refusal(b, join(dir, 'nowhere.plenary-changes'))).message).toMatch(/no file at/);
  });
});
