/**
 * An open report's consensus in main, for the export annex: one ConsensusEngine bound to
 * the session's Y.Doc (shared/consensus/doc-binding.ts), so an export reads the tallies
 * that are already there instead of building an engine over every stance (≈ 0.5 s of CPU
 * at 73,000 stances, more when signatures are not yet checked).
 *
 * Created on the first export, then kept up to date:
 * - stances, roster, rule and report groups by the binding's Y.Map observers, as they
 *   arrive (each new stance's signature is checked once, natively);
 * - blocks at the next export: main has no ProseMirror editor, and converting the body
 *   on every keystroke would cost a whole-document read per edit. The export converts the
 *   body anyway; the block index is then re-read against the previous one (unchanged
 *   blocks keep their hashes) and only the blocks whose text, kind or place changed are
 *   recomputed by the engine.
 */
import type * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import { diffBlocks, extractBlocks, type BlockIndex } from '../../shared/report-blocks.ts';
import { readRoster } from '../../shared/roster.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { readMeta } from '../../shared/ydoc.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import type { ConsensusEngine } from '../../shared/consensus/engine.ts';
import type { AnnexData } from '../../shared/export/annex.ts';
import { annexFromEngine } from '../../shared/export/annex-from-consensus.ts';
import { nativeVerifyBytes } from './native-ed25519.ts';

export class ReportConsensus {
  private readonly doc: Y.Doc;
  private readonly verifier: SignatureVerifier | undefined;
  private binding: { engine: ConsensusEngine; stop: () => void } | null = null;
  private blocks: BlockIndex | null = null;
  private stopped = false;

  /** `verifier`: the session's, when it has one; otherwise one with native checks is made on first use. */
  constructor(doc: Y.Doc, verifier?: SignatureVerifier) {
    this.doc = doc;
    this.verifier = verifier;
  }

  /** Whether the engine has been built (it is, from the first export on). */
  get live(): boolean {
    return this.binding !== null;
  }

  /** The engine, caught up with `body` (the report's body as ProseMirror, converted from this doc). */
  engineFor(body: PMNode): ConsensusEngine {
    if (this.stopped) throw new Error('The report is closed.');
    if (!this.binding || !this.blocks) {
      this.blocks = extractBlocks(body);
      const verifier = this.verifier ?? new SignatureVerifier(readMeta(this.doc).id, nativeVerifyBytes);
      this.binding = bindConsensusToDoc(this.doc, this.blocks, verifier);
      return this.binding.engine;
    }
    if (this.blocks.doc !== body) {
      const next = extractBlocks(body, this.blocks);
      const changes = diffBlocks(this.blocks, next);
      this.blocks = next;
      this.binding.engine.updateBlocks(next, changes);
    }
    return this.binding.engine;
  }

  /** The export annex as the report stands (`AnnexReader` for ExportJobs). */
  readonly annexOf = (_ydoc: Y.Doc, body: PMNode): AnnexData => annexFromEngine(this.engineFor(body), body, readRoster(this.doc));

  /** Detaches the engine from the doc (the report is closing). */
  stop(): void {
    this.stopped = true;
    this.binding?.stop();
    this.binding = null;
    this.blocks = null;
  }
}
