// Stance texts by reference in bundle format 5 (shared/bundle-stances.ts): a stance on a
// paragraph the recipient has travels without its text and hash, and the recipient ends
// with exactly the records the sender signed — the same update, byte for byte.
import { describe, expect, it } from 'vitest';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import * as Y from 'yjs';
import {
  applyBundleUpdate, type BundleError, createBundle, decodeBundle, encodeBundle, type BrotliCodec, type BundleHeader,
} from '../../shared/bundle.ts';
import { restoreBundleStances } from '../../shared/bundle-checks.ts';
import { itemTextFrom, restoreStanceTexts } from '../../shared/bundle-stances.ts';
import { encodeUpdateForRecipient } from '../../shared/bundle-deletions.ts';
import { endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { parseEndorsement, verifyEndorsement } from '../../shared/endorsement.ts';
import { fork, makeReport, REPORT_ID, setParagraphText, take, type TestMember } from './endorsement-fixtures.ts';

const HEADER: BundleHeader = { reportId: REPORT_ID, reportTitle: 'Test report', sender: 'Ana', recipient: 'Bo', createdAt: '2026-11-28T00:00:00.000Z' };
const BROTLI: BrotliCodec = {
  compress: (update) => new Uint8Array(brotliCompressSync(update)),
  decompress: (compressed, size) => new Uint8Array(brotliDecompressSync(compressed, { maxOutputLength: Math.max(1, size) })),
};
const LONG = 'The Working Group recommends that the governance of the Internet be open, inclusive and transparent, with the full involvement of governments, the private sector, civil society and international organizations.';

function paragraphs(): [string, string][] {
  // p11 holds a double space: its stored text is not its normalized text.
  return Array.from({ length: 12 }, (_, i) => [`p${i}`, `${i}. ${LONG} Paragraph ${i} says so in its own words,${i === 11 ? '  ' : ' '}at some length.`]);
}

/** The morning's report, a member's copy of it, and the recipient's copy. */
function morning(): { sender: Y.Doc; recipient: Y.Doc; members: TestMember[]; base: Uint8Array } {
  const { doc, members } = makeReport(paragraphs(), 3);
  return { sender: fork(doc), recipient: fork(doc), members, base: Y.encodeStateVector(doc) };
}

function stances(doc: Y.Doc): Map<string, unknown> {
  return new Map([...endorsementsOf(doc).entries()]);
}

describe('stance texts by reference (format 5)', () => {
  it('leave out the text and hash of stances on paragraphs the recipient has, and rebuild the same update', () => {
    const { sender, recipient, members, base } = morning();
    for (let i = 0; i < 8; i++) take(sender, members[i % 3]!, `p${i}`, 'endorse');
    const bytes = createBundle(sender, HEADER, base, { brotli: BROTLI, bundleId: 'b' });
    const bundle = decodeBundle(bytes, { brotli: BROTLI.decompress });
    expect(bundle.version).toBe(5);
    expect(bundle.stanceRefs).toHaveLength(8);
    expect(() => applyBundleUpdate(recipient, bundle, Origin.bundle)).toThrow(/restoreBundleStances/);

    const whole = restoreBundleStances(bundle, itemTextFrom(recipient));
    // Exactly what the sender's Yjs wrote for the recipient.
    expect(whole.update).toEqual(encodeUpdateForRecipient(sender, base).update);
    applyBundleUpdate(recipient, whole, Origin.bundle);
    expect(stances(recipient)).toEqual(stances(sender));
    expect(Y.encodeStateAsUpdate(recipient)).toEqual(Y.encodeStateAsUpdate(sender));
    for (const value of endorsementsOf(recipient).values()) {
      const record = parseEndorsement(value);
      if (typeof record === 'string') throw new Error(record);
      expect(verifyEndorsement(REPORT_ID, record, members.find((m) => m.member.id === record.memberId)!.member.publicKey)).toBe(true);
    }

    // Smaller than the same update carried whole (format 4): by more than the 8 hashes.
    const four = encodeBundle({ ...bundle, ...whole, version: 4, stanceRefs: [] }, BROTLI);
    expect(bytes.length).toBeLessThan(four.length - 8 * 32);
  });

  it('keep the text of a stance on a paragraph changed since, typed since the base, not stored normalized, or sent whole', () => {
    const { sender, recipient, members, base } = morning();
    take(sender, members[0]!, 'p0', 'endorse');
    take(sender, members[0]!, 'p11', 'object', 'Two spaces.');
    take(sender, members[1]!, 'p1', 'endorse');
    setParagraphText(sender, 'p1', 'Rewritten after the stance: the stance is stale and keeps its own text.');
    setParagraphText(sender, 'p2', 'Typed today, after the morning.');
    take(sender, members[2]!, 'p2', 'endorse');
    const bundle = decodeBundle(createBundle(sender, HEADER, base, { brotli: BROTLI }), { brotli: BROTLI.decompress });
    expect(bundle.stanceRefs).toHaveLength(1);
    const whole = restoreBundleStances(bundle, itemTextFrom(recipient));
    applyBundleUpdate(recipient, whole, Origin.bundle);
    expect(Y.encodeStateAsUpdate(recipient)).toEqual(Y.encodeStateAsUpdate(sender));
    // A complete bundle assumes nothing of the recipient.
    expect(decodeBundle(createBundle(sender, HEADER, undefined, { brotli: BROTLI }), { brotli: BROTLI.decompress }).stanceRefs).toEqual([]);
  });

  it('refuse, naming the earlier file, when the recipient lacks the items; refuse a reference to the wrong place as damaged', () => {
    const { sender, members, base } = morning();
    take(sender, members[0]!, 'p3', 'accept');
    const bundle = decodeBundle(createBundle(sender, HEADER, base, { brotli: BROTLI }), { brotli: BROTLI.decompress });
    const stranger = fork(makeReport([['p3', 'Another report altogether.']], 1).doc);
    let problem = '';
    try {
      restoreBundleStances(bundle, itemTextFrom(stranger));
    } catch (error) {
      problem = (error as BundleError).problem;
    }
    expect(problem).toBe('missing-earlier');
    const moved = { ...bundle, stanceRefs: bundle.stanceRefs!.map((ref) => ({ ...ref, offset: ref.offset - 1 })) };
    expect(() => restoreBundleStances(moved, itemTextFrom(sender))).toThrow(/malformed/);
    expect(() => restoreStanceTexts(bundle.update, moved.stanceRefs, itemTextFrom(sender), (t) => t)).toThrow(/no emptied stance/);
  });

  it('rebuild a text whose items were split by later edits on the recipient\'s side', () => {
    const { sender, recipient, members, base } = morning();
    take(sender, members[0]!, 'p4', 'endorse');
    // The recipient edits inside p4 meanwhile: its items for p4 are split differently.
    const other = fork(recipient);
    setParagraphText(other, 'p5', 'Unrelated.');
    const text = ((endorsementsOf(sender).get(`p4:${members[0]!.member.id}`) as { text: string }).text);
    recipient.transact(() => {
      for (const node of (recipient.getXmlFragment('body')).toArray()) {
        if (node instanceof Y.XmlElement && node.getAttribute('id') === 'p4') (node.get(0) as Y.XmlText).insert(20, 'INSERTED ');
      }
    }, Origin.local);
    const bundle = decodeBundle(createBundle(sender, HEADER, base, { brotli: BROTLI }), { brotli: BROTLI.decompress });
    const whole = restoreBundleStances(bundle, itemTextFrom(recipient));
    applyBundleUpdate(recipient, whole, Origin.bundle);
    expect((endorsementsOf(recipient).get(`p4:${members[0]!.member.id}`) as { text: string }).text).toBe(text);
  });
});

describe('stance references, exchanged at random', () => {
  it('leave every copy byte-identical with every stance verifying (seeded; stale knowledge of the recipient included)', () => {
    const seed = Number(process.env.PLENARY_BUNDLE_SEED ?? 20261128);
    let state = seed;
    const random = (): number => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x7fffffff;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const { doc, members } = makeReport(paragraphs(), 3);
    const peers = [fork(doc), fork(doc), fork(doc)];
    // What each peer last knew of each other peer's state (possibly out of date).
    const known = peers.map(() => peers.map(() => Y.encodeStateVector(doc)));
    let referenced = 0;
    for (let round = 0; round < 60; round++) {
      const p = Math.floor(random() * 3);
      const peer = peers[p]!;
      const texts = (peer.getXmlFragment('body')).toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement).map((n) => n.get(0)).filter((t): t is Y.XmlText => t instanceof Y.XmlText);
      const roll = random();
      if (roll < 0.4 && texts.length > 0) {
        const text = pick(texts);
        peer.transact(() => text.insert(Math.floor(random() * (text.length + 1)), pick(['the forum ', 'should ', 'be open ', 'é ', 'transparent '])), Origin.local);
      } else if (roll < 0.55 && texts.length > 0) {
        const text = pick(texts);
        if (text.length > 4) peer.transact(() => text.delete(Math.floor(random() * (text.length - 3)), 3), Origin.local);
      } else if (roll < 0.8) {
        try {
          take(peer, members[p]!, `p${Math.floor(random() * 12)}`, pick(['endorse', 'accept']));
        } catch {
          // A block removed or emptied on this copy: no stance.
        }
      } else {
        const to = (p + 1 + Math.floor(random() * 2)) % 3;
        const recipient = peers[to]!;
        const base = random() < 0.5 ? Y.encodeStateVector(recipient) : known[p]![to]!;
        const bundle = decodeBundle(createBundle(peer, HEADER, base, { brotli: BROTLI }), { brotli: BROTLI.decompress });
        referenced += bundle.stanceRefs?.length ?? 0;
        applyBundleUpdate(recipient, restoreBundleStances(bundle, itemTextFrom(recipient)), Origin.bundle);
        known[p]![to] = Y.encodeStateVector(recipient);
      }
    }
    // Everyone sends everyone a bundle against what they know: all converge.
    for (let p = 0; p < 3; p++) {
      for (let to = 0; to < 3; to++) {
        if (p === to) continue;
        const bundle = decodeBundle(createBundle(peers[p]!, HEADER, known[p]![to]!, { brotli: BROTLI }), { brotli: BROTLI.decompress });
        referenced += bundle.stanceRefs?.length ?? 0;
        applyBundleUpdate(peers[to]!, restoreBundleStances(bundle, itemTextFrom(peers[to]!)), Origin.bundle);
      }
    }
    for (let p = 0; p < 3; p++) for (let to = 0; to < 3; to++) if (p !== to) Y.applyUpdate(peers[to]!, Y.encodeStateAsUpdate(peers[p]!), Origin.remote);
    expect(referenced, `seed ${seed}`).toBeGreaterThan(0);
    const states = peers.map((peer) => Y.encodeStateAsUpdate(peer));
    expect(states[1], `seed ${seed}`).toEqual(states[0]);
    expect(states[2], `seed ${seed}`).toEqual(states[0]);
    for (const value of endorsementsOf(peers[0]!).values()) {
      const record = parseEndorsement(value);
      if (typeof record === 'string') throw new Error(record);
      expect(verifyEndorsement(REPORT_ID, record, members.find((m) => m.member.id === record.memberId)!.member.publicKey), `seed ${seed}`).toBe(true);
    }
  });
});
