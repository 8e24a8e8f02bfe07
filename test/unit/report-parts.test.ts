/**
 * A report cut into parts for a server whose message limit is smaller than what it
 * lacks: applied in order, every part integrates at once (nothing left pending on the
 * server), and the last leaves the server with exactly the report.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { reportParts } from '../../main/services/sync/report-parts.ts';

/** Applies the parts one by one to `receiver`, checking nothing waits for a later one. */
function applyParts(receiver: Y.Doc, parts: Uint8Array[]): void {
  parts.forEach((part, i) => {
    Y.applyUpdate(receiver, part);
    expect(receiver.store.pendingStructs, `part ${i + 1} of ${parts.length} left structs pending`).toBeNull();
    expect(receiver.store.pendingDs, `part ${i + 1} of ${parts.length} left deletions pending`).toBeNull();
  });
}

/**
 * The receiver holds every struct and every deletion of the report, and shows the same
 * text and stances. It may have deleted more: formatting marks that Yjs's clean-up of
 * formatted text found redundant at some moment of the parts' arrival, but never one
 * the text needs. (A server's incoming copy takes parts in as sent, with no clean-up of
 * its own: takePartsAsSent.)
 */
function expectSameReport(receiver: Y.Doc, doc: Y.Doc): void {
  expect(Y.encodeStateVector(receiver)).toEqual(Y.encodeStateVector(doc));
  const receiverDeleted = Y.createDeleteSetFromStructStore(receiver.store);
  const docDeleted = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, structs] of doc.store.clients) {
    for (const struct of structs) {
      const inDoc = Y.isDeleted(docDeleted, struct.id);
      const inReceiver = Y.isDeleted(receiverDeleted, struct.id);
      if (inDoc) expect(inReceiver, `${client}:${struct.id.clock} deleted in the report`).toBe(true);
      else if (inReceiver) expect((struct as Y.Item).content, `${client}:${struct.id.clock} deleted only by the receiver`).toBeInstanceOf(Y.ContentFormat);
    }
  }
  expect(receiver.getXmlFragment('body').toJSON()).toEqual(doc.getXmlFragment('body').toJSON());
  expect(receiver.getMap('stances').toJSON()).toEqual(doc.getMap('stances').toJSON());
}

const WORDS = ['the', 'multi-stakeholder', 'forum', 'governments', 'civil society', 'é', 'Tunis', 'the private sector', '互联网'];

/** One random edit by `doc`'s member: typing, deleting, formatting, a new paragraph or a stance. */
function randomEdit(gen: prng.PRNG, doc: Y.Doc): void {
  const body = doc.getXmlFragment('body');
  const choice = prng.uint32(gen, 0, 9);
  if (body.length === 0 || choice === 0) {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.setAttribute('id', `b${prng.uint32(gen, 0, 1e6)}`);
    paragraph.insert(0, [new Y.XmlText(prng.oneOf(gen, WORDS))]);
    body.insert(prng.uint32(gen, 0, body.length), [paragraph]);
    return;
  }
  const paragraph = body.get(prng.uint32(gen, 0, body.length - 1)) as Y.XmlElement;
  const text = paragraph.get(0) as Y.XmlText;
  if (choice === 1) {
    doc.getMap('stances').set(`s${prng.uint32(gen, 0, 40)}`, { block: paragraph.getAttribute('id'), stance: prng.oneOf(gen, ['support', 'object']), text: text.toString() });
  } else if (choice === 2 && text.length > 2) {
    const at = prng.uint32(gen, 0, text.length - 2);
    text.delete(at, prng.uint32(gen, 1, Math.min(12, text.length - at)));
  } else if (choice === 3 && text.length > 2) {
    text.format(prng.uint32(gen, 0, text.length - 2), 2, { em: true });
  } else if (choice === 4 && body.length > 3) {
    body.delete(prng.uint32(gen, 0, body.length - 1), 1);
  } else {
    // Typing: a run of keystrokes at one place, one item per key as the editor makes them.
    let at = prng.uint32(gen, 0, text.length);
    for (const key of ` ${prng.oneOf(gen, WORDS)}`) text.insert(at++, key);
  }
}

/** Members editing their own copies and meeting now and then: structs that depend on each other's. */
function draftedTogether(seed: number, members: number, rounds: number): { copies: Y.Doc[]; merged: Y.Doc } {
  const gen = prng.create(seed);
  // (Client ids from the seed too: they decide the order of concurrent inserts.)
  const copies = Array.from({ length: members }, () => Object.assign(new Y.Doc({ gc: false }), { clientID: prng.uint32(gen, 1, 2 ** 31) }));
  for (let round = 0; round < rounds; round++) {
    for (const copy of copies) for (let i = prng.uint32(gen, 0, 6); i > 0; i--) randomEdit(gen, copy);
    const a = prng.oneOf(gen, copies);
    const b = prng.oneOf(gen, copies);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  }
  const merged = new Y.Doc({ gc: false });
  for (const copy of copies) Y.applyUpdate(merged, Y.encodeStateAsUpdate(copy));
  return { copies, merged };
}

