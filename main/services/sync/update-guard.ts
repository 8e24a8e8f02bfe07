/**
 * Bounded validation of untrusted Yjs updates, before any of them touches a document.
 *
 * - Size: anything above `maxBytes` is refused unread.
 * - Structure: the update must decode whole and exactly (`Y.decodeUpdate`, no bytes
 *   left over), and Yjs must be able to integrate all of it (update-integrity.ts), so a
 *   malformed update is refused entirely, never half-applied. Empty input is refused
 *   (yjs#498).
 * - Time: Yjs's v1 decoder consumes at least one byte per struct, so decoding is linear
 *   in the size (measured here: ~0.2 ms per kB of a realistic report, ~2 ms worst case
 *   for random 300-byte inputs). Small updates are therefore decoded in-process; larger
 *   ones — and every v2 update, whose run-length decoders can be made to loop forever
 *   (yjs#687) — are decoded in a worker thread that is terminated after `timeoutMs`.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { assertWellFormedUpdate } from '../../../shared/sync-messages.ts';
import { integrationProblem } from '../../../shared/update-integrity.ts';
import { neighbourPairs } from '../../../shared/neighbour-order.ts';

export class MalformedUpdateError extends Error {
  override name = 'MalformedUpdateError';
}

export type UpdateFormat = 'v1' | 'v2';

/** Largest update decoded on the calling thread; bigger ones go to the worker. */
export const INLINE_DECODE_LIMIT = 64 * 1024;

/**
 * Checks a v1 update on the calling thread; for small inputs only. Returns the pairs of
 * characters it needs to stand in order in the report (neighbour-order.ts).
 */
export function assertWellFormedSmallUpdate(update: Uint8Array, maxBytes = INLINE_DECODE_LIMIT): number[] {
  if (!(update instanceof Uint8Array) || update.length === 0) throw new MalformedUpdateError('Empty update.');
  if (update.length > maxBytes) throw new MalformedUpdateError(`Update of ${update.length} bytes exceeds ${maxBytes}.`);
  let decoded;
  try {
    decoded = assertWellFormedUpdate(update);
  } catch (error) {
    throw new MalformedUpdateError((error as Error).message);
  }
  const { problem, pairs } = neighbourPairs(decoded);
  if (problem) throw new MalformedUpdateError(`Malformed Yjs update: ${problem}.`);
  return pairs;
}

