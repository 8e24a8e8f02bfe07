/**
 * Export changes… for everyone on the roster. After the secretariat has merged the files
 * members sent back from a week offline, each member needs what the others wrote: one
 * changes file per member, each holding only what that member lacks (known from the
 * files exchanged with them before), written into a folder of their own so that a round
 * never overwrites the last.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type * as Y from 'yjs';
import { BUNDLE_EXTENSION, type ChangesProgressEvent, type EveryoneExportResult } from '../../shared/sync-requests.ts';
import { exportBundle, type BundlePeers } from './bundles.ts';
import { describeWriteError, ExportWriteError } from './export/write-file.ts';

/** "Changes for Ana Díaz.plenary-changes": the recipient's name, without what a file name cannot hold. */
export function changesFileNameFor(recipient: string): string {
  const safe = recipient.replace(/[^\p{L}\p{N} _-]/gu, '').trim() || 'colleague';
  return `Changes for ${safe}.${BUNDLE_EXTENSION}`;
}

/** `name`, or "name (2)", "name (3)"… when two members' names make the same file name. */
function unique(name: string, taken: Set<string>): string {
  const stem = name.slice(0, -(BUNDLE_EXTENSION.length + 1));
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) candidate = `${stem} (${n}).${BUNDLE_EXTENSION}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** More rounds in one minute than anyone makes: past it, something else is wrong. */
const MAX_SAME_NAMED_FOLDERS = 100;

/** Makes `folder`, or "folder (2)"… when it exists already; returns the one made. A failure says what to do. */
function makeNewFolder(folder: string): string {
  const refusal = (error: unknown, path: string): ExportWriteError => new ExportWriteError(describeWriteError(error, path), (error as NodeJS.ErrnoException).code, error);
  // The place chosen may not exist yet (the browser host's Reports folder, or a path typed in).
  try {
    mkdirSync(dirname(folder), { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new ExportWriteError(`Could not make the folder ${folder}: part of that path is a file, not a folder. Choose another place.`, code, error);
    }
    throw refusal(error, folder);
  }
  for (let n = 1; n <= MAX_SAME_NAMED_FOLDERS; n += 1) {
    const candidate = n === 1 ? folder : `${folder} (${n})`;
    try {
      mkdirSync(candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw refusal(error, candidate);
    }
  }
  throw new ExportWriteError(`There are already ${MAX_SAME_NAMED_FOLDERS} folders named ${basename(folder)}; choose another place.`);
}

export interface EveryoneExportOptions {
  doc: Y.Doc;
  /** The folder for this round's files: made here, with " (2)" added if it exists. */
  folder: string;
  /** The members to write for, by name. */
  recipients: string[];
  sender: string;
  /** Everything for everyone, whatever each is known to have. */
  complete: boolean;
  peers: BundlePeers;
  onProgress?: (progress: ChangesProgressEvent) => void;
}

/**
 * Files made at once: one member's is compressed on the thread pool while main computes
 * the next one's changes (the two halves take about as long). More would only share the
 * same two cores.
 */
const IN_FLIGHT = 2;

export async function exportBundlesForEveryone(options: EveryoneExportOptions): Promise<EveryoneExportResult> {
  const folder = makeNewFolder(options.folder);
  const taken = new Set<string>();
  const files = options.recipients.map((recipient) => ({ recipient, path: join(folder, unique(changesFileNameFor(recipient), taken)) }));
  const total = files.length;
  let next = 0;
  let done = 0;
  let bytes = 0;
  let complete = 0;
  let failed = false;
  const writeFiles = async (): Promise<void> => {
    while (!failed && next < total) {
      const { recipient, path } = files[next++]!;
      try {
        const written = await exportBundle({ doc: options.doc, path, recipient, sender: options.sender, complete: options.complete, peers: options.peers });
        bytes += written.bytes;
        if (written.complete) complete += 1;
      } catch (error) {
        failed = true;
        throw error;
      }
      done += 1;
      options.onProgress?.({ type: 'changesProgress', phase: 'writing', done, total });
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, total) }, writeFiles));
  return { folder, files: total, bytes, complete };
}
