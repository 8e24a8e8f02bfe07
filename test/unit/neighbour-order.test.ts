/**
 * Text placed between two characters that do not stand in that order: Yjs never writes
 * it, a hostile peer can, and Yjs then puts the text wherever its walk happens to stop,
 * so a copy and the same copy reopened from its file differ for good. The check
 * (shared/neighbour-order.ts) finds it before anything is applied, and never refuses
 * what Yjs itself writes.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { neighbourOrderProblem, neighbourPairs } from '../../shared/neighbour-order.ts';
import { craftedUpdate } from './helpers/crafted-updates.ts';
import { dropMisplacedWaiting } from '../../main/services/sync/neighbour-order-guard.ts';

const WRITER = 1;

/** Why the doc would refuse the update, or null. */
function refusal(doc: Y.Doc, update: Uint8Array): string | null {
  const { problem, pairs } = neighbourPairs(Y.decodeUpdate(update));
  return problem ?? neighbourOrderProblem(doc, pairs);
}

/** A report's text "abcdef" by one writer, as one item; another member's "YY" typed after the "e". */
function reportAndConcurrentEdit(): { base: Uint8Array; concurrent: Uint8Array } {
  const writer = new Y.Doc();
  writer.clientID = WRITER;
  writer.getText('body').insert(0, 'abcdef');
  const base = Y.encodeStateAsUpdate(writer);
  const other = new Y.Doc();
  other.clientID = 3;
  Y.applyUpdate(other, base);
  other.getText('body').insert(5, 'YY');
  return { base, concurrent: Y.encodeStateAsUpdate(other, Y.encodeStateVector(writer)) };
}

const at = (clock: number): { client: number; clock: number } => ({ client: WRITER, clock });
const copyOf = (...updates: Uint8Array[]): Y.Doc => {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
};

describe('text whose right neighbour does not come after its left one', () => {
  it('applied anyway, a copy and the same copy reopened differ (why it is refused)', () => {
    const { base, concurrent } = reportAndConcurrentEdit();
    const crafted = craftedUpdate([{ client: 2, text: 'X', origin: at(4), rightOrigin: at(1) }]);
    const copy = copyOf(base, concurrent, crafted);
    expect(copyOf(Y.encodeStateAsUpdate(copy)).getText('body').toString()).not.toBe(copy.getText('body').toString());
  });

  for (const [what, origin, rightOrigin] of [
    ['before it, in the same item', 4, 1],
    ['the first character, the left one the fourth', 3, 0],
    ['just before it', 2, 1],
  ] as const) {
    it(`is found, its right neighbour ${what}`, () => {
      const { base, concurrent } = reportAndConcurrentEdit();
      const crafted = craftedUpdate([{ client: 2, text: 'X', origin: at(origin), rightOrigin: at(rightOrigin) }]);
      expect(refusal(copyOf(base), crafted)).toMatch(/after the character of client 1 at clock \d+ and before one that does not come after it/);
      // Also where the report's items are split differently (another member's edit in between).
      expect(refusal(copyOf(base, concurrent), crafted)).not.toBeNull();
    });
  }

  it('is found across items, and between two lists', () => {
    const { base, concurrent } = reportAndConcurrentEdit();
    const copy = copyOf(base, concurrent);
    // "YY" (client 3) stands after the "e": a right neighbour "b" is before it.
    expect(refusal(copy, craftedUpdate([{ client: 2, text: 'X', origin: { client: 3, clock: 1 }, rightOrigin: at(1) }]))).not.toBeNull();
    const twoLists = new Y.Doc();
    twoLists.clientID = 5;
    twoLists.getText('appendix').insert(0, 'zz');
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(twoLists));
    expect(refusal(copy, craftedUpdate([{ client: 2, text: 'X', origin: at(2), rightOrigin: { client: 5, clock: 1 } }]))).not.toBeNull();
  });

  it('is found when the update brings one of the two itself', () => {
    const copy = copyOf(reportAndConcurrentEdit().base);
    // X is placed right of "d"; text after X but before "b" cannot be.
    const chained = craftedUpdate([
      { client: 7, text: 'X', origin: at(3), rightOrigin: at(4) },
      { client: 8, text: 'Z', origin: { client: 7, clock: 0 }, rightOrigin: at(1) },
    ]);
    expect(refusal(copy, chained)).not.toBeNull();
    // Text right of X and before "e" (X's own right neighbour) is fine.
    const fine = craftedUpdate([
      { client: 7, text: 'X', origin: at(3), rightOrigin: at(4) },
      { client: 8, text: 'Z', origin: { client: 7, clock: 0 }, rightOrigin: at(4) },
    ]);
    expect(refusal(copy, fine)).toBeNull();
  });

  it('is found within the update alone: text inside another of its items, neighbours the wrong way round', () => {
    const inverted = craftedUpdate([
      { client: 7, text: 'XYZ', origin: at(3), rightOrigin: at(4) },
      { client: 8, text: 'Q', origin: { client: 7, clock: 2 }, rightOrigin: { client: 7, clock: 0 } },
    ]);
    expect(neighbourPairs(Y.decodeUpdate(inverted)).problem).toMatch(/right neighbour before its left one/);
  });

  it('what the report does not hold yet is not looked up (Yjs keeps that update waiting)', () => {
    const copy = copyOf(reportAndConcurrentEdit().base);
    expect(refusal(copy, craftedUpdate([{ client: 2, text: 'X', origin: { client: 40, clock: 3 }, rightOrigin: at(1) }]))).toBeNull();
  });
});

