/**
 * The editor's link to main (renderer/sync.ts) between two real Y.Docs: main's side
 * answers with the same message handling main uses; only the IPC bridge between them
 * is a pair of in-process channels.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { DocSync } from '../../renderer/sync.ts';
import type { PlenaryApi } from '../../shared/api.ts';
import { MAX_MESSAGE_BYTES, encodeSyncStep1, encodeUpdate, handleMessage } from '../../shared/sync-messages.ts';
import { bodyOf, createReportDoc, Origin } from '../../shared/ydoc.ts';
import { addParagraph } from './helpers/add-paragraph.ts';

function texts(doc: Y.Doc): string[] {
  return bodyOf(doc)
    .toArray()
    .map((node) => (node as Y.XmlElement).toArray().map(String).join(''));
}

/** Main's end: its own doc, applying what the editor sends and sending its own edits. */
function linkedToMain(fill?: (mainDoc: Y.Doc) => void) {
  const mainDoc = createReportDoc();
  fill?.(mainDoc);
  const mainAwareness = new awarenessProtocol.Awareness(mainDoc);
  const toEditor = new Set<(message: Uint8Array) => void>();
  const sentByEditor: Uint8Array[] = [];
  const api = {
    sendMessage(message: Uint8Array) {
      sentByEditor.push(message);
      const reply = handleMessage(message, mainDoc, mainAwareness, Origin.remote);
      if (reply) for (const listener of toEditor) listener(reply);
    },
    onMessage(listener: (message: Uint8Array) => void) {
      toEditor.add(listener);
      return () => toEditor.delete(listener);
    },
  } as unknown as PlenaryApi;
  mainDoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === Origin.remote) return;
    for (const listener of toEditor) listener(encodeUpdate(update));
  });
  const editorDoc = createReportDoc();
  const sync = new DocSync(editorDoc, api, (message) => {
    throw new Error(message);
  });
  for (const listener of toEditor) listener(encodeSyncStep1(mainDoc));
  return { mainDoc, editorDoc, sync, sentByEditor, dispose: () => (sync.destroy(), mainAwareness.destroy()) };
}

const disposals: Array<() => void> = [];
afterEach(() => {
  for (const dispose of disposals.splice(0)) dispose();
});

function link(fill?: (mainDoc: Y.Doc) => void) {
  const linked = linkedToMain(fill);
  disposals.push(linked.dispose);
  return linked;
}

describe("the editor's link to main", () => {
  it('opens a report larger than any one message a network peer may send (main is not a network peer)', async () => {
    // A report with a long history (nothing is ever collected): over 32 MiB as one update.
    const long = 'The Group considered several approaches. '.repeat(Math.ceil((MAX_MESSAGE_BYTES + 1024 * 1024) / 41));
    const { editorDoc, sync } = link((mainDoc) => addParagraph(mainDoc, long));
    await sync.whenSynced;
    expect(texts(editorDoc)[0]!.length).toBe(long.length);
    // From anyone else, a message that size is refused whole.
    const fromPeer = encodeUpdate(Y.encodeStateAsUpdate(editorDoc));
    expect(fromPeer.length).toBeGreaterThan(MAX_MESSAGE_BYTES);
    const other = createReportDoc();
    expect(() => handleMessage(fromPeer, other, new awarenessProtocol.Awareness(other), Origin.remote)).toThrow('Message too large.');
  });

  it('sends what is typed in the editor and shows what main changed, without echoing it back', async () => {
    const { mainDoc, editorDoc, sync, sentByEditor } = link();
    await sync.whenSynced;
    addParagraph(editorDoc, 'Typed in the editor.');
    expect(texts(mainDoc)).toEqual(['Typed in the editor.']);

    const sentBefore = sentByEditor.length;
    addParagraph(mainDoc, 'Merged from a changes file.');
    expect(texts(editorDoc)).toEqual(['Typed in the editor.', 'Merged from a changes file.']);
    expect(sentByEditor.length).toBe(sentBefore);

    addParagraph(editorDoc, 'Typed afterwards.');
    expect(texts(mainDoc)).toEqual(['Typed in the editor.', 'Merged from a changes file.', 'Typed afterwards.']);
  });

  it("does not make Yjs encode main's changes again (nobody would send them)", async () => {
    const { mainDoc, editorDoc, sync } = link();
    await sync.whenSynced;
    const encodedForListeners: unknown[] = [];
    const emit = editorDoc.emit.bind(editorDoc);
    editorDoc.emit = ((name: string, args: unknown[]) => {
      if (name === 'update') encodedForListeners.push(args[1]);
      emit(name as never, args as never);
    }) as typeof editorDoc.emit;
    addParagraph(mainDoc, 'A week of a member’s changes.');
    expect(texts(editorDoc)).toEqual(['A week of a member’s changes.']);
    expect(encodedForListeners).toEqual([]);
    addParagraph(editorDoc, 'A local edit.');
    expect(encodedForListeners).toEqual([Origin.local]);
  });

  it("sends an edit the editor makes in reaction to main's change", async () => {
    const { mainDoc, editorDoc, sync } = link();
    await sync.whenSynced;
    // As the block-id plugin does when a paragraph arrives: it answers within Yjs's
    // handling of main's change, in a transaction of its own.
    bodyOf(editorDoc).observeDeep((_events, transaction) => {
      if (transaction.origin !== Origin.remote) return;
      const first = bodyOf(editorDoc).get(0) as Y.XmlElement;
      if (!first.getAttribute('id')) first.setAttribute('id', 'b-answered');
    });
    addParagraph(mainDoc, 'From main.');
    expect((bodyOf(editorDoc).get(0) as Y.XmlElement).getAttribute('id')).toBe('b-answered');
    expect((bodyOf(mainDoc).get(0) as Y.XmlElement).getAttribute('id')).toBe('b-answered');
  });
});
