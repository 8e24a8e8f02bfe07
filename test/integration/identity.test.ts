import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Identity, IDENTITY_FILE } from '../../main/services/identity.ts';
import { verifyBytes } from '../../shared/signing.ts';
import { verifyEndorsement } from '../../shared/endorsement.ts';
import { textHash } from '../../shared/text-hash.ts';
import { nativeVerifyBytes } from '../../main/services/native-ed25519.ts';

const root = mkdtempSync(join(tmpdir(), 'plenary-identity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('member identity', () => {
  it('creates a key pair on first run, readable only by the user, and finds it again', () => {
    const dir = join(root, 'first-run');
    const identity = Identity.open(dir);
    const path = join(dir, IDENTITY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(identity.publicKey()).toMatch(/^[0-9a-f]{64}$/);
    expect(Identity.open(dir).publicKey()).toBe(identity.publicKey());
    expect(JSON.stringify(identity)).not.toContain(JSON.parse(readFileSync(path, 'utf8')).privateKey);
  });

  it('signs bytes and stances that verify against its public key, natively too', () => {
    const identity = Identity.open(join(root, 'signing'));
    const message = new TextEncoder().encode('hello');
    const signature = identity.sign(message);
    expect(verifyBytes(message, signature, identity.publicKey())).toBe(true);
    expect(nativeVerifyBytes(message, signature, identity.publicKey())).toBe(true);
    expect(nativeVerifyBytes(new TextEncoder().encode('hellO'), signature, identity.publicKey())).toBe(false);
    const stance = identity.signEndorsement('r1', {
      blockId: 'p-0001', memberId: 'm1', stance: 'accept', textHash: textHash('Text.'), text: 'Text.', note: '', at: '2026-11-28T10:00:00.000Z',
    });
    expect(verifyEndorsement('r1', stance, identity.publicKey())).toBe(true);
  });

  it('refuses a damaged identity file with a clear message and leaves it untouched', () => {
    const dir = join(root, 'damaged');
    Identity.open(dir);
    const path = join(dir, IDENTITY_FILE);
    writeFileSync(path, '{"version":1,"publicKey":"00"');
    expect(() => Identity.open(dir)).toThrow(/damaged/);
    expect(readFileSync(path, 'utf8')).toBe('{"version":1,"publicKey":"00"');
  });

  it('tightens a file whose permissions were loosened', () => {
    const dir = join(root, 'loose');
    Identity.open(dir);
    chmodSync(join(dir, IDENTITY_FILE), 0o644);
    Identity.open(dir);
    expect(statSync(join(dir, IDENTITY_FILE)).mode & 0o777).toBe(0o600);
  });
});
