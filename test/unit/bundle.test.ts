// The update-bundle format (shared/bundle.ts): what a recipient gets, and every way a
// file can be wrong — each refused with its own message before anything is applied.
import { describe, expect, it } from 'vitest';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import * as Y from 'yjs';
import {
  applyBundleUpdate, BUNDLE_FORMAT_DEFLATE, BUNDLE_FORMAT_VERSION, BUNDLE_MAGIC, type BrotliCodec, BundleError, createBundle,
  decodeBundle, encodeBundle, mergeStateVectors, type BundleHeader,
} from '../../shared/bundle.ts';
import { checkBundleBase, checkBundleContinues, checkBundleFor } from '../../shared/bundle-checks.ts';
import { deletionsOfSnapshot, subtractDeletions } from '../../shared/bundle-deletions.ts';
import { encodeBundleDeclaring } from './helpers/bundle-bomb.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { bodyOf, createReportDoc, Origin, writeMeta } from '../../shared/ydoc.ts';

const HEADER: BundleHeader = { reportId: 'rep-1', reportTitle: 'WGIG report', sender: 'Ana', recipient: 'Bo', createdAt: '2026-11-28T00:00:00.000Z' };

/** Made by format 1's createBundle (shared/bundle.ts before 2026-11-28 08:10 UTC). */
const FORMAT_1_BUNDLE = 'UExFTkJOREwBBXJlcC0xC1dHSUcgcmVwb3J0A0FuYQJCbxgyMDI2LTExLTI4VDAwOjAwOjAwLjAwMFoBAAQBkiEUYQEFkiEAKAEEbWV0YQJpZAF3BXJlcC0xKAEEbWV0YQV0aXRsZQF3C1dHSUcgcmVwb3J0BwEEYm9keQMJcGFyYWdyYXBoBwCSIQIGBACSIQMQTWFkZSBieSBmb3JtYXQgMQC2qz0KtFZpAcgBHKGbmuUEgSDdwc7XIUIjNRwtTVI+cQ==';

/**
 * Made by format 2's createBundle (shared/bundle.ts at 565e04c): a paragraph typed, then
 * its last 22 characters deleted, so the update carries a delete set.
 */
const FORMAT_2_BUNDLE = 'UExFTkJOREwCBXJlcC0xC1dHSUcgcmVwb3J0A0FuYQJCbxgyMDI2LTExLTI4VDAwOjAwOjAwLjAwMFoBAAcBmeGRpgQpjAGKAWNgZGC7eWjxGQ4mZhYmBQZ2DUZ2RhaGFi/H3NSSxMwUEFmSWZKTmpSfUlmQWJSYXpRYkOGbmJKqkFSpkJZflJtYomCko1CSkZqnAJQvyalUSEnNSS1JTWFhYmFl4RQQZWZkYmBiZmNyZGBkYyhnLUot0DUs5w5393RXALLzi0oYZz6cuIyFUUQEAJtGTaY1ZVinN1eenjgZGrypMmDJH3VlJlrq2oZlTtvr';

/**
 * Made by format 3's createBundle (shared/bundle.ts at ffc79ad, DEFLATE): a paragraph
 * typed ('Made by format 3, and then some'), its last 16 characters deleted; bundle id
 * 'format3bundle-id'.
 */
const FORMAT_3_BUNDLE = 'UExFTkJOREwDBXJlcC0xC1dHSUcgcmVwb3J0A0FuYQJCbxgyMDI2LTExLTI4VDAwOjAwOjAwLjAwMFoQZm9ybWF0M2J1bmRsZS1pZAABAAcB7tTxrQ8jhgGFAWNgZGB7t/LxbTkmZhYmOQZ2DUZ2RhaGFhfr3NSSxMwUEFmSWZKTmpSfUlmQWJSYXpRYkOGbmJKqkFSpkJZflJtYomCso5CYl6JQkpGap1Ccn5vKwsTCysLJL8DMyMTAxMzG5MjAyMZQzlqUWqBrWM4d7u7prgBk5xeVML678nEtP6MwPwAh9MW/LXjWh1//vRUsjEhdgaT8Qe2kx0eE1xOFiXq33g==';

