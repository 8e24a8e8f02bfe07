/**
 * Text that waits in a report for a character not received yet, and that the update
 * bringing that character would let in misplaced (shared/neighbour-order.ts), is dropped
 * before the update is applied: the update is fine alone, and refusing it would let
 * whoever left that text block the member whose character it names. Only the clients
 * whose waiting text is misplaced are dropped: a member's own edit waiting for the one
 * before it is let in as Yjs would.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { dropMisplacedWaiting, misplacedText } from '../../main/services/sync/neighbour-order-guard.ts';
import { assertWellFormedSmallUpdate, INLINE_DECODE_LIMIT } from '../../main/services/sync/update-guard.ts';
import { craftedUpdate } from './helpers/crafted-updates.ts';
import { ReportSession } from '../../main/services/report-session.ts';
import { connectToSession } from '../integration/session-peer.ts';

const WRITER = 1;
const HOSTILE = 2;
const MEMBER = 5;

/** The report "abcdefg"; a member's "Q" after the "c", then "R" after it, sent in the wrong order. */
function reportAndMemberEdits(): { report: Y.Doc; first: Uint8Array; second: Uint8Array } {
  const writer = new Y.Doc();
  writer.clientID = WRITER;
  writer.getText('body').insert(0, 'abcdefg');
  const base = Y.encodeStateAsUpdate(writer);
  const member = new Y.Doc();
  member.clientID = MEMBER;
  Y.applyUpdate(member, base);
  member.getText('body').insert(3, 'Q');
  const first = Y.encodeStateAsUpdate(member, Y.encodeStateVector(writer));
  const afterFirst = Y.encodeStateVector(member);
  member.getText('body').insert(4, 'R');
  const second = Y.encodeStateAsUpdate(member, afterFirst);
  const report = new Y.Doc();
  Y.applyUpdate(report, base);
  return { report, first, second };
}

/** "Z" after the member's "Q" (not received yet) and before the "b", which stands before it. */
const misplacedZ = craftedUpdate([{ client: HOSTILE, text: 'Z', origin: { client: MEMBER, clock: 0 }, rightOrigin: { client: WRITER, clock: 1 } }]);