// The worker is plain JavaScript evaluated from a string so it works both from sources
// and from the esbuild bundle; it loads the same yjs through an absolute path, and runs
// the same integrity check as the inline path, from its source text.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Y = require(workerData.yjsPath);
const integrationProblem = (${String(integrationProblem)});
const neighbourPairs = (${String(neighbourPairs)});
parentPort.postMessage({ ready: true });
parentPort.on('message', ({ id, bytes, format, together }) => {
  try {
    let decoded;
    if (together) {
      // Updates checked one by one already, read as one for their pairs.
      decoded = Y.decodeUpdateV2(Y.mergeUpdatesV2(together.map((part) => part.format === 'v2' ? part.update : Y.convertUpdateFormatV1ToV2(part.update))));
    } else {
      let rest = null;
      class MeasuringDecoder extends Y.UpdateDecoderV1 { constructor(d) { super(d); rest = d; } }
      decoded = format === 'v2' ? Y.decodeUpdateV2(bytes) : Y.decodeUpdateV2(bytes, MeasuringDecoder);
      if (rest && rest.pos !== rest.arr.length) throw new Error((rest.arr.length - rest.pos) + ' bytes after its end.');
      const problem = integrationProblem(decoded);
      if (problem) throw new Error(problem + '.');
    }
    const neighbours = neighbourPairs(decoded);
    if (neighbours.problem) throw new Error(neighbours.problem + '.');
    const pairs = Float64Array.from(neighbours.pairs);
    parentPort.postMessage({ id, ok: true, pairs }, [pairs.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message || error) });
  }
});
`;

/** Where yjs lives, for the worker; bundled as CommonJS (Electron main) there is no import.meta.url. */
function resolveYjs(): string {
  // esbuild's ESM output defines a `require` shim without `resolve`: use import.meta there.
  if (typeof require === 'function' && typeof require.resolve === 'function') return require.resolve('yjs');
  return createRequire(import.meta.url).resolve('yjs');
}

/** Left client, left clock, right client, right clock… (neighbour-order.ts). */
export type NeighbourPairList = ArrayLike<number>;

/** An update and its format. */
export interface FormattedUpdate {
  update: Uint8Array;
  format: UpdateFormat;
}

interface Job {
  bytes: Uint8Array;
  format: UpdateFormat;
  /** Instead of `bytes`: updates read together (pairsTogether). */
  together?: FormattedUpdate[];
  resolve: (pairs: NeighbourPairList) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface WorkerState {
  handle: Worker;
  ready: boolean;
  /** Jobs waiting for the worker to finish starting (their clocks have not started). */
  queued: Job[];
  /** Jobs being decoded, by id. */
  running: Map<number, Job>;
}

export interface UpdateGuardOptions {
  maxBytes?: number;
  timeoutMs?: number;
}

/** Validates updates of any size within a size and a time bound. */
export class UpdateGuard {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  private worker: WorkerState | null = null;
  private nextId = 1;

  constructor(options: UpdateGuardOptions = {}) {
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * Resolves when the update is well formed, to the pairs of characters it needs to
   * stand in order in the report (neighbourOrderProblem checks them there); rejects with
   * MalformedUpdateError otherwise.
   */
  async check(update: Uint8Array, format: UpdateFormat = 'v1'): Promise<NeighbourPairList> {
    if (!(update instanceof Uint8Array) || update.length === 0) throw new MalformedUpdateError('Empty update.');
    if (update.length > this.maxBytes) {
      throw new MalformedUpdateError(`Update of ${update.length} bytes exceeds ${this.maxBytes}.`);
    }
    if (format === 'v1' && update.length <= INLINE_DECODE_LIMIT) return assertWellFormedSmallUpdate(update);
    return new Promise<NeighbourPairList>((resolve, reject) => this.submit({ bytes: update, format, resolve, reject }));
  }

  /**
   * The pairs of several updates, each checked by `check` already, read as one: an
   * update placing text by characters another one brings has its pairs resolved through
   * that one's text (neighbour-order.ts). On the worker, within the time bound.
   */
  pairsTogether(updates: FormattedUpdate[]): Promise<NeighbourPairList> {
    return new Promise<NeighbourPairList>((resolve, reject) => this.submit({ bytes: new Uint8Array(0), format: 'v2', together: updates, resolve, reject }));
  }

  private submit(job: Job): void {
    const worker = this.ensureWorker();
    if (worker.ready) this.start(worker, job);
    else worker.queued.push(job);
  }

  private start(worker: WorkerState, job: Job): void {
    const id = this.nextId++;
    // The clock runs from when the worker can decode, not from its start-up.
    job.timer = setTimeout(() => {
      worker.running.delete(id);
      job.reject(new MalformedUpdateError(`Decoding the update took longer than ${this.timeoutMs} ms.`));
      // The worker may be stuck in a loop: replace it and resubmit what else waits on it.
      this.replaceWorker(worker);
    }, this.timeoutMs);
    worker.running.set(id, job);
    worker.handle.postMessage({ id, bytes: job.bytes, format: job.format, together: job.together });
  }

  private ensureWorker(): WorkerState {
    if (this.worker) return this.worker;
    const yjsPath = resolveYjs();
    const handle = new Worker(WORKER_SOURCE, { eval: true, workerData: { yjsPath } });
    handle.unref();
    const worker: WorkerState = { handle, ready: false, queued: [], running: new Map() };
    handle.on('message', (message: { ready?: boolean; id: number; ok: boolean; message?: string; pairs?: Float64Array }) => {
      if (message.ready) {
        worker.ready = true;
        for (const job of worker.queued.splice(0)) this.start(worker, job);
        return;
      }
      const job = worker.running.get(message.id);
      if (!job) return;
      worker.running.delete(message.id);
      clearTimeout(job.timer);
      if (message.ok) job.resolve(message.pairs ?? []);
      else job.reject(new MalformedUpdateError(`Malformed Yjs update: ${message.message}`));
    });
    handle.on('error', () => this.replaceWorker(worker));
    this.worker = worker;
    return worker;
  }

  private replaceWorker(worker: WorkerState): void {
    if (this.worker !== worker) return;
    this.worker = null;
    void worker.handle.terminate();
    const again = [...worker.running.values(), ...worker.queued.splice(0)];
    worker.running.clear();
    for (const job of again) {
      clearTimeout(job.timer);
      this.submit(job);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    for (const job of [...worker.running.values(), ...worker.queued.splice(0)]) {
      clearTimeout(job.timer);
      job.reject(new MalformedUpdateError('The sync server is shutting down.'));
    }
    worker.running.clear();
    await worker.handle.terminate();
  }
}
