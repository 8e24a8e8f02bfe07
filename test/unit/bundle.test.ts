// The update-bundle format (shared/bundle.ts): what a recipient gets, and every way a
// file can be wrong — each refused with its own message before anything is applied.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  applyBundleUpdate, BUNDLE_FORMAT_VERSION, BUNDLE_MAGIC, BundleError, checkBundleBase, checkBundleFor, createBundle,
  decodeBundle, encodeBundle, mergeStateVectors, type BundleHeader,
} from '../../shared/bundle.ts';
import { encodeBundleDeclaring } from './helpers/bundle-bomb.ts';
import { bodyOf, createReportDoc, Origin, writeMeta } from '../../shared/ydoc.ts';

const HEADER: BundleHeader = { reportId: 'rep-1', reportTitle: 'WGIG report', sender: 'Ana', recipient: 'Bo', createdAt: '2026-11-28T00:00:00.000Z' };

/** Made by format 1's createBundle (shared/bundle.ts before 2026-11-28 08:10 UTC). */
const FORMAT_1_BUNDLE = 'UExFTkJOREwBBXJlcC0xC1dHSUcgcmVwb3J0A0FuYQJCbxgyMDI2LTExLTI4VDAwOjAwOjAwLjAwMFoBAAQBkiEUYQEFkiEAKAEEbWV0YQJpZAF3BXJlcC0xKAEEbWV0YQV0aXRsZQF3C1dHSUcgcmVwb3J0BwEEYm9keQMJcGFyYWdyYXBoBwCSIQIGBACSIQMQTWFkZSBieSBmb3JtYXQgMQC2qz0KtFZpAcgBHKGbmuUEgSDdwc7XIUIjNRwtTVI+cQ==';

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
    expect(bundle).toMatchObject({ ...HEADER, version: BUNDLE_FORMAT_VERSION });
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
    const newer = encodeBundle({ ...HEADER, version: BUNDLE_FORMAT_VERSION + 1, base: Y.encodeStateVector(new Y.Doc()), after: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdate(doc), updateFormat: 'v2' });
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