describe('text waiting in the report that an update would let in misplaced', () => {
  it('is dropped, the member\'s own waiting edit kept and let in with the update', () => {
    const { report, first, second } = reportAndMemberEdits();
    Y.applyUpdate(report, second); // "R" waits for the "Q"
    Y.applyUpdate(report, misplacedZ); // so does "Z"
    expect(report.getText('body').toString()).toBe('abcdefg');
    const { problem, dropped } = misplacedText(report, first, assertWellFormedSmallUpdate(first));
    expect(problem).toBeNull();
    expect(dropped).toEqual([HOSTILE]);
    Y.applyUpdate(report, first);
    expect(report.getText('body').toString()).toBe('abcQRdefg');
    expect(report.store.pendingStructs).toBeNull();
  });

  it('with an update too large to merge again for each waiting client, all that waits goes at once', () => {
    const { report, first, second } = reportAndMemberEdits();
    Y.applyUpdate(report, second);
    Y.applyUpdate(report, misplacedZ);
    // The member's "Q" with a long appendix of hers.
    const large = Y.mergeUpdates([first, craftedUpdate([{ client: 6, text: 'Annex. '.repeat(12 * 1024), rootType: 'appendix' }])]);
    expect(large.length).toBeGreaterThan(INLINE_DECODE_LIMIT);
    expect(dropMisplacedWaiting(report, large).sort()).toEqual([HOSTILE, MEMBER].sort());
    expect(report.store.pendingStructs).toBeNull();
    Y.applyUpdate(report, large);
    expect(report.getText('body').toString()).toBe('abcQdefg');
  });

  it('is dropped also when it sits the wrong way round inside an item the update brings (a first sync, say)', () => {
    const writer = new Y.Doc();
    writer.clientID = WRITER;
    writer.getText('body').insert(0, 'abcdefg');
    const whole = Y.encodeStateAsUpdate(writer);
    const report = new Y.Doc();
    // After the "e" and before the "b", which the report does not hold yet: it waits.
    Y.applyUpdate(report, craftedUpdate([{ client: HOSTILE, text: 'Z', origin: { client: WRITER, clock: 4 }, rightOrigin: { client: WRITER, clock: 1 } }]));
    const { problem, dropped } = misplacedText(report, whole, assertWellFormedSmallUpdate(whole));
    expect(problem).toBeNull();
    expect(dropped).toEqual([HOSTILE]);
    Y.applyUpdate(report, whole);
    expect(report.getText('body').toString()).toBe('abcdefg');
  });

  it('what waits and stands in order with the update is left as it is', () => {
    const { report, first, second } = reportAndMemberEdits();
    Y.applyUpdate(report, second);
    const waiting = report.store.pendingStructs;
    expect(dropMisplacedWaiting(report, first)).toEqual([]);
    expect(report.store.pendingStructs).toBe(waiting);
  });

  it('an update misplaced itself is refused, and nothing waiting is dropped for it', () => {
    const { report, second } = reportAndMemberEdits();
    Y.applyUpdate(report, second);
    const waiting = report.store.pendingStructs;
    const misplaced = craftedUpdate([{ client: 9, text: 'W', origin: { client: WRITER, clock: 4 }, rightOrigin: { client: WRITER, clock: 2 } }]);
    const { problem, dropped } = misplacedText(report, misplaced, assertWellFormedSmallUpdate(misplaced));
    expect(problem).toMatch(/puts text after the character/);
    expect(dropped).toEqual([]);
    expect(report.store.pendingStructs).toBe(waiting);
  });

  it('waiting text placed by another client\'s waiting text is checked with it: both go when together they are misplaced', () => {
    const { report, first } = reportAndMemberEdits();
    // "Y" waits for the member's "Q"; "Z" after that "Y" and before the "b": alone, Z
    // names a character the update does not bring, so only the two together tell.
    const y = craftedUpdate([{ client: 7, text: 'Y', origin: { client: MEMBER, clock: 0 }, rightOrigin: { client: WRITER, clock: 3 } }]);
    const z = craftedUpdate([{ client: HOSTILE, text: 'Z', origin: { client: 7, clock: 0 }, rightOrigin: { client: WRITER, clock: 1 } }]);
    Y.applyUpdate(report, y);
    Y.applyUpdate(report, z);
    const { problem, dropped } = misplacedText(report, first, assertWellFormedSmallUpdate(first));
    expect(problem).toBeNull();
    expect(dropped.sort()).toEqual([HOSTILE, 7].sort());
    Y.applyUpdate(report, first);
    expect(report.getText('body').toString()).toBe('abcQdefg');
  });
});

describe('text waiting in a copy (our Yjs patch)', () => {
  it('is not sent on: a copy\'s state and its answers to others carry it only once integrated', () => {
    const { report, first, second } = reportAndMemberEdits();
    Y.applyUpdate(report, second); // "R" waits for the "Q"
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(report));
    expect(other.store.pendingStructs).toBeNull();
    expect(Y.encodeStateAsUpdate(report, Y.encodeStateVector(other))).toEqual(Y.encodeStateAsUpdate(other, Y.encodeStateVector(other)));
    // Once the "Q" comes, the "R" goes out with the rest.
    Y.applyUpdate(report, first);
    Y.applyUpdate(other, Y.encodeStateAsUpdate(report, Y.encodeStateVector(other)));
    expect(other.getText('body').toString()).toBe('abcQRdefg');
  });
});

describe('a window\'s edit in main\'s report session', () => {
  it('drops text waiting in the report that the edit would let in misplaced; the report and its file get the edit alone', () => {
    const { report } = reportAndMemberEdits();
    const stored: Uint8Array[] = [];
    const session = new ReportSession(report, (update) => stored.push(update));
    const window = new Y.Doc();
    window.clientID = 40;
    const disconnect = connectToSession(session, window);
    try {
      // From a link, say: "Z" after the window's next character and before the "b".
      Y.applyUpdate(report, craftedUpdate([{ client: HOSTILE, text: 'Z', origin: { client: 40, clock: 0 }, rightOrigin: { client: WRITER, clock: 1 } }]));
      expect(report.store.pendingStructs).not.toBeNull();
      window.getText('body').insert(3, 'Q');
      expect(report.getText('body').toString()).toBe('abcQdefg');
      expect(report.store.pendingStructs).toBeNull();
      // What the file was given holds the window's "Q", and nothing of the "Z".
      const written = stored.flatMap((update) => Y.decodeUpdate(update).structs.map((struct) => struct.id.client));
      expect(written).toContain(40);
      expect(written).not.toContain(HOSTILE);
    } finally {
      disconnect();
    }
  });
});

