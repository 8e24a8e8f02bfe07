/**
 * What this computer's member sends a standing server as they link (a fetch, a send in
 * parts and a catch-up too): a link token signed with their identity key, made afresh
 * for each connection attempt (shared/link-token.ts). A server that admits anyone ignores
 * it; a members-only one checks it against its roster (member-access.ts). Meetings get
 * their code instead.
 *
 * Whose key: the desktop app has one user, whose identity is kept in its data folder; the
 * browser host signs for each browser profile with that profile's own identity
 * (main/host/web-identities.ts), the one its "This is me" put on the roster.
 */
import type * as Y from 'yjs';
import { makeLinkToken } from '../../../shared/link-token.ts';
import { readRoster } from '../../../shared/roster.ts';
import { ownMember } from '../../../shared/roster-claim.ts';
import { Identity } from '../identity.ts';
import type { ServerCredential } from './link-credential.ts';

export type LinkSigner = Pick<Identity, 'publicKey' | 'sign'>;
/** The member a link proves; it throws when their key cannot be read (a damaged file: shown where the key is used). */
export type LinkIdentity = () => LinkSigner;

const identities = new Map<string, Identity>();

/** The identity kept in `dataDir` (the desktop app's one user), read once it is first needed. */
export function identityKeptIn(dataDir: string): LinkIdentity {
  return () => {
    let identity = identities.get(dataDir);
    if (!identity) {
      identity = Identity.open(dataDir);
      identities.set(dataDir, identity);
    }
    return identity;
  };
}

/** `identity`'s signer, or why there is none (their key's file cannot be read: its own message says what to do). */
function read(identity: LinkIdentity): { signer: LinkSigner; problem: null } | { signer: null; problem: string } {
  try {
    return { signer: identity(), problem: null };
  } catch (error) {
    return { signer: null, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** The public key of the member `identity` is (null: none usable). */
export function memberKey(identity: LinkIdentity): string | null {
  return read(identity).signer?.publicKey() ?? null;
}

/**
 * Makes tokens as the member `identity` is, naming the entry they say is them in `doc`;
 * for a report not here yet, the entry an invitation is for (or none).
 */
export function memberProof(identity: LinkIdentity, reportId: string, doc: Y.Doc | null, invitedAs = ''): () => string {
  return () => {
    const { signer } = read(identity);
    // (A server then refuses the empty token.)
    if (!signer) return '';
    const publicKey = signer.publicKey();
    const member = doc ? ownMember(readRoster(doc), publicKey)?.id ?? '' : invitedAs;
    return makeLinkToken(reportId, { publicKey, member, sign: (message) => signer.sign(message) });
  };
}

/** A link to a standing server as `identity`: its tokens (memberProof), and what is wrong where it can make none. */
export function memberCredential(identity: LinkIdentity, reportId: string, doc: Y.Doc | null, invitedAs = ''): ServerCredential {
  return { memberProof: memberProof(identity, reportId, doc, invitedAs), keyProblem: () => read(identity).problem };
}
