import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, canonicalStanceString, ENDORSEMENT_DOMAIN } from '../../shared/canonical.ts';
import { normalizeText, textHash } from '../../shared/text-hash.ts';
import {
  EndorsementError, MAX_NOTE, parseEndorsement, prepareStance, signEndorsement, verifyEndorsement,
  type EndorsementFields,
} from '../../shared/endorsement.ts';
import { endorsementKey, putEndorsement, withdrawEndorsement } from '../../shared/endorsement-store.ts';
import { classifyKey, SignatureVerifier, type ClassifyContext } from '../../shared/stance-status.ts';
import { generateKeyPair, normalizePublicKey } from '../../shared/signing.ts';
import { wordDiff } from '../../shared/text-diff.ts';
import { endorsementsOf } from '../../shared/ydoc.ts';
import { readRoster, retireMember } from '../../shared/roster.ts';
import { blocksOf, contextOf, makeReport, REPORT_ID, setParagraphText, take } from './endorsement-fixtures.ts';

const fields: EndorsementFields = {
  blockId: 'p-0001', memberId: 'm1', stance: 'endorse', textHash: textHash('Some text.'),
  text: 'Some text.', note: '', at: '2026-11-28T10:00:00.000Z',
};

function classifyContext(doc: Parameters<typeof blocksOf>[0], verifier = new SignatureVerifier(REPORT_ID)): ClassifyContext {
  const blocks = blocksOf(doc);
  return { roster: readRoster(doc), blockHash: (id) => blocks.byId.get(id)?.textHash, verifier };
}

describe('canonical encoding', () => {
  it('is the same whatever order the keys were written in', () => {
    fc.assert(fc.property(fc.shuffledSubarray(Object.keys(fields), { minLength: 7, maxLength: 7 }), (order) => {
      const shuffled = Object.fromEntries(order.map((k) => [k, fields[k as keyof EndorsementFields]])) as unknown as EndorsementFields;
      expect(canonicalStanceString(REPORT_ID, shuffled)).toBe(canonicalStanceString(REPORT_ID, fields));
    }));
  });

  it('changes when any field, or the report, changes', () => {
    const base = canonicalStanceString(REPORT_ID, fields);
    expect(base.startsWith(`${ENDORSEMENT_DOMAIN}\n{`)).toBe(true);
    for (const key of Object.keys(fields) as (keyof EndorsementFields)[]) {
      const changed = { ...fields, [key]: `${fields[key]}x` };
      expect(canonicalStanceString(REPORT_ID, changed), key).not.toBe(base);
    }
    expect(canonicalStanceString('another-report', fields)).not.toBe(base);
  });

  it('cannot be confused by field values that look like JSON', () => {
    const a = canonicalStanceString(REPORT_ID, { ...fields, note: '","stance":"object' });
    const b = canonicalStanceString(REPORT_ID, { ...fields, stance: 'object', note: '' });
    expect(a).not.toBe(b);
    expect(canonicalJson({ b: '1', a: '2' })).toBe('{"a":"2","b":"1"}');
  });
});