/** Format 4's codec as main supplies it (Node's Brotli, bounded on the way back). */
const BROTLI: BrotliCodec = {
  compress: (update) => new Uint8Array(brotliCompressSync(update)),
  decompress: (compressed, size) => new Uint8Array(brotliDecompressSync(compressed, { maxOutputLength: Math.max(1, size) })),
};

function report(): Y.Doc {
  const doc = createReportDoc();
  writeMeta(doc, { id: 'rep-1', title: 'WGIG report' }, Origin.seed);
  return doc;
}

function type(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const body = bodyOf(doc);
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    body.insert(body.length, [p]);
  }, Origin.local);
}

/** Text that does not compress (so sizes say what a bundle carries). */
function noise(length: number): string {
  let seed = 7;
  let text = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    text += String.fromCharCode(33 + (seed >> 8) % 90);
  }
  return text;
}

/** The same bundle with its declared update size replaced (and the checksum made to match, as a forger would). */
function redeclare(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const body = bytes.subarray(0, bytes.length - 32);
  const size = (n: number): number[] => {
    const out: number[] = [];
    for (; n > 127; n = Math.floor(n / 128)) out.push((n & 127) | 128);
    return [...out, n];
  };
  const old = size(from);
  // The declared size is followed by the compressed bytes' length and the bytes.
  const hex = (a: ArrayLike<number>): string => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
  const at = hex(body).lastIndexOf(hex(old)) / 2;
  expect(Number.isInteger(at) && at > 0).toBe(true);
  const changed = new Uint8Array([...body.subarray(0, at), ...size(to), ...body.subarray(at + old.length)]);
  return new Uint8Array([...changed, ...sha256(changed)]);
}

function problemOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof BundleError) return error.problem;
    throw error;
  }
  return undefined;
}

