/**
 * The members-only access hook on its own (member-access.ts), with a real report doc for
 * the server's copy: what it remembers of tokens.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { membersOnly } from '../../main/services/sync/member-access.ts';
import { addMember } from '../../shared/roster.ts';
import { makeLinkToken } from '../../shared/link-token.ts';
import { generateKeyPair, signBytes } from '../../shared/signing.ts';
import { MEMBERS_ONLY_NOT_LISTED, MEMBERS_ONLY_TOKEN_REFUSED } from '../../main/services/sync/refusal-message.ts';
import type { AdmittedLink } from '../../main/services/sync/server.ts';

const ENDED_LINK: AdmittedLink = { decideAgain: () => {}, onEnded: (listener) => listener() };

const REPORT = 'wgig-report';
const person = { group: 'government', region: 'african', development: 'developing', gender: 'woman' } as const;

function serverCopyWith(...keys: string[]): Y.Doc {
  const doc = new Y.Doc();
  keys.forEach((publicKey, i) => addMember(doc, { name: `Member ${i}`, role: 'member', publicKey, ...person }));
  return doc;
}

function tokenOf(keys: { publicKey: string; privateKey: string }): string {
  return makeLinkToken(REPORT, { publicKey: keys.publicKey, member: '', sign: (message) => signBytes(message, keys.privateKey) });
}

/** Asked for a connection that has ended by the time it is answered (nothing to decide again). */
function ask(authorize: ReturnType<typeof membersOnly>, token: string, copy: Y.Doc) {
  return authorize({ token, reportId: REPORT, headers: new Headers(), remote: '127.0.0.1', report: async () => copy, link: ENDED_LINK });
}

describe('members-only access: what it remembers of tokens', () => {
  it('lets one of two connections bringing the same token at the same moment in, not both', async () => {
    const member = generateKeyPair();
    const authorize = membersOnly({ log: () => {} });
    const token = tokenOf(member);
    const answers = await Promise.all([ask(authorize, token, serverCopyWith(member.publicKey)), ask(authorize, token, serverCopyWith(member.publicKey))]);
    expect(answers.sort()).toEqual(['write', { deny: MEMBERS_ONLY_TOKEN_REFUSED }].sort());
  });

  it('keeps no token it refused: the same token lets its member in once the roster does', async () => {
    const newcomer = generateKeyPair();
    const authorize = membersOnly({ log: () => {} });
    const token = tokenOf(newcomer);
    const chair = generateKeyPair().publicKey;
    expect(await ask(authorize, token, serverCopyWith(chair))).toEqual({ deny: MEMBERS_ONLY_NOT_LISTED });
    expect(await ask(authorize, token, serverCopyWith(chair, newcomer.publicKey))).toBe('write');
    expect(await ask(authorize, token, serverCopyWith(chair, newcomer.publicKey))).toEqual({ deny: MEMBERS_ONLY_TOKEN_REFUSED });
  });
});