describe('what Yjs writes is never refused', () => {
  it('text typed between two characters written in the reverse order, in an update that skips them (a merge of two updates with a gap)', () => {
    const member = new Y.Doc();
    member.clientID = 9;
    const text = member.getText('body');
    const since = (vector: Uint8Array): Uint8Array => Y.encodeStateAsUpdate(member, vector);
    text.insert(0, 'z');
    const first = Y.encodeStateAsUpdate(member);
    const afterFirst = Y.encodeStateVector(member);
    text.insert(1, 'ab');
    text.insert(1, 'cd');
    const middle = since(afterFirst);
    const afterMiddle = Y.encodeStateVector(member);
    // "zcdab": Y goes after the "d" (clock 4) and before the "a" (clock 1).
    text.insert(3, 'Y');
    const merged = Y.mergeUpdates([first, since(afterMiddle)]);
    expect(refusal(copyOf(first, middle), merged)).toBeNull();
    expect(refusal(new Y.Doc(), merged)).toBeNull();
  });

  /** Seeded sessions: members type, delete, format and undo on their own copies, and their updates meet in random order. */
  function session(seed: number, gc: boolean): string[] {
    const gen = prng.create(seed);
    const members = Array.from({ length: 3 }, (_, i) => {
      const doc = new Y.Doc({ gc });
      doc.clientID = 100 + i;
      return { doc, undo: new Y.UndoManager(doc.getText('body'), { captureTimeout: 0 }), inbox: [] as Uint8Array[] };
    });
    for (const member of members) {
      member.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'delivered') return;
        for (const other of members) if (other !== member) other.inbox.push(update);
      });
    }
    const refused: string[] = [];
    for (let step = 0; step < 80; step++) {
      const member = prng.oneOf(gen, members);
      const text = member.doc.getText('body');
      const roll = prng.uint32(gen, 0, 9);
      if (roll <= 3) text.insert(prng.uint32(gen, 0, text.length), prng.word(gen, 1, 6), prng.bool(gen) ? { bold: true } : {});
      else if (roll <= 5 && text.length > 0) {
        const index = prng.uint32(gen, 0, text.length - 1);
        text.delete(index, prng.uint32(gen, 1, Math.min(5, text.length - index)));
      } else if (roll === 6 && text.length > 1) text.format(prng.uint32(gen, 0, text.length - 2), 2, { italic: prng.bool(gen) ? true : null });
      else if (roll === 7) member.undo.undo();
      else if (roll === 8) member.undo.redo();
      else {
        // Some of what waits for this member arrives, in any order, merged or not.
        const inbox = member.inbox.splice(0, prng.uint32(gen, 0, member.inbox.length));
        for (let i = inbox.length - 1; i > 0; i--) {
          const j = prng.uint32(gen, 0, i);
          [inbox[i], inbox[j]] = [inbox[j]!, inbox[i]!];
        }
        const arriving = prng.bool(gen) && inbox.length > 1 ? [Y.mergeUpdates(inbox)] : inbox;
        for (const update of arriving) {
          const problem = refusal(member.doc, update);
          if (problem) refused.push(`seed ${seed}, step ${step}: ${problem}`);
          // Nor is what waits for it ever dropped (neighbour-order-guard.ts).
          const dropped = dropMisplacedWaiting(member.doc, update);
          if (dropped.length > 0) refused.push(`seed ${seed}, step ${step}: waiting text of ${dropped.join(', ')} dropped`);
          Y.applyUpdate(member.doc, update, 'delivered');
        }
      }
    }
    for (const member of members) {
      for (const other of members) {
        if (other === member) continue;
        const update = Y.encodeStateAsUpdate(other.doc, Y.encodeStateVector(member.doc));
        const problem = refusal(member.doc, update);
        if (problem) refused.push(`seed ${seed}, final sync: ${problem}`);
        Y.applyUpdate(member.doc, update, 'delivered');
      }
    }
    const texts = new Set(members.map((member) => JSON.stringify(member.doc.getText('body').toDelta())));
    if (texts.size !== 1) refused.push(`seed ${seed}: the copies differ`);
    return refused;
  }

  it('in 300 seeded sessions of three members (with and without garbage collection), nor what waits dropped', () => {
    const refused: string[] = [];
    for (let seed = 1; seed <= 300; seed++) refused.push(...session(seed, seed % 2 === 0));
    expect(refused).toEqual([]);
  });
});