describe('bundle format', () => {
  it('round-trips header, vectors and the update, and starts with the magic bytes', () => {
    const doc = report();
    type(doc, 'Hello');
    const bytes = createBundle(doc, HEADER);
    expect([...bytes.subarray(0, 8)]).toEqual([...BUNDLE_MAGIC]);
    const bundle = decodeBundle(bytes);
    // Without a Brotli codec (shared/ has none) the DEFLATE format is written.
    expect(bundle).toMatchObject({ ...HEADER, version: BUNDLE_FORMAT_DEFLATE, continues: '' });
    expect(bundle.bundleId).toMatch(/^[\w-]{16}$/);
    expect(bundle.after).toEqual(Y.encodeStateVector(doc));
    expect(bundle.updateFormat).toBe('v2');
    const copy = createReportDoc();
    applyBundleUpdate(copy, bundle, Origin.bundle);
    expect(bodyOf(copy).toString()).toBe(bodyOf(doc).toString());
  });

  it('carries only what the recipient lacks when their state vector is known', () => {
    const doc = report();
    type(doc, noise(8000));
    const known = Y.encodeStateVector(doc);
    type(doc, 'new');
    const partial = createBundle(doc, HEADER, known);
    const whole = createBundle(doc, HEADER);
    expect(partial.length).toBeLessThan(300);
    expect(whole.length).toBeGreaterThan(5000);
    const receiver = createReportDoc();
    applyBundleUpdate(receiver, decodeBundle(createBundle(doc, HEADER, undefined)), Origin.bundle);
    expect(bodyOf(receiver).toString()).toContain('new');
  });

  it('refuses a file that is not a bundle', () => {
    expect(problemOf(() => decodeBundle(new TextEncoder().encode('hello world, this is a text file')))).toBe('not-a-bundle');
    expect(problemOf(() => decodeBundle(new Uint8Array(0)))).toBe('not-a-bundle');
  });

  it('refuses every truncation and every single flipped byte as damaged', () => {
    const doc = report();
    type(doc, 'Paragraph one');
    const bytes = createBundle(doc, HEADER);
    for (let cut = BUNDLE_MAGIC.length; cut < bytes.length; cut += 7) {
      expect(problemOf(() => decodeBundle(bytes.slice(0, cut)))).toBe('damaged');
    }
    for (let at = BUNDLE_MAGIC.length + 1; at < bytes.length; at++) {
      const tampered = bytes.slice();
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      const problem = problemOf(() => decodeBundle(tampered));
      expect(problem, `byte ${at}`).toBe('damaged');
    }
  });

  it('names a newer format as such, asking to update the app', () => {
    const doc = report();
    const newer = encodeBundle({ ...HEADER, version: BUNDLE_FORMAT_VERSION + 1, bundleId: 'x', continues: '', base: Y.encodeStateVector(new Y.Doc()), after: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdate(doc), updateFormat: 'v2' });
    expect(() => decodeBundle(newer)).toThrow(/newer version of Plenary.*Update the app/);
  });

  it('stores the update compressed: repetitive typing costs far less than its text', () => {
    const doc = report();
    type(doc, 'The forum should be open, inclusive and transparent. '.repeat(200));
    const update = Y.encodeStateAsUpdate(doc);
    expect(update.length).toBeGreaterThan(10_000);
    expect(createBundle(doc, HEADER).length).toBeLessThan(update.length / 5);
  });

  it('still reads a format 1 bundle (uncompressed v1 update), byte for byte as version 1 wrote it', () => {
    const bundle = decodeBundle(Uint8Array.from(atob(FORMAT_1_BUNDLE), (c) => c.charCodeAt(0)));
    expect(bundle).toMatchObject({ ...HEADER, version: 1, updateFormat: 'v1' });
    const copy = createReportDoc();
    applyBundleUpdate(copy, bundle, Origin.bundle);
    expect(bodyOf(copy).toString()).toContain('Made by format 1');
    // Writing format 1 again gives the same bytes.
    expect(encodeBundle(bundle)).toEqual(Uint8Array.from(atob(FORMAT_1_BUNDLE), (c) => c.charCodeAt(0)));
  });

  it('still reads a format 2 bundle (deflated v2 update, whole delete set)', () => {
    const bytes = Uint8Array.from(atob(FORMAT_2_BUNDLE), (c) => c.charCodeAt(0));
    const bundle = decodeBundle(bytes);
    expect(bundle).toMatchObject({ ...HEADER, version: 2, updateFormat: 'v2', bundleId: '', continues: '' });
    const copy = createReportDoc();
    applyBundleUpdate(copy, bundle, Origin.bundle);
    expect(bodyOf(copy).toString()).toBe('<paragraph>Made by format 2</paragraph>');
    expect(encodeBundle(bundle)).toEqual(bytes);
    for (let at = BUNDLE_MAGIC.length + 1; at < bytes.length; at += 5) {
      const tampered = bytes.slice();
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      expect(problemOf(() => decodeBundle(tampered)), `byte ${at}`).toBe('damaged');
    }
  });

  it('still reads a format 3 bundle (DEFLATE), byte for byte as version 3 wrote it', () => {
    const bytes = Uint8Array.from(atob(FORMAT_3_BUNDLE), (c) => c.charCodeAt(0));
    const bundle = decodeBundle(bytes, { brotli: BROTLI.decompress });
    expect(bundle).toMatchObject({ ...HEADER, version: 3, updateFormat: 'v2', bundleId: 'format3bundle-id', continues: '' });
    const copy = createReportDoc();
    applyBundleUpdate(copy, bundle, Origin.bundle);
    expect(bodyOf(copy).toString()).toBe('<paragraph>Made by format </paragraph>');
    expect(encodeBundle(bundle)).toEqual(bytes);
  });

  it('writes format 5 (Brotli) when given a codec: the same update, smaller, read back exactly', () => {
    const doc = report();
    for (let i = 0; i < 40; i++) type(doc, `Paragraph ${i}: ${noise(200)} the forum should be open, inclusive and transparent`);
    const deflated = createBundle(doc, HEADER, undefined, { bundleId: 'same' });
    const bytes = createBundle(doc, HEADER, undefined, { bundleId: 'same', brotli: BROTLI });
    const bundle = decodeBundle(bytes, { brotli: BROTLI.decompress });
    expect(bundle).toMatchObject({ ...HEADER, version: 5, updateFormat: 'v2', bundleId: 'same', stanceRefs: [] });
    expect(bundle.update).toEqual(decodeBundle(deflated).update);
    expect(bytes.length).toBeLessThan(deflated.length);
    const copy = createReportDoc();
    applyBundleUpdate(copy, bundle, Origin.bundle);
    expect(bodyOf(copy).toString()).toBe(bodyOf(doc).toString());
    expect(encodeBundle(bundle, BROTLI)).toEqual(bytes);
    // Format 4 (Brotli, no stance references) still reads.
    const four = decodeBundle(encodeBundle({ ...bundle, version: 4 }, BROTLI), { brotli: BROTLI.decompress });
    expect(four).toMatchObject({ version: 4, stanceRefs: [] });
    expect(four.update).toEqual(bundle.update);
  });

  it('refuses format 5 without a Brotli decompressor, and a Brotli bomb, both as damaged', () => {
    const doc = report();
    type(doc, 'Hello');
    const bytes = createBundle(doc, HEADER, undefined, { brotli: BROTLI });
    expect(() => decodeBundle(bytes)).toThrow(/format 5, Brotli\) cannot be unpacked here/);
    expect(problemOf(() => decodeBundle(bytes))).toBe('damaged');
    const bundle = decodeBundle(bytes, { brotli: BROTLI.decompress });
    // 8 MB of zeros packed by Brotli into a few bytes, declared as 100 bytes.
    const bomb = encodeBundle({ ...bundle, version: 4, update: new Uint8Array(8 * 1024 * 1024) }, BROTLI);
    const declaring100 = redeclare(bomb, 8 * 1024 * 1024, 100);
    expect(declaring100.length).toBeLessThan(1024);
    expect(() => decodeBundle(declaring100, { brotli: BROTLI.decompress })).toThrow(/cannot be unpacked/);
    expect(() => decodeBundle(bomb, { brotli: BROTLI.decompress, maxUpdateBytes: 1024 * 1024 })).toThrow(/would unpack to 8 MB, more than the 1 MB/);
  });

  it('refuses a bundle that inflates past its declared size, without inflating it all', () => {
    const bundle = decodeBundle(createBundle(report(), HEADER));
    // 8 MB of zeros compress to ~8 kB; declared as 100 bytes.
    const bomb = encodeBundleDeclaring(bundle, 100, new Uint8Array(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(20 * 1024);
    expect(() => decodeBundle(bomb)).toThrow(/cannot be unpacked/);
    // Declared honestly, it is still refused above the caller's bound, before inflating.
    const honest = encodeBundleDeclaring(bundle, 8 * 1024 * 1024, new Uint8Array(8 * 1024 * 1024));
    expect(decodeBundle(honest).update.length).toBe(8 * 1024 * 1024);
    expect(() => decodeBundle(honest, { maxUpdateBytes: 1024 * 1024 })).toThrow(/would unpack to 8 MB, more than the 1 MB/);
    expect(problemOf(() => decodeBundle(honest, { maxUpdateBytes: 1024 * 1024 }))).toBe('damaged');
  });

  it('refuses a bundle that inflates to less than it declares', () => {
    const bundle = decodeBundle(createBundle(report(), HEADER));
    expect(() => decodeBundle(encodeBundleDeclaring(bundle, bundle.update.length + 1, bundle.update))).toThrow(/cannot be unpacked/);
    expect(decodeBundle(encodeBundleDeclaring(bundle, bundle.update.length, bundle.update)).update).toEqual(bundle.update);
  });

  it('refuses a bundle for another report naming both reports', () => {
    const bundle = decodeBundle(createBundle(report(), HEADER));
    expect(() => checkBundleFor(bundle, { id: 'rep-2', title: 'Other report' })).toThrow(/“WGIG report” \(rep-1\).*“Other report” \(rep-2\)/);
    expect(() => checkBundleFor(bundle, { id: 'rep-1', title: 'WGIG report' })).not.toThrow();
  });

  it('refuses a bundle that continues from changes the recipient never got', () => {
    const doc = report();
    type(doc, 'first');
    const afterFirst = Y.encodeStateVector(doc);
    type(doc, 'second');
    const second = decodeBundle(createBundle(doc, HEADER, afterFirst));
    const empty = createReportDoc();
    expect(problemOf(() => checkBundleBase(second, Y.decodeStateVector(Y.encodeStateVector(empty))))).toBe('missing-earlier');
    const hasFirst = createReportDoc();
    Y.applyUpdate(hasFirst, Y.encodeStateAsUpdate(doc));
    expect(() => checkBundleBase(second, Y.decodeStateVector(Y.encodeStateVector(hasFirst)))).not.toThrow();
  });

  it('merges state vectors client by client', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('t').insert(0, 'aaa');
    b.getText('t').insert(0, 'b');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const merged = Y.decodeStateVector(mergeStateVectors(Y.encodeStateVector(a), Y.encodeStateVector(b)));
    expect(merged.get(a.clientID)).toBe(3);
    expect(merged.get(b.clientID)).toBe(1);
  });
});

