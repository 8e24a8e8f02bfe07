/**
 * The browser host's identities (main/host/web-identities.ts): one key pair per browser
 * profile token, kept in the host's data folder; pages without a (valid) token sign with
 * the host user's own identity.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebIdentities } from '../../main/host/web-identities.ts';
import { Identity } from '../../main/services/identity.ts';

const root = mkdtempSync(join(tmpdir(), 'plenary-web-identities-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('identities in the browser host', () => {
  it('gives each profile token its own key pair, the same one again later, kept in the host', () => {
    const identities = new WebIdentities(root);
    const a = 'a'.repeat(32);
    const b = '0123456789abcdef0123456789abcdef';
    expect(identities.for(a).publicKey()).not.toBe(identities.for(b).publicKey());
    expect(identities.for(a)).toBe(identities.for(a));
    // After a host restart the same token finds the same key.
    expect(new WebIdentities(root).for(a).publicKey()).toBe(identities.for(a).publicKey());
    expect(existsSync(join(root, 'web-identities', a, 'identity.json'))).toBe(true);
  });

  it('signs with the host user\'s own identity when a page has no token or a malformed one', () => {
    const identities = new WebIdentities(root);
    const own = Identity.open(root).publicKey();
    expect(identities.for(null).publicKey()).toBe(own);
    for (const bad of ['', '../../etc', 'A'.repeat(32), 'a'.repeat(31)]) expect(identities.for(bad).publicKey()).toBe(own);
    // No key pair was made for a malformed token, let alone outside the folder.
    expect(readdirSync(join(root, 'web-identities')).sort()).toEqual(['0123456789abcdef0123456789abcdef', 'a'.repeat(32)]);
  });
});
