/**
 * An open report's consensus in main, for the export annex: one ConsensusEngine bound to
 * the session's Y.Doc (shared/consensus/doc-binding.ts), so an export reads the tallies
 * that are already there instead of building an engine over every stance (≈ 0.5 s of CPU
 * at 73,000 stances, more when signatures are not yet checked).
 *
 * Created on the first export, then kept up to date:
 * - stances, roster, rule and report groups by the binding's Y.Map observers, as they
 *   arrive. Signatures are checked natively on libuv's thread pool, each once: the first
 *   export of a large report checks them all (≈ 0.2 ms each, on every core) without
 *   holding up main's event loop, and its annex waits until they are checked, since
 *   only verified stances count;
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
import { nativeVerifyBytes, nativeVerifyBytesAsync } from './native-ed25519.ts';

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
      const verifier = this.verifier ?? new SignatureVerifier(readMeta(this.doc).id, { verify: nativeVerifyBytes, verifyAsync: nativeVerifyBytesAsync });
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

  /**
   * The export annex as the report stands (`AnnexReader` for ExportJobs), once every
   * stance's signature has been checked; rejects when `signal` aborts first.
   */
  readonly annexOf = async (_ydoc: Y.Doc, body: PMNode, signal?: AbortSignal): Promise<AnnexData> => {
    let engine = this.engineFor(body);
    while (engine.pendingChecks > 0) {
      await this.checksSettled(engine, signal);
      engine = this.engineFor(body);
    }
    return annexFromEngine(engine, body, readRoster(this.doc));
  };

  /** Resolves at the engine's next change (background checks settling are one). */
  private checksSettled(engine: ConsensusEngine, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        stop();
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = (): void => {
        stop();
        reject(signal?.reason);
      };
      const stop = engine.subscribe(done);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  /** Detaches the engine from the doc (the report is closing). */
  stop(): void {
    this.stopped = true;
    this.binding?.stop();
    this.binding = null;
    this.blocks = null;
  }
}
