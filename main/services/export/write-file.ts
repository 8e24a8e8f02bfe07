/**
 * Writes an export so that the chosen name only ever holds a complete file: the bytes go
 * to a temporary file in the same folder (same file system, so the rename is atomic),
 * are flushed to disk with fsync, and only then renamed over the chosen name. A failure
 * (disk full, no permission, file too large, cancelled) removes the temporary file and
 * leaves whatever was under the chosen name before untouched.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** A write that failed; `message` is written for the user. */
export class ExportWriteError extends Error {
  override name = 'ExportWriteError';
  readonly code: string | undefined;

  constructor(message: string, code?: string, cause?: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

export function describeWriteError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const folder = dirname(path);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `The disk is full: could not write ${basename(path)}. Free some space or choose another place.`;
    case 'EACCES':
    case 'EPERM':
      return `No permission to write in ${folder}. Choose another folder.`;
    case 'EROFS':
      return `${folder} is on a read-only disk. Choose another folder.`;
    case 'ENOENT':
      return `The folder ${folder} does not exist.`;
    case 'ENOTDIR':
      return `Could not write ${basename(path)}: part of the path ${folder} is a file, not a folder. Choose another place.`;
    case 'EFBIG':
      return `The file ${basename(path)} is larger than this disk or account allows.`;
    case 'EISDIR':
      return `${path} is a folder, not a file.`;
    default:
      return `Could not write ${basename(path)}: ${(error as Error | undefined)?.message ?? String(error)}`;
  }
}

/** Chunks of this size let a cancellation land between writes of a large file. */
const CHUNK_BYTES = 1 << 20;

export async function writeFileAtomic(path: string, data: Uint8Array | string, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
  let handle;
  try {
    handle = await open(temp, 'wx', 0o644);
  } catch (error) {
    throw new ExportWriteError(describeWriteError(error, path), (error as NodeJS.ErrnoException).code, error);
  }
  let renamed = false;
  try {
    for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
      signal?.throwIfAborted();
      const end = Math.min(offset + CHUNK_BYTES, bytes.length);
      let written = offset;
      while (written < end) {
        const { bytesWritten } = await handle.write(bytes, written, end - written, written);
        written += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    signal?.throwIfAborted();
    await rename(temp, path);
    renamed = true;
    await syncFolder(dirname(path));
  } catch (error) {
    if (signal?.aborted && error === signal.reason) throw error;
    throw new ExportWriteError(describeWriteError(error, path), (error as NodeJS.ErrnoException).code, error);
  } finally {
    await handle?.close().catch(() => undefined);
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** Makes the rename itself durable; not every platform can open a folder, so best effort. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  }
}
