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

/**
 * Makes tokens as the member whose identity is kept in `dataDir`, naming the entry they
 * say is them in `doc` (none for a report not here yet).
 */
export function memberProof(dataDir: string, reportId: string, doc: Y.Doc | null): () => string {
  return () => {
    let identity = identities.get(dataDir);
    if (!identity) {
      try {
        identity = Identity.open(dataDir);
      } catch {
        // (A damaged identity file is shown where the key is used; a server then refuses the empty token.)
        return '';
      }
      identities.set(dataDir, identity);
    }
    const signer = identity;
    const publicKey = identity.publicKey();
    const member = doc ? ownMember(readRoster(doc), publicKey)?.id ?? '' : '';
    return makeLinkToken(reportId, { publicKey, member, sign: (message) => signer.sign(message) });
  };
}
