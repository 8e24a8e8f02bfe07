/**
 * The consensus engine bound to the live editor: blocks from the ProseMirror doc
 * (updated incrementally on every transaction, local or from a peer, so an edit makes
 * its block's stances stale at once and undoing it makes them current again: both are
 * just the block's text hash), stances, roster and rule from the Y.Doc
 * (bindConsensusToDoc). One engine feeds the gutter, the panel and the status bar.
 *
 * The re-read runs on a microtask after the transaction, not inside the keystroke's
 * dispatch: several transactions of one task cost one re-read, and it is done before
 * any other event or frame. Whoever reads `blocks` or `engine` sooner (code that
 * dispatches and reads at once) gets it done first, so no reader sees an old text.
 *
 * Also knows who the user is: their public key (asked of main once; the private key
 * stays there) and their roster entry, which follows roster edits.
 */
import type * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import type { PlenaryApi } from '../../shared/api.ts';
import { readMeta, rosterOf } from '../../shared/ydoc.ts';
import { extractBlocks, updateBlocks, type BlockIndex } from '../../shared/report-blocks.ts';
import { SignatureVerifier, backgroundVerifyBytes, type SubtleLike } from '../../shared/stance-status.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import type { ConsensusEngine, EngineChange } from '../../shared/consensus/engine.ts';
import { readRoster, type Member, type Roster } from '../../shared/roster.ts';
import { isChair, ownMember } from '../../shared/roster-claim.ts';
import { afterDispatch } from '../editor/after-dispatch.ts';
import { readPublicKey } from '../api/identity.ts';

/**
 * Signatures are checked in the background: checking them in line (@noble/curves, 1–3 ms
 * each) froze the editor for seconds when a merge brought thousands of stances at once.
 * A stance counts once its check is done, a moment later. Each check is a task of its
 * own, after typing and painting where the browser can tell (scheduler.postTask).
 */
interface TaskScheduler { postTask(callback: () => void, options: { priority: 'background' }): Promise<void> }
const nextTask = (): Promise<void> => {
  const scheduler = (globalThis as { scheduler?: TaskScheduler }).scheduler;
  if (scheduler) return scheduler.postTask(() => {}, { priority: 'background' });
  return new Promise((resolve) => setTimeout(resolve, 0));
};

export class LiveConsensus {
  readonly doc: Y.Doc;
  private readonly consensus: ConsensusEngine;
  private index: BlockIndex;
  /** The editor's latest doc, when it is newer than `index`. */
  private pending: PMNode | null = null;
  private readonly stopBinding: () => void;

  constructor(doc: Y.Doc, editorDoc: PMNode) {
    this.doc = doc;
    this.index = extractBlocks(editorDoc);
    const { engine, stop } = bindConsensusToDoc(doc, this.index, new SignatureVerifier(readMeta(doc).id, { verifyAsync: backgroundVerifyBytes(crypto.subtle as unknown as SubtleLike), nextTask }));
    this.consensus = engine;
    this.stopBinding = stop;
  }

  get engine(): ConsensusEngine {
    this.flush();
    return this.consensus;
  }

  get blocks(): BlockIndex {
    this.flush();
    return this.index;
  }

  /** After every editor transaction: the blocks it touched are re-read on a microtask. */
  update(editorDoc: PMNode): void {
    this.pending = editorDoc;
    afterDispatch(this.flushLater);
  }

  private readonly flushLater = (): void => this.flush();

  /** Re-reads the blocks changed since the last re-read, now. */
  flush(): void {
    const editorDoc = this.pending;
    if (editorDoc === null) return;
    this.pending = null;
    if (editorDoc === this.index.doc) return;
    const { index, changes } = updateBlocks(this.index, editorDoc);
    this.index = index;
    // With no block changed (a mark, a selection) the engine only takes the new index.
    this.consensus.updateBlocks(index, changes);
  }

  subscribe(listener: (change: EngineChange) => void): () => void {
    return this.consensus.subscribe(listener);
  }

  destroy(): void {
    this.pending = null;
    this.stopBinding();
  }
}

/** The user as the report knows them: their key and, once claimed, their roster entry. */
export class Me {
  publicKey: string | null = null;
  /** Settles once the host has answered: the key, or null when it could not be read. */
  readonly known: Promise<string | null>;
  private readonly doc: Y.Doc;
  private readonly listeners = new Set<() => void>();

  constructor(doc: Y.Doc, api: PlenaryApi, report: (message: string) => void) {
    this.doc = doc;
    this.known = readPublicKey(api).then(
      (key) => {
        this.publicKey = key;
        this.emit();
        return key;
      },
      (error: unknown) => {
        report(`Your identity could not be read, so you cannot take stances: ${(error as Error).message}`);
        return null;
      },
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