describe('reportParts', () => {
  it('brings an empty server to the report in parts that each fit and integrate in order', () => {
    // (580 and 847: drafts whose live italics the server's clean-up of formatting deleted
    // while it still showed marks the report had deleted.)
    for (const seed of [...Array.from({ length: 12 }, (_, i) => i + 1), 580, 847]) {
      const { merged } = draftedTogether(seed, 5, 60);
      const whole = Y.encodeStateAsUpdate(merged);
      const limit = 2048;
      const parts = reportParts(merged, Y.encodeStateVector(new Y.Doc()), limit);
      expect(whole.length, `seed ${seed}`).toBeGreaterThan(4 * limit);
      expect(parts.length).toBeGreaterThan(2);
      for (const part of parts) expect(part.length, `seed ${seed}`).toBeLessThanOrEqual(limit);
      const server = new Y.Doc({ gc: false });
      applyParts(server, parts);
      expectSameReport(server, merged);
    }
  });

  it('sends a server that has an older copy only what it lacks, and it ends with the report', () => {
    for (let seed = 20; seed <= 32; seed++) {
      const { copies, merged } = draftedTogether(seed, 4, 50);
      const server = new Y.Doc({ gc: false });
      Y.applyUpdate(server, Y.encodeStateAsUpdate(copies[seed % copies.length] as Y.Doc));
      const lacking = Y.encodeStateAsUpdate(merged, Y.encodeStateVector(server));
      const parts = reportParts(merged, Y.encodeStateVector(server), 1024);
      // What is sent is about what Yjs itself would send (each part repeats little).
      const sent = parts.reduce((sum, part) => sum + part.length, 0);
      expect(sent).toBeLessThan(lacking.length * 1.5 + 64);
      applyParts(server, parts);
      expectSameReport(server, merged);
    }
  });

  it('starts inside a run of text the server has the beginning of', () => {
    const doc = new Y.Doc({ gc: false });
    const text = doc.getXmlFragment('body');
    const paragraph = new Y.XmlElement('paragraph');
    text.insert(0, [paragraph]);
    const run = new Y.XmlText();
    paragraph.insert(0, [run]);
    run.insert(0, 'The Working Group ');
    const server = new Y.Doc({ gc: false });
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc));
    // Typed on at the end: Yjs joins it to the same struct the server has the start of.
    run.insert(run.length, 'recognizes the roles of all stakeholders.');
    const structs = doc.store.clients.get(doc.clientID) as Y.Item[];
    expect(structs.some((s) => s.length > 'The Working Group '.length)).toBe(true);
    const parts = reportParts(doc, Y.encodeStateVector(server), 1024);
    applyParts(server, parts);
    expectSameReport(server, doc);
  });

  it('gives a struct larger than the limit a part of its own', () => {
    const doc = new Y.Doc({ gc: false });
    for (let i = 0; i < 30; i++) {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText(i === 12 ? 'x'.repeat(5000) : `Paragraph ${i}`)]);
      doc.getXmlFragment('body').push([paragraph]);
    }
    const parts = reportParts(doc, Y.encodeStateVector(new Y.Doc()), 1024);
    expect(parts.filter((part) => part.length > 1024)).toHaveLength(1);
    const server = new Y.Doc({ gc: false });
    applyParts(server, parts);
    expectSameReport(server, doc);
  });

  it('sends the deletions of text last, and those of formatting marks with the marks', () => {
    const { merged } = draftedTogether(7, 3, 40);
    const parts = reportParts(merged, Y.encodeStateVector(new Y.Doc()), 4096);
    const withoutLast = new Y.Doc({ gc: false });
    applyParts(withoutLast, parts.slice(0, -1));
    expect(Y.encodeStateVector(withoutLast)).toEqual(Y.encodeStateVector(merged));
    const inReport = Y.createDeleteSetFromStructStore(merged.store);
    const before = Y.createDeleteSetFromStructStore(withoutLast.store);
    let marks = 0;
    let text = 0;
    for (const structs of merged.store.clients.values()) {
      for (const struct of structs) {
        if (!(struct instanceof Y.Item) || !Y.isDeleted(inReport, struct.id)) continue;
        if (struct.content instanceof Y.ContentFormat) {
          marks++;
          expect(Y.isDeleted(before, struct.id), 'a deleted mark arrives deleted').toBe(true);
        } else if (!Y.isDeleted(before, struct.id)) text++;
      }
    }
    expect(marks).toBeGreaterThan(0);
    expect(text).toBeGreaterThan(0);
    // (Deleted text stands until the last part.)
    expect(withoutLast.getXmlFragment('body').toJSON()).not.toEqual(merged.getXmlFragment('body').toJSON());
    applyParts(withoutLast, parts.slice(-1));
    expectSameReport(withoutLast, merged);
  });

  it('has nothing but the deletions to send to a server that has everything', () => {
    const { merged } = draftedTogether(3, 3, 20);
    const parts = reportParts(merged, Y.encodeStateVector(merged), 1024);
    expect(parts).toEqual([Y.encodeStateAsUpdate(merged, Y.encodeStateVector(merged))]);
  });
});
