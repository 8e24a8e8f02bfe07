/**
 * What this computer's member sends a standing server as they link (a fetch, a send in
 * parts and a catch-up too): a link token signed with their identity key, made afresh
 * for each connection attempt (shared/link-token.ts). A server that admits anyone ignores
 * it; a members-only one checks it against its roster (member-access.ts). Meetings get
 * their code instead.
 */
import type * as Y from 'yjs';
import { makeLinkToken } from '../../../shared/link-token.ts';
import { readRoster } from '../../../shared/roster.ts';
import { ownMember } from '../../../shared/roster-claim.ts';
import { Identity } from '../identity.ts';

const identities = new Map<string, Identity>();

/** The identity kept in `dataDir`, or null when its file is damaged (shown where the key is used). */
function identityIn(dataDir: string): Identity | null {
  let identity = identities.get(dataDir);
  if (!identity) {
    try {
      identity = Identity.open(dataDir);
    } catch {
      return null;
    }
    identities.set(dataDir, identity);
  }
  return identity;
}

/** The public key of the member whose identity is kept in `dataDir` (null: none usable). */
export function memberKey(dataDir: string): string | null {
  return identityIn(dataDir)?.publicKey() ?? null;
}

/**
 * Makes tokens as the member whose identity is kept in `dataDir`, naming the entry they
 * say is them in `doc`; for a report not here yet, the entry an invitation is for (or none).
 */
export function memberProof(dataDir: string, reportId: string, doc: Y.Doc | null, invitedAs = ''): () => string {
  return () => {
    const identity = identityIn(dataDir);
    // (A server then refuses the empty token.)
    if (!identity) return '';
    const publicKey = identity.publicKey();
    const member = doc ? ownMember(readRoster(doc), publicKey)?.id ?? '' : invitedAs;
    return makeLinkToken(reportId, { publicKey, member, sign: (message) => identity.sign(message) });
  };
}
