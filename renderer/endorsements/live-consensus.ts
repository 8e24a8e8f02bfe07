/**
 * The consensus engine bound to the live editor: blocks from the ProseMirror doc
 * (updated incrementally on every transaction, local or from a peer, so an edit makes
 * its block's stances stale at once and undoing it makes them current again: both are
 * just the block's text hash), stances, roster and rule from the Y.Doc
 * (bindConsensusToDoc). One engine feeds the gutter, the panel and the status bar.
 *
 * Also knows who the user is: their public key (asked of main once; the private key
 * stays there) and their roster entry, which follows roster edits.
 */
import type * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import type { PlenaryApi } from '../../shared/api.ts';
import { readMeta, rosterOf } from '../../shared/ydoc.ts';
import { extractBlocks, updateBlocks, type BlockIndex } from '../../shared/report-blocks.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import type { ConsensusEngine, EngineChange } from '../../shared/consensus/engine.ts';
import { readRoster, type Member, type Roster } from '../../shared/roster.ts';
import { isChair, ownMember } from '../../shared/roster-claim.ts';

export class LiveConsensus {
  readonly engine: ConsensusEngine;
  readonly doc: Y.Doc;
  private index: BlockIndex;
  private readonly stopBinding: () => void;

  constructor(doc: Y.Doc, editorDoc: PMNode) {
    this.doc = doc;
    this.index = extractBlocks(editorDoc);
    const { engine, stop } = bindConsensusToDoc(doc, this.index, new SignatureVerifier(readMeta(doc).id));
    this.engine = engine;
    this.stopBinding = stop;
  }

  get blocks(): BlockIndex {
    return this.index;
  }

  /** After every editor transaction: re-reads only the blocks it touched. */
  update(editorDoc: PMNode): void {
    if (editorDoc === this.index.doc) return;
    const { index, changes } = updateBlocks(this.index, editorDoc);
    this.index = index;
    // With no block changed (a mark, a selection) the engine only takes the new index.
    this.engine.updateBlocks(index, changes);
  }

  subscribe(listener: (change: EngineChange) => void): () => void {
    return this.engine.subscribe(listener);
  }

  destroy(): void {
    this.stopBinding();
  }
}

/** The user as the report knows them: their key and, once claimed, their roster entry. */
export class Me {
  publicKey: string | null = null;
  private readonly doc: Y.Doc;
  private readonly listeners = new Set<() => void>();

  constructor(doc: Y.Doc, api: PlenaryApi, report: (message: string) => void) {
    this.doc = doc;
    api.request('identity').then(
      (identity) => {
        this.publicKey = identity.publicKey;
        this.emit();
      },
      (error: unknown) => report(`Your identity could not be read, so you cannot take stances: ${(error as Error).message}`),
    );
    rosterOf(doc).observe(() => this.emit());
  }

  roster(): Roster {
    return readRoster(this.doc);
  }

  /** The user's active roster entry, if they said which is theirs. */
  member(): Member | undefined {
    return ownMember(this.roster(), this.publicKey);
  }

  isChair(): boolean {
    return isChair(this.roster(), this.publicKey);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
