/**
 * Requests about the user's identity and stances, the same in both hosts: the Electron
 * shell (desktop.ts `handlersFor`) and the browser host (web-handlers.ts) spread these
 * into their RequestHandlers.
 *
 * Main signs: the renderer names blocks, a stance and a note, and the hashes of the
 * texts it showed; main checks them against its own copy of the report with
 * `prepareStance` (unknown block or member, a missing or too long note are refused with
 * the message the user reads), signs with the user's identity — whose private key never
 * leaves main — and stores every stance in one transaction. "Endorse section" is one
 * request: all its blocks are checked before any is written, so it is all or nothing.
 */
import type * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { ApiError } from '../../shared/api.ts';
import type { IdentityInfo, StanceRequestArgs, StanceRequestMap } from '../../shared/stance-requests.ts';
import { schema } from '../../shared/schema.ts';
import { bodyOf, Origin, readMeta } from '../../shared/ydoc.ts';
import { readRoster, RosterError, type Member } from '../../shared/roster.ts';
import { claimMember, ownMember } from '../../shared/roster-claim.ts';
import { extractBlocks, type BlockIndex } from '../../shared/report-blocks.ts';
import { EndorsementError, prepareStance, type Endorsement, type StanceContext } from '../../shared/endorsement.ts';
import { putEndorsement, withdrawEndorsement } from '../../shared/endorsement-store.ts';
import type { Identity } from './identity.ts';

/** What the handlers need of the user's identity: its public key and signatures, never its private key. */
export type Signer = Pick<Identity, 'publicKey' | 'signEndorsement'>;

export type StanceHandlers = {
  [K in keyof StanceRequestMap]: (...args: StanceRequestMap[K]['args']) => StanceRequestMap[K]['result'];
};

/** The blocks of main's copy, read again only after the body changed. */
const blockCache = new WeakMap<Y.Doc, { index: BlockIndex | null }>();

function blocksOf(doc: Y.Doc): BlockIndex {
  let entry = blockCache.get(doc);
  if (!entry) {
    const fresh: { index: BlockIndex | null } = { index: null };
    bodyOf(doc).observeDeep(() => (fresh.index = null));
    blockCache.set(doc, fresh);
    entry = fresh;
  }
  entry.index ??= extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema));
  return entry.index;
}

/** Turns the shared modules' refusals into ApiErrors (both hosts show those as they are). */
function refusing<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof EndorsementError || error instanceof RosterError) throw new ApiError(error.message);
    throw error;
  }
}

function me(doc: Y.Doc, signer: Signer): Member {
  const member = ownMember(readRoster(doc), signer.publicKey());
  if (!member) throw new ApiError('You have not said who you are on this report\'s roster: open the Roster and choose "I am …" beside your name.');
  return member;
}

function takeStance(doc: Y.Doc, signer: Signer, request: StanceRequestArgs): Endorsement[] {
  const member = me(doc, signer);
  const reportId = readMeta(doc).id;
  if (!reportId) throw new ApiError('This report has no id; it cannot hold signed stances.');
  const index = blocksOf(doc);
  const context: StanceContext = { blockText: (id) => index.byId.get(id)?.text, roster: readRoster(doc) };
  const at = new Date().toISOString();
  const seen = new Set<string>();
  // Check every block first: a section is endorsed whole or not at all.
  const signed = request.blocks.map((target) => {
    if (seen.has(target.blockId)) throw new ApiError('A paragraph is named twice.');
    seen.add(target.blockId);
    const fields = prepareStance(context, { blockId: target.blockId, memberId: member.id, stance: request.stance, note: request.note, at });
    if (fields.textHash !== target.textHash) {
      throw new ApiError('The paragraph changed while you were reading it (someone else is editing it). Read it again and retake your stance.');
    }
    return signer.signEndorsement(reportId, fields);
  });
  doc.transact(() => {
    for (const endorsement of signed) putEndorsement(doc, reportId, endorsement, context, Origin.local);
  }, Origin.local);
  return signed;
}

/** The identity and stance requests of one report, signed by `signer()` (created on first use). */
export function stanceHandlers(doc: Y.Doc, signer: () => Signer): StanceHandlers {
  return {
    identity: (): IdentityInfo => {
      const publicKey = signer().publicKey();
      return { publicKey, memberId: ownMember(readRoster(doc), publicKey)?.id ?? null };
    },
    takeStance: (request) => refusing(() => takeStance(doc, signer(), request)),
    withdrawStance: (blockIds) => refusing(() => {
      const member = me(doc, signer());
      let withdrawn = 0;
      doc.transact(() => {
        for (const id of blockIds) if (withdrawEndorsement(doc, id, member.id, Origin.local)) withdrawn += 1;
      }, Origin.local);
      return withdrawn;
    }),
    claimMember: (memberId) => refusing(() => claimMember(doc, memberId, signer().publicKey(), Origin.local)),
  };
}
