/**
 * An update that decodes whole but that Yjs cannot integrate whole is refused whole: Yjs
 * would throw halfway through its transaction and keep (and send on) what came before.
 * Every update Yjs itself writes still passes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { assertWellFormedUpdate, MalformedMessageError } from '../../shared/sync-messages.ts';
import { integrationProblem } from '../../shared/update-integrity.ts';
import { bodyOf, createReportDoc, endorsementsOf, metaOf } from '../../shared/ydoc.ts';
import { craftedUpdate, FIRST_INTEGRATED_CLIENT, halfApplyingUpdate } from './helpers/crafted-updates.ts';
import { reportAndEdits } from './helpers/mutated-updates.ts';
import { UpdateGuard } from '../../main/services/sync/update-guard.ts';

function stateVector(client: number, clock: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  return encoding.toUint8Array(e);
}

function reportWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('body').insert(0, text);
  return doc;
}

describe('updates Yjs cannot integrate whole', () => {
  it('Yjs half-applies the crafted update: why it must be refused before it is applied', () => {
    const doc = reportWithText('The WGIG report.');
    const sent: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => sent.push(update));
    expect(() => Y.applyUpdate(doc, halfApplyingUpdate())).toThrow();
    expect(doc.getText('body').toString()).toContain('FORGED ');
    expect(sent).toHaveLength(1);
  });

  const refused: Array<[string, Uint8Array, RegExp]> = [
    ['a struct referring ahead in its own client\'s history', halfApplyingUpdate(), /refers to its own client's clock 7, not yet written/],
    ['a struct referring to itself', craftedUpdate([{ client: 5, text: 'x', rightOrigin: { client: 5, clock: 0 } }]), /refers to its own client's clock 0/],
    ['a struct with the same character on both sides', craftedUpdate([{ client: 5, text: 'x', origin: { client: 9, clock: 3 }, rightOrigin: { client: 9, clock: 3 } }]), /same character on both sides/],
    ['a struct of no length', craftedUpdate([{ client: 5, text: '' }]), /with a length of 0/],
    ['an empty deleted range', craftedUpdate([], [{ client: 9, clock: 7, len: 0 }]), /deleted range of client 9 at clock 7 with a length of 0/],
    ['a deleted range past the largest clock', craftedUpdate([], [{ client: 9, clock: 2 ** 53 - 2, len: 4 }]), /deleted range of client 9/],
  ];
  for (const [name, update, message] of refused) {
    it(`refuses ${name}, and the document is untouched`, () => {
      expect(Y.decodeUpdate(update).structs.length).toBeGreaterThanOrEqual(0); // it decodes whole
      const doc = reportWithText('The WGIG report.');
      const before = Y.encodeStateAsUpdate(doc);
      expect(() => assertWellFormedUpdate(update)).toThrow(MalformedMessageError);
      expect(() => assertWellFormedUpdate(update)).toThrow(message);
      expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    });
  }

  it('refuses a reference to a clock below 0 (a v2 update writes clocks as differences)', () => {
    const struct = { id: { client: 5, clock: 0 }, length: 1, origin: { client: 9, clock: -4 }, rightOrigin: { client: 9, clock: 5 }, parent: null };
    expect(integrationProblem({ structs: [struct], ds: { clients: new Map() } })).toMatch(/refers to clock -4, which no client has/);
  });

  it('refuses, on the worker, a v2 update naming a format by an index it never gave (found by the mutation fuzz)', async () => {
    // Bo's bold, a byte changed: its second format reads with no key. Yjs keeps it
    // pending (its client's earlier clocks are not there) and throws writing it again.
    const update = Buffer.from('000200420bc2d0acf30e0281f882ad1602180c021a5601c60f0c7374726f6e677374726f6e674600000000010213787e00', 'hex');
    const doc = createReportDoc();
    Y.applyUpdate(doc, reportAndEdits().report);
    expect(() => Y.applyUpdateV2(doc, update)).toThrow();
    const guard = new UpdateGuard();
    try {
      await expect(guard.check(update, 'v2')).rejects.toThrow(/with a name that is not text/);
    } finally {
      await guard.close();
    }
  });

  it('lets through the well-formed parts of the crafted update, alone', () => {
    expect(() => assertWellFormedUpdate(craftedUpdate([{ client: FIRST_INTEGRATED_CLIENT, text: 'FORGED ' }]))).not.toThrow();
    expect(() => assertWellFormedUpdate(craftedUpdate([{ client: 5, text: 'x', origin: { client: 9, clock: 7 } }], [{ client: 9, clock: 7, len: 1 }]))).not.toThrow();
  });
});

describe('updates Yjs writes', () => {
  it('all pass: typing, typing before one\'s own text, splits, deletions, marks, nesting, stances, undo and redo, merged and partial updates', () => {
    const ana = createReportDoc();
    const bo = createReportDoc();
    const updates: Uint8Array[] = [];
    for (const doc of [ana, bo]) doc.on('update', (update: Uint8Array) => updates.push(update));
    const exchange = (): void => {
      Y.applyUpdate(bo, Y.encodeStateAsUpdate(ana, Y.encodeStateVector(bo)));
      Y.applyUpdate(ana, Y.encodeStateAsUpdate(bo, Y.encodeStateVector(ana)));
    };
    const paragraph = (text: string): Y.XmlElement => {
      const element = new Y.XmlElement('paragraph');
      const content = new Y.XmlText();
      content.insert(0, text);
      element.insert(0, [content]);
      return element;
    };
    bodyOf(ana).push([paragraph('internet governance'), paragraph('the forum')]);
    metaOf(ana).set('title', 'WGIG');
    exchange();
    const undo = new Y.UndoManager(bodyOf(bo), { captureTimeout: 0 });
    const anaText = (bodyOf(ana).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const boText = (bodyOf(bo).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    anaText.insert(anaText.length, ' is multilateral');
    anaText.insert(0, 'Global '); // before her own text: a right neighbour of her own, written earlier
    boText.insert(8, 'and open '); // inside Ana's text: it is split
    boText.format(0, 8, { strong: true });
    boText.delete(2, 5);
    bodyOf(bo).insert(1, [paragraph('a new paragraph')]);
    undo.undo();
    undo.redo();
    endorsementsOf(bo).set('p1:bo', { stance: 'support' });
    exchange();
    anaText.delete(0, anaText.length);
    exchange();
    const partial = Y.encodeStateAsUpdate(ana, stateVector(ana.clientID, 3)); // starts inside an item
    const anaOwn: Uint8Array[] = [];
    ana.on('update', (update: Uint8Array) => anaOwn.push(update));
    for (const word of ['One', ' two', ' three']) anaText.insert(anaText.length, word);
    const merged = Y.mergeUpdates([anaOwn[0]!, anaOwn[2]!]); // the second missing: a skip
    for (const update of [...updates, partial, merged, Y.encodeStateAsUpdate(ana), Y.encodeStateAsUpdate(bo)]) {
      expect(integrationProblem(Y.decodeUpdate(update))).toBeNull();
      expect(() => assertWellFormedUpdate(update)).not.toThrow();
      expect(integrationProblem(Y.decodeUpdateV2(Y.convertUpdateFormatV1ToV2(update)))).toBeNull();
    }
    expect(updates.length).toBeGreaterThan(10);
    expect(Y.decodeUpdate(merged).structs.some((struct) => struct.constructor.name === 'Skip')).toBe(true);
  });
});
