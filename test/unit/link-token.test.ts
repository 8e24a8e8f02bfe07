import { describe, expect, it } from 'vitest';
import { checkLinkToken, LINK_TOKEN_MAX_SKEW_MS, makeLinkToken } from '../../shared/link-token.ts';
import { generateKeyPair, signBytes } from '../../shared/signing.ts';
import { signEndorsementWith } from '../../shared/endorsement.ts';

const REPORT = 'r-0123456789abcdef';
const member = generateKeyPair();
const signAsMember = (message: Uint8Array) => signBytes(message, member.privateKey);
const now = Date.parse('2026-12-01T12:00:00.000Z');

function token(at = new Date(now), keys = member): string {
  return makeLinkToken(REPORT, { publicKey: keys.publicKey, member: 'm-1', sign: (message) => signBytes(message, keys.privateKey) }, at);
}

function edited(original: string, change: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(original), ...change });
}

describe('link token: a member proves their key to a members-only server', () => {
  it('names the member\'s key when signed by it, for this report, made just now', () => {
    const check = checkLinkToken(token(), REPORT, now);
    expect(check).toMatchObject({ ok: true, key: member.publicKey, member: 'm-1' });
  });

  it('is made afresh each time: two tokens never share a nonce', () => {
    const first = checkLinkToken(token(), REPORT, now);
    const second = checkLinkToken(token(), REPORT, now);
    expect(first.ok && second.ok && first.nonce !== second.nonce).toBe(true);
  });

  it('does not open another report', () => {
    expect(checkLinkToken(token(), 'r-fedcba9876543210', now)).toEqual({ ok: false, problem: 'another-report' });
  });

  it('is refused when its time is far from the server\'s clock, either way', () => {
    expect(checkLinkToken(token(new Date(now - LINK_TOKEN_MAX_SKEW_MS - 1_000)), REPORT, now)).toEqual({ ok: false, problem: 'clock' });
    expect(checkLinkToken(token(new Date(now + LINK_TOKEN_MAX_SKEW_MS + 1_000)), REPORT, now)).toEqual({ ok: false, problem: 'clock' });
    expect(checkLinkToken(token(new Date(now - LINK_TOKEN_MAX_SKEW_MS + 1_000)), REPORT, now).ok).toBe(true);
  });

  it('is refused when someone else\'s key is put in it, or any signed field is changed', () => {
    const someoneElse = generateKeyPair().publicKey;
    const original = token();
    expect(checkLinkToken(edited(original, { key: someoneElse }), REPORT, now)).toEqual({ ok: false, problem: 'signature' });
    expect(checkLinkToken(edited(original, { nonce: '0'.repeat(32) }), REPORT, now)).toEqual({ ok: false, problem: 'signature' });
    expect(checkLinkToken(edited(original, { member: 'm-2' }), REPORT, now)).toEqual({ ok: false, problem: 'signature' });
    expect(checkLinkToken(edited(original, { at: new Date(now + 1_000).toISOString() }), REPORT, now)).toEqual({ ok: false, problem: 'signature' });
  });

  it('is not a stance signature, nor a stance signature a token', () => {
    const stance = signEndorsementWith(REPORT, {
      blockId: 'b1', memberId: 'm-1', stance: 'endorse', textHash: 'a'.repeat(64), text: 't', note: '', at: new Date(now).toISOString(),
    }, signAsMember);
    expect(checkLinkToken(edited(token(), { sig: stance.signature }), REPORT, now)).toEqual({ ok: false, problem: 'signature' });
  });

  it('refuses anything that is not a token without throwing', () => {
    for (const bad of [undefined, null, '', 'member', '{}', '[]', 'null', '{"v":2}', 'x'.repeat(5_000), edited(token(), { key: 'zz' }), edited(token(), { nonce: 'short' }), edited(token(), { member: '../x' }), edited(token(), { member: undefined })]) {
      expect(checkLinkToken(bad, REPORT, now)).toEqual({ ok: false, problem: 'malformed' });
    }
  });
});
