/**
 * Taking stances on the user's behalf, in main: the renderer asks, main checks the stance
 * against its own copy of the report, signs it with the user's identity (the private key
 * never leaves main) and stores it; sync carries it to the renderer and to every peer.
 *
 * Meant to back requests such as `takeStance(blockId, stance, note)`,
 * `takeStanceOnSection(sectionId, stance, note)` and `withdrawStance(blockId)` in
 * shared/api.ts. Errors are EndorsementError with a message for the user; the doc is
 * then unchanged.
 */
import type * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, Origin, readMeta } from '../../shared/ydoc.ts';
import { extractBlocks, sectionsOf, type BlockIndex } from '../../shared/report-blocks.ts';
import { memberByPublicKey, readRoster, type Member } from '../../shared/roster.ts';
import { EndorsementError, prepareStance, type Endorsement, type StanceContext } from '../../shared/endorsement.ts';
import { putEndorsement, withdrawEndorsement } from '../../shared/endorsement-store.ts';
import type { Identity } from './identity.ts';

export class StanceService {
  private readonly doc: Y.Doc;
  private readonly identity: Identity;
  private blocks: BlockIndex | null = null;
  private readonly markDirty = (): void => {
    this.blocks = null;
  };

  constructor(doc: Y.Doc, identity: Identity) {
    this.doc = doc;
    this.identity = identity;
    bodyOf(doc).observeDeep(this.markDirty);
  }

  /** The report's blocks as main's copy has them, read again only after the body changed. */
  currentBlocks(): BlockIndex {
    if (!this.blocks) {
      const pmDoc = yXmlFragmentToProseMirrorRootNode(bodyOf(this.doc), schema);
      this.blocks = extractBlocks(pmDoc);
    }
    return this.blocks;
  }

  /** The roster entry holding this user's key, if the secretariat has entered it. */
  me(): Member | undefined {
    return memberByPublicKey(readRoster(this.doc), this.identity.publicKey());
  }

  private context(): { context: StanceContext; me: Member; reportId: string } {
    const roster = readRoster(this.doc);
    const me = memberByPublicKey(roster, this.identity.publicKey());
    if (!me) throw new EndorsementError('Your key is not on this report\'s roster; ask the secretariat to add you.');
    const blocks = this.currentBlocks();
    return { context: { roster, blockText: (id) => blocks.byId.get(id)?.text }, me, reportId: readMeta(this.doc).id };
  }

  /** Takes (or renews) the user's stance on one block. */
  take(blockId: string, stance: unknown, note?: unknown): Endorsement {
    const { context, me, reportId } = this.context();
    const fields = prepareStance(context, { blockId, memberId: me.id, stance, note });
    return putEndorsement(this.doc, reportId, this.identity.signEndorsement(reportId, fields), context, Origin.local);
  }

  /** The same stance on every block of a section, in one step: all or none. */
  takeOnSection(sectionId: string, stance: unknown, note?: unknown): Endorsement[] {
    const { context, me, reportId } = this.context();
    const section = sectionsOf(this.currentBlocks()).find((s) => s.id === sectionId);
    if (!section) throw new EndorsementError('That section no longer exists.');
    const signed = section.blockIds.map((blockId) => this.identity.signEndorsement(reportId, prepareStance(context, { blockId, memberId: me.id, stance, note })));
    const stored: Endorsement[] = [];
    this.doc.transact(() => {
      for (const endorsement of signed) stored.push(putEndorsement(this.doc, reportId, endorsement, context, Origin.local));
    }, Origin.local);
    return stored;
  }

  /** Withdraws the user's stance on a block; false when there was none. */
  withdraw(blockId: string): boolean {
    const me = this.me();
    if (!me) throw new EndorsementError('Your key is not on this report\'s roster; ask the secretariat to add you.');
    return withdrawEndorsement(this.doc, blockId, me.id, Origin.local);
  }

  destroy(): void {
    bodyOf(this.doc).unobserveDeep(this.markDirty);
  }
}
