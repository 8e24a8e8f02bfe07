// Background signature checks (WebCrypto in the renderer): stances count only once their
// signature is checked, and the engine updates by itself when the outcomes come in.
import { describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import { SignatureVerifier, backgroundVerifyBytes, subtleVerifyBytes, type SubtleLike } from '../../shared/signature-verifier.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import type { EngineChange } from '../../shared/consensus/engine.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { signEndorsement } from '../../shared/endorsement.ts';
import { generateKeyPair, signBytes } from '../../shared/signing.ts';
import { endorsementsOf, Origin } from '../../shared/ydoc.ts';
import { blocksOf, makeReport, REPORT_ID, take } from './endorsement-fixtures.ts';

const subtle = webcrypto.subtle as unknown as SubtleLike;

function settled(verifier: SignatureVerifier): Promise<void> {
  return new Promise((resolve) => {
    const stop = verifier.onSettled(() => {
      if (verifier.backlog === 0) {
        stop();
        resolve();
      }
    });
  });
}

describe('background signature checks', () => {
  it('WebCrypto Ed25519 agrees with @noble/curves', async () => {
    const keys = generateKeyPair();
    const message = new TextEncoder().encode('plenary');
    const verify = subtleVerifyBytes(subtle);
    const signature = signBytes(message, keys.privateKey);
    expect(await verify(message, signature, keys.publicKey)).toBe(true);
    expect(await verify(new TextEncoder().encode('plenarY'), signature, keys.publicKey)).toBe(false);
    expect(await verify(message, signature, generateKeyPair().publicKey)).toBe(false);
    expect(await verify(message, 'zz', keys.publicKey)).toBe(false);
  });

  it('a stance counts once its signature is checked, and the engine says which block changed', async () => {
    const { doc, members } = makeReport([['p-0001', 'Text one.'], ['p-0002', 'Text two.']], 4);
    for (const m of members) take(doc, m, 'p-0001', 'endorse');
    const verifier = new SignatureVerifier(REPORT_ID, { verifyAsync: subtleVerifyBytes(subtle), concurrency: 2, batch: 3 });
    const { engine, stop } = bindConsensusToDoc(doc, blocksOf(doc), verifier);
    const stance = engine.stance(endorsementKey('p-0001', members[1]!.member.id));
    expect(stance).toMatchObject({ status: 'unverified', pending: true });
    expect(engine.readiness().recognized).toBe(0);
    expect(engine.pendingChecks).toBe(4);
    const changes: EngineChange[] = [];
    engine.subscribe((c) => changes.push(c));
    await settled(verifier);
    expect(engine.pendingChecks).toBe(0);
    expect(engine.stancesOn('p-0001').map((s) => s.status)).toEqual(['current', 'current', 'current', 'current']);
    expect(engine.readiness().recognized).toBe(1);
    expect(changes.flatMap((c) => [...c.blocks])).toContain('p-0001');
    expect(verifier.checks).toBe(4);
    stop();
  });

  it('a forged stance ends up unverified, no longer pending', async () => {
    const { doc, members } = makeReport([['p-0001', 'Text one.']], 2);
    const verifier = new SignatureVerifier(REPORT_ID, { verifyAsync: subtleVerifyBytes(subtle) });
    const { engine, stop } = bindConsensusToDoc(doc, blocksOf(doc), verifier);
    const real = take(doc, members[1]!, 'p-0001', 'endorse');
    const forged = signEndorsement(REPORT_ID, { ...real, memberId: members[0]!.member.id }, generateKeyPair().privateKey);
    doc.transact(() => endorsementsOf(doc).set(endorsementKey('p-0001', members[0]!.member.id), forged), Origin.remote);
    await settled(verifier);
    expect(engine.stance(endorsementKey('p-0001', members[0]!.member.id))).toMatchObject({ status: 'unverified' });
    expect(engine.stance(endorsementKey('p-0001', members[0]!.member.id))?.pending).toBeUndefined();
    expect(engine.stance(endorsementKey('p-0001', members[1]!.member.id))?.status).toBe('current');
    stop();
  });

  it('a stance whose text was altered after signing is found out in the background too', async () => {
    const { doc, members } = makeReport([['p-0001', 'Text one.']], 2);
    let verified = 0;
    const verify = subtleVerifyBytes(subtle);
    const verifier = new SignatureVerifier(REPORT_ID, { verifyAsync: (...args) => (verified++, verify(...args)) });
    const { engine, stop } = bindConsensusToDoc(doc, blocksOf(doc), verifier);
    const real = take(doc, members[1]!, 'p-0001', 'endorse');
    const key = endorsementKey('p-0001', members[1]!.member.id);
    doc.transact(() => endorsementsOf(doc).set(key, { ...real, text: 'Text one, amended.' }), Origin.remote);
    expect(engine.stance(key)).toMatchObject({ status: 'unverified', pending: true });
    await settled(verifier);
    expect(engine.stance(key)).toMatchObject({ status: 'unverified' });
    expect(engine.stance(key)?.pending).toBeUndefined();
    // The altered text gave it away before any signature check.
    expect(verified).toBe(1);
    stop();
  });

  describe('the page\'s checker (backgroundVerifyBytes)', () => {
    const keys = generateKeyPair();
    const message = new TextEncoder().encode('Paragraph 12, endorsed');
    const signature = signBytes(message, keys.privateKey);
    /** A browser whose WebCrypto has no Ed25519 (before Chromium 137). */
    const withoutEd25519: SubtleLike = {
      importKey: () => Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError')),
      verify: () => Promise.reject(new Error('not reached')),
    };

    it('uses WebCrypto where it has Ed25519', async () => {
      let fallbacks = 0;
      const verify = backgroundVerifyBytes(subtle, () => (fallbacks++, false));
      expect(await verify(message, signature, keys.publicKey)).toBe(true);
      expect(await verify(new TextEncoder().encode('Paragraph 13, endorsed'), signature, keys.publicKey)).toBe(false);
      expect(fallbacks).toBe(0);
    });

    it('falls back to @noble/curves where WebCrypto lacks Ed25519 or is missing', async () => {
      for (const lacking of [withoutEd25519, undefined]) {
        const verify = backgroundVerifyBytes(lacking);
        expect(await verify(message, signature, keys.publicKey)).toBe(true);
        expect(await verify(message, signature, generateKeyPair().publicKey)).toBe(false);
      }
    });
  });

  describe('a backlog of checks (a merge bringing many stances at once)', () => {
    /** Checks made before a task queued ahead of the stances' arrival could run. */
    async function checksInTheArrivingEvent(nextTask?: () => Promise<void>): Promise<{ early: number; all: number }> {
      const { doc, members } = makeReport([['p-0001', 'Text one.']], 30);
      let checks = 0;
      let otherTaskRan = false;
      // As Chromium's WebCrypto does: the check is made on the calling thread and settles at once.
      const verifier = new SignatureVerifier(REPORT_ID, { verifyAsync: async () => (checks++, true), concurrency: 8, nextTask });
      const { engine, stop } = bindConsensusToDoc(doc, blocksOf(doc), verifier);
      setImmediate(() => {
        otherTaskRan = true;
      });
      let early = 0;
      const counted = new Promise<void>((resolve) => setImmediate(() => (early = checks, resolve())));
      const allSettled = settled(verifier);
      for (const m of members) take(doc, m, 'p-0001', 'endorse');
      await counted;
      await allSettled;
      expect(otherTaskRan).toBe(true);
      expect(engine.stancesOn('p-0001').every((s) => s.status === 'current')).toBe(true);
      stop();
      return { early, all: checks };
    }

    it('with nextTask, each check waits for a task of its own: none runs in the event that brought the stances', async () => {
      const { early, all } = await checksInTheArrivingEvent(() => new Promise((resolve) => setImmediate(resolve)));
      expect(all).toBe(30);
      expect(early).toBe(0);
    });

    it('without it, a check that settles at once lets every check run in that event', async () => {
      const { early, all } = await checksInTheArrivingEvent();
      expect(all).toBe(30);
      expect(early).toBe(30);
    });
  });
});