describe('text hashing', () => {
  it('ignores invisible differences and nothing else', () => {
    expect(normalizeText('  Caf\u0065\u0301\u00a0 au\n\tlait ')).toBe('Caf\u00e9 au lait');
    expect(textHash('Café au lait')).toBe(textHash(' Cafe\u0301  au lait'));
    expect(textHash('Café au lait')).not.toBe(textHash('Café au lait.'));
    expect(textHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('signing', () => {
  const keys = generateKeyPair();
  const signed = signEndorsement(REPORT_ID, fields, keys.privateKey);

  it('verifies against the signer\'s key, in this report only', () => {
    expect(verifyEndorsement(REPORT_ID, signed, keys.publicKey)).toBe(true);
    expect(verifyEndorsement('another-report', signed, keys.publicKey)).toBe(false);
    expect(verifyEndorsement(REPORT_ID, signed, generateKeyPair().publicKey)).toBe(false);
  });

  it('fails when any field is altered after signing', () => {
    for (const key of Object.keys(fields) as (keyof EndorsementFields)[]) {
      expect(verifyEndorsement(REPORT_ID, { ...signed, [key]: `${signed[key]}x` }, keys.publicKey), key).toBe(false);
    }
    expect(verifyEndorsement(REPORT_ID, { ...signed, signature: '00'.repeat(64) }, keys.publicKey)).toBe(false);
  });

  it('accepts public keys in hex or base64 and refuses anything else', () => {
    const base64 = btoa(String.fromCharCode(...keys.publicKey.match(/../g)!.map((b) => parseInt(b, 16))));
    expect(normalizePublicKey(base64)).toBe(keys.publicKey);
    expect(normalizePublicKey(keys.publicKey.toUpperCase())).toBe(keys.publicKey);
    expect(normalizePublicKey('abc')).toBeNull();
  });
});

describe('taking a stance', () => {
  const { doc, members } = makeReport([['h1-a', 'I. Introduction'], ['p-0001', 'The first paragraph.'], ['p-0002', 'Second.']], 5);
  const [chair, alice, bob] = members as [typeof members[0], typeof members[0], typeof members[0]];

  it('refuses bad input with a clear message and leaves the document unchanged', () => {
    const context = contextOf(doc);
    const before = endorsementsOf(doc).size;
    const refuse = (request: Parameters<typeof prepareStance>[1], message: RegExp): void => {
      expect(() => prepareStance(context, request)).toThrow(message);
    };
    refuse({ blockId: 'nope', memberId: alice.member.id, stance: 'endorse' }, /no longer exists/);
    refuse({ blockId: 'p-0001', memberId: 'stranger', stance: 'endorse' }, /not on this report's roster/);
    refuse({ blockId: 'p-0001', memberId: alice.member.id, stance: 'object' }, /objection needs a note/);
    refuse({ blockId: 'p-0001', memberId: alice.member.id, stance: 'reserve', note: '   ' }, /reservation needs a note/);
    refuse({ blockId: 'p-0001', memberId: alice.member.id, stance: 'object', note: 'x'.repeat(MAX_NOTE + 1) }, /at most 2,000 characters/);
    refuse({ blockId: 'p-0001', memberId: alice.member.id, stance: 'veto' }, /one of endorse, accept, reserve, object/);
    expect(() => take(doc, alice, 'p-0001', 'object')).toThrow(EndorsementError);
    expect(endorsementsOf(doc).size).toBe(before);
  });

  it('stores a stance flat under blockId:memberId, current until the text changes, current again when it is undone', () => {
    const stance = take(doc, alice, 'p-0001', 'endorse');
    expect(endorsementsOf(doc).get(endorsementKey('p-0001', alice.member.id))).toEqual(stance);
    const key = endorsementKey('p-0001', alice.member.id);
    expect(classifyKey(endorsementsOf(doc), key, classifyContext(doc))?.status).toBe('current');
    setParagraphText(doc, 'p-0001', 'The first paragraph, amended.');
    const stale = classifyKey(endorsementsOf(doc), key, classifyContext(doc));
    expect(stale?.status).toBe('stale');
    expect(stale?.endorsement?.text).toBe('The first paragraph.');
    setParagraphText(doc, 'p-0001', 'The first  paragraph.');
    expect(classifyKey(endorsementsOf(doc), key, classifyContext(doc))?.status).toBe('current');
  });

  it('refuses a stance signed with another member\'s key', () => {
    const fieldsOfBob = prepareStance(contextOf(doc), { blockId: 'p-0002', memberId: bob.member.id, stance: 'endorse' });
    expect(() => putEndorsement(doc, REPORT_ID, signEndorsement(REPORT_ID, fieldsOfBob, alice.privateKey), contextOf(doc)))
      .toThrow(/does not match Member 2's key/);
  });

  it('withdrawing deletes the key', () => {
    take(doc, bob, 'p-0002', 'accept');
    expect(withdrawEndorsement(doc, 'p-0002', bob.member.id)).toBe(true);
    expect(endorsementsOf(doc).has(endorsementKey('p-0002', bob.member.id))).toBe(false);
    expect(withdrawEndorsement(doc, 'p-0002', bob.member.id)).toBe(false);
  });

  it('a retired member cannot take stances and their past stances are marked retired', () => {
    take(doc, bob, 'p-0002', 'object', 'Too vague.');
    retireMember(doc, bob.member.id, '2026-11-28T12:00:00.000Z');
    expect(() => take(doc, bob, 'p-0002', 'endorse')).toThrow(/retired/);
    expect(classifyKey(endorsementsOf(doc), endorsementKey('p-0002', bob.member.id), classifyContext(doc))?.status).toBe('retired');
    expect(chair.member.role).toBe('chair');
  });

  it('verifies each signature once however often a stance is classified', () => {
    const verifier = new SignatureVerifier(REPORT_ID);
    const key = endorsementKey('p-0001', alice.member.id);
    for (let i = 0; i < 5; i += 1) classifyKey(endorsementsOf(doc), key, classifyContext(doc, verifier));
    expect(verifier.checks).toBe(1);
  });
});

describe('stored values are read defensively', () => {
  it('parseEndorsement explains what is wrong and never throws', () => {
    expect(parseEndorsement(null)).toMatch(/record/);
    expect(parseEndorsement({ ...fields, signature: 'zz' })).toMatch(/signature/);
    expect(parseEndorsement({ ...fields, stance: 'object', signature: 'a'.repeat(128) })).toMatch(/objection needs a note/);
    expect(typeof parseEndorsement({ ...fields, signature: 'a'.repeat(128), extra: 1 })).toBe('object');
  });
});

describe('word diff', () => {
  it('shows the words removed and added since the stance', () => {
    const parts = wordDiff('The group recommends a forum.', 'The group strongly recommends a new forum.');
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['strongly', 'new']);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe('The group strongly recommends a new forum.');
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe('The group recommends a forum.');
  });
});
