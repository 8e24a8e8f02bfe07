/**
 * Bounded validation of untrusted Yjs updates, before any of them touches a document.
 *
 * - Size: anything above `maxBytes` is refused unread.
 * - Structure: the update must decode whole and exactly (`Y.decodeUpdate`, no bytes
 *   left over), so a malformed update is refused entirely, never half-applied. Empty
 *   input is refused (yjs#498).
 * - Time: Yjs's v1 decoder consumes at least one byte per struct, so decoding is linear
 *   in the size (measured here: ~0.2 ms per kB of a realistic report, ~2 ms worst case
 *   for random 300-byte inputs). Small updates are therefore decoded in-process; larger
 *   ones — and every v2 update, whose run-length decoders can be made to loop forever
 *   (yjs#687) — are decoded in a worker thread that is terminated after `timeoutMs`.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { assertWellFormedUpdate } from '../../../shared/sync-messages.ts';

export class MalformedUpdateError extends Error {
  override name = 'MalformedUpdateError';
}

export type UpdateFormat = 'v1' | 'v2';

/** Largest update decoded on the calling thread; bigger ones go to the worker. */
export const INLINE_DECODE_LIMIT = 64 * 1024;

/** Checks a v1 update on the calling thread; for small inputs only. */
export function assertWellFormedSmallUpdate(update: Uint8Array, maxBytes = INLINE_DECODE_LIMIT): void {
  if (!(update instanceof Uint8Array) || update.length === 0) throw new MalformedUpdateError('Empty update.');
  if (update.length > maxBytes) throw new MalformedUpdateError(`Update of ${update.length} bytes exceeds ${maxBytes}.`);
  try {
    assertWellFormedUpdate(update);
  } catch (error) {
    throw new MalformedUpdateError((error as Error).message);
  }
}

// The worker is plain JavaScript evaluated from a string so it works both from sources
// and from the esbuild bundle; it loads the same yjs through an absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Y = require(workerData.yjsPath);
parentPort.on('message', ({ id, bytes, format }) => {
  try {
    let rest = null;
    class MeasuringDecoder extends Y.UpdateDecoderV1 { constructor(d) { super(d); rest = d; } }
    if (format === 'v2') Y.decodeUpdateV2(bytes); else Y.decodeUpdateV2(bytes, MeasuringDecoder);
    if (rest && rest.pos !== rest.arr.length) throw new Error((rest.arr.length - rest.pos) + ' bytes after its end.');
    parentPort.postMessage({ id, ok: true });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message || error) });
  }
});
`;

interface Pending {
  bytes: Uint8Array;
  format: UpdateFormat;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface UpdateGuardOptions {
  maxBytes?: number;
  timeoutMs?: number;
}

/** Validates updates of any size within a size and a time bound. */
export class UpdateGuard {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(options: UpdateGuardOptions = {}) {
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Resolves when the update is well formed; rejects with MalformedUpdateError otherwise. */
  async check(update: Uint8Array, format: UpdateFormat = 'v1'): Promise<void> {
    if (!(update instanceof Uint8Array) || update.length === 0) throw new MalformedUpdateError('Empty update.');
    if (update.length > this.maxBytes) {
      throw new MalformedUpdateError(`Update of ${update.length} bytes exceeds ${this.maxBytes}.`);
    }
    if (format === 'v1' && update.length <= INLINE_DECODE_LIMIT) {
      assertWellFormedSmallUpdate(update);
      return;
    }
    await this.checkInWorker(update, format);
  }

  private checkInWorker(bytes: Uint8Array, format: UpdateFormat): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.submit({ bytes, format, resolve, reject, timer: undefined as unknown as NodeJS.Timeout });
    });
  }

  private submit(job: Pending): void {
    const id = this.nextId++;
    job.timer = setTimeout(() => {
      this.pending.delete(id);
      job.reject(new MalformedUpdateError(`Decoding the update took longer than ${this.timeoutMs} ms.`));
      // The worker may be stuck in a loop: replace it and resubmit what else waits on it.
      this.restartWorker();
    }, this.timeoutMs);
    this.pending.set(id, job);
    this.ensureWorker().postMessage({ id, bytes: job.bytes, format: job.format });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const yjsPath = createRequire(import.meta.url).resolve('yjs');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { yjsPath } });
    worker.unref();
    worker.on('message', ({ id, ok, message }: { id: number; ok: boolean; message?: string }) => {
      const waiting = this.pending.get(id);
      if (!waiting) return;
      this.pending.delete(id);
      clearTimeout(waiting.timer);
      if (ok) waiting.resolve();
      else waiting.reject(new MalformedUpdateError(`Malformed Yjs update: ${message}`));
    });
    worker.on('error', () => this.restartWorker());
    this.worker = worker;
    return worker;
  }

  private restartWorker(): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const job of waiting) {
      clearTimeout(job.timer);
      this.submit(job);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      job.reject(new MalformedUpdateError('The sync server is shutting down.'));
    }
    this.pending.clear();
    if (worker) await worker.terminate();
  }
}