/** A report with a long history: a paragraph with many deletions in it, by several sessions. */
function reportWithHistory(): Y.Doc {
  const doc = report();
  type(doc, noise(6000));
  for (let session = 0; session < 30; session++) {
    const editor = createReportDoc();
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(doc));
    const text = (bodyOf(editor).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    for (let d = 0; d < 20; d++) text.delete((session * 181 + d * 97) % (text.length - 3), 2);
    text.insert(session * 11, `s${session}`);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(editor, Y.encodeStateVector(doc)));
  }
  return doc;
}

function textOf(doc: Y.Doc): Y.XmlText {
  return (bodyOf(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

describe('bundles for someone who got the previous one (format 3)', () => {
  it('leave out the deletions the previous bundle carried and the sessions they have, and still converge', () => {
    const doc = reportWithHistory();
    const recipient = createReportDoc();
    const first = decodeBundle(createBundle(doc, HEADER, undefined, { bundleId: 'first' }));
    applyBundleUpdate(recipient, first, Origin.bundle);
    const known = { deletions: deletionsOfSnapshot(Y.encodeSnapshotV2(Y.snapshot(doc)))!, bundleId: 'first' };
    const base = Y.encodeStateVector(doc);
    // The day's work: a deletion of older text, and a few words.
    textOf(doc).delete(5000, 7);
    textOf(doc).insert(100, 'a few words');
    const whole = createBundle(doc, HEADER, base);
    const bytes = createBundle(doc, HEADER, base, { bundleId: 'second', known });
    const second = decodeBundle(bytes);
    expect(second.continues).toBe('first');
    expect(Y.decodeStateVector(second.after).size).toBe(1);
    expect(Y.decodeStateVector(second.base).size).toBe(1);
    expect(Y.decodeStateVector(base).size).toBeGreaterThan(30);
    expect(bytes.length).toBeLessThan(whole.length / 4);
    applyBundleUpdate(recipient, second, Origin.bundle);
    expect(Y.encodeStateAsUpdate(recipient)).toEqual(Y.encodeStateAsUpdate(doc));
    expect(textOf(recipient).toString()).toBe(textOf(doc).toString());
    // The exporter's own snapshot, passed in, gives the same bundle (its delete set is reused).
    expect(createBundle(doc, HEADER, base, { bundleId: 'second', known, snapshot: Y.snapshot(doc) })).toEqual(bytes);
    expect(createBundle(doc, HEADER, undefined, { bundleId: 'w', snapshot: Y.snapshot(doc) })).toEqual(createBundle(doc, HEADER, undefined, { bundleId: 'w' }));
  });

  it('are refused unless the bundle they continue from was imported, here or in the same import', () => {
    const doc = reportWithHistory();
    const known = { deletions: deletionsOfSnapshot(Y.encodeSnapshotV2(Y.snapshot(doc)))!, bundleId: 'lost' };
    // Only a deletion since the lost bundle: no state vector would show it is missing.
    textOf(doc).delete(10, 3);
    const next = decodeBundle(createBundle(doc, HEADER, Y.encodeStateVector(doc), { known }));
    expect(next.continues).toBe('lost');
    expect(problemOf(() => checkBundleContinues(next, (id) => id === 'other'))).toBe('missing-earlier');
    expect(() => checkBundleContinues(next, (id) => id === 'other')).toThrow(/earlier changes file from Ana/);
    expect(() => checkBundleContinues(next, (id) => id === 'lost')).not.toThrow();
    // A bundle with every deletion continues from nothing.
    expect(decodeBundle(createBundle(doc, HEADER, Y.encodeStateVector(doc))).continues).toBe('');
  });

  it('subtract deleted ranges exactly, range by range', () => {
    const now = new Map([[1, [{ clock: 0, len: 10 }, { clock: 20, len: 5 }, { clock: 30, len: 10 }]], [2, [{ clock: 4, len: 2 }]]]);
    const known = new Map([[1, [{ clock: 2, len: 3 }, { clock: 8, len: 14 }, { clock: 31, len: 1 }, { clock: 35, len: 20 }]], [3, [{ clock: 0, len: 9 }]]]);
    expect(subtractDeletions(now, known)).toEqual(new Map([
      [1, [{ clock: 0, len: 2 }, { clock: 5, len: 3 }, { clock: 22, len: 3 }, { clock: 30, len: 1 }, { clock: 32, len: 3 }]],
      [2, [{ clock: 4, len: 2 }]],
    ]));
    expect(subtractDeletions(known, known)).toEqual(new Map());
  });
});

describe('bundles that leave out known deletions, exchanged at random', () => {
  it('never let a recipient accept a bundle and miss a deletion the sender had (seeded; lost bundles included)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      let state = seed;
      const random = (): number => {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        return state / 0x7fffffff;
      };
      const origin = report();
      type(origin, noise(400));
      const docs = [0, 1, 2].map(() => {
        const doc = createReportDoc();
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(origin));
        return doc;
      });
      // What each sender knows of each recipient, and the bundle ids each recipient imported.
      const known = docs.map(() => docs.map(() => ({ vector: undefined as Uint8Array | undefined, sent: undefined as { snapshot: Uint8Array; bundleId: string } | undefined })));
      const imported = docs.map(() => new Set<string>());
      let accepted = 0;
      for (let step = 0; step < 120; step++) {
        const from = Math.floor(random() * 3);
        const doc = docs[from]!;
        const roll = random();
        if (roll < 0.6) {
          const text = textOf(doc);
          if (random() < 0.5 && text.length > 20) text.delete(Math.floor(random() * (text.length - 10)), 1 + Math.floor(random() * 8));
          else text.insert(Math.floor(random() * text.length), `w${step}`);
          continue;
        }
        const to = (from + 1 + Math.floor(random() * 2)) % 3;
        const record = known[from]![to]!;
        const sentKnown = record.vector && record.sent ? { deletions: deletionsOfSnapshot(record.sent.snapshot)!, bundleId: record.sent.bundleId } : undefined;
        const bundleId = `b${seed}-${step}`;
        const bytes = createBundle(doc, HEADER, record.vector, { bundleId, known: sentKnown });
        const senderSnapshot = Y.snapshot(doc);
        record.vector = mergeStateVectors(record.vector, Y.encodeStateVector(doc));
        record.sent = { snapshot: Y.encodeSnapshotV2(senderSnapshot), bundleId };
        if (random() < 0.2) continue; // lost on the way
        const bundle = decodeBundle(bytes);
        const target = docs[to]!;
        try {
          checkBundleBase(bundle, Y.decodeStateVector(Y.encodeStateVector(target)));
          checkBundleContinues(bundle, (id) => imported[to]!.has(id));
        } catch (error) {
          expect((error as BundleError).problem).toBe('missing-earlier');
          continue;
        }
        applyBundleUpdate(target, bundle, Origin.bundle);
        imported[to]!.add(bundleId);
        accepted++;
        const lacking = subtractDeletions(senderSnapshot.ds.clients, Y.snapshot(target).ds.clients);
        expect(lacking, `seed ${seed}, step ${step}`).toEqual(new Map());
        const targetVector = Y.decodeStateVector(Y.encodeStateVector(target));
        for (const [client, clock] of senderSnapshot.sv) expect(targetVector.get(client) ?? 0).toBeGreaterThanOrEqual(clock);
      }
      expect(accepted).toBeGreaterThan(5);
    }
  });
});
