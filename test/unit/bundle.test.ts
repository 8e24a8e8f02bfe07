// The update-bundle format (shared/bundle.ts): what a recipient gets, and every way a
// file can be wrong — each refused with its own message before anything is applied.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  BUNDLE_FORMAT_VERSION, BUNDLE_MAGIC, BundleError, checkBundleBase, checkBundleFor, createBundle, decodeBundle,
  encodeBundle, mergeStateVectors, type BundleHeader,
} from '../../shared/bundle.ts';
import { bodyOf, createReportDoc, Origin, writeMeta } from '../../shared/ydoc.ts';

const HEADER: BundleHeader = { reportId: 'rep-1', reportTitle: 'WGIG report', sender: 'Ana', recipient: 'Bo', createdAt: '2026-11-28T00:00:00.000Z' };

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
    const copy = createReportDoc();
    Y.applyUpdate(copy, bundle.update);
    expect(bodyOf(copy).toString()).toBe(bodyOf(doc).toString());
  });

  it('carries only what the recipient lacks when their state vector is known', () => {
    const doc = report();
    type(doc, 'x'.repeat(5000));
    const known = Y.encodeStateVector(doc);
    type(doc, 'new');
    const partial = createBundle(doc, HEADER, known);
    const whole = createBundle(doc, HEADER);
    expect(partial.length).toBeLessThan(300);
    expect(whole.length).toBeGreaterThan(5000);
    const receiver = createReportDoc();
    Y.applyUpdate(receiver, decodeBundle(createBundle(doc, HEADER, undefined)).update);
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
    const newer = encodeBundle({ ...HEADER, version: BUNDLE_FORMAT_VERSION + 1, base: Y.encodeStateVector(new Y.Doc()), after: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdate(doc) });
    expect(() => decodeBundle(newer)).toThrow(/newer version of Plenary.*Update the app/);
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
