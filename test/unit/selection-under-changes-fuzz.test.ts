/**
 * Seeded fuzz of a member's selection while another client changes the report at any
 * depth (text, whole blocks, list items, the content of items and quotes, which the
 * editor then draws filled). The member holds a caret, a range, a paragraph selected
 * whole (Ctrl+click) or everything, and then often types, undoes, redoes, or edits the
 * structure with the editor's commands (splits, joins, lists, headings, quotes, bold).
 * Each time:
 * - y-prosemirror's real ySyncPlugin draws the change (restoring the selection threw:
 *   the editor kept the old document, and its next write undid the other's changes);
 * - the editor holds what Yjs holds, also after an undo or redo (which restore a
 *   selection kept as relative positions);
 * - the relative position kept for the caret (undo, the others' view of it) resolves.
 * At the end both copies are the same, and each loads back from its own bytes as it is
 * (a copy whose items' origins contradict their place does not: yjs/yjs#794). A second
 * session has two members, each in such an editor, editing and undoing around each other.
 * `PLENARY_FUZZ_SEED=S` replays one seed; `npm run fuzz -- --selections --sessions N
 * [--first S]` runs more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { AllSelection, NodeSelection, Selection, TextSelection } from 'prosemirror-state';
import { absolutePositionToRelativePosition, prosemirrorJSONToYXmlFragment, redo, undo, yXmlFragmentToProseMirrorRootNode, ySyncPluginKey } from 'y-prosemirror';
import type { Node as PMNode } from 'prosemirror-model';
import { deleteSelection, joinBackward, joinForward, splitBlock } from 'prosemirror-commands';
import { schema } from '../../shared/schema.ts';
import {
  liftListItemCommand, setHeading, setParagraph, sinkListItemCommand, splitListItemCommand, toggleBlockquote,
  toggleBold, toggleBulletList, toggleOrderedList,
} from '../../shared/editor/index.ts';
import { bodyOf, createReportDoc, Origin } from '../../shared/ydoc.ts';
import { destroyOpenHosts, open, type EditorHost } from './y-prosemirror-host.ts';
import { loadedBack, places } from './helpers/yjs-structure.ts';
import { seedsToRun } from '../integration/fuzz/run-sessions.ts';

afterEach(destroyOpenHosts);

const paragraph = (id: string, text: string): object => ({ type: 'paragraph', attrs: { id }, content: [{ type: 'text', text }] });
const item = (id: string, ...content: object[]): object => ({ type: 'list_item', attrs: { id }, content });

function nestedReport(clientID: number): Y.Doc {
  const doc = createReportDoc();
  doc.clientID = clientID;
  const json = {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { id: 'h1', level: 1 }, content: [{ type: 'text', text: 'Scope' }] },
      paragraph('p1', 'The forum should be open.'),
      { type: 'bullet_list', content: [item('li1', paragraph('pl1', 'Access'), { type: 'bullet_list', content: [item('li3', paragraph('pl3', 'Nested'))] }), item('li2', paragraph('pl2', 'Security'))] },
      { type: 'blockquote', attrs: { id: 'q1' }, content: [paragraph('pq1', 'Quoted.'), paragraph('pq2', 'Second.')] },
      paragraph('p2', 'End.'),
    ],
  };
  doc.transact(() => prosemirrorJSONToYXmlFragment(schema, json, bodyOf(doc)), Origin.seed);
  return doc;
}

function selectSomething(host: EditorHost, gen: prng.PRNG): void {
  const doc = host.state.doc;
  const anywhere = (): number => prng.int32(gen, 0, doc.content.size);
  const kind = prng.int32(gen, 0, 3);
  if (kind === 0) {
    const selectable: number[] = [];
    doc.descendants((node, pos) => {
      if (!node.isText && NodeSelection.isSelectable(node)) selectable.push(pos);
    });
    if (selectable.length > 0) host.dispatch(host.state.tr.setSelection(NodeSelection.create(doc, prng.oneOf(gen, selectable))));
  } else if (kind === 1) {
    host.dispatch(host.state.tr.setSelection(TextSelection.between(doc.resolve(anywhere()), doc.resolve(anywhere()))));
  } else if (kind === 2) {
    host.dispatch(host.state.tr.setSelection(new AllSelection(doc)));
  } else {
    host.dispatch(host.state.tr.setSelection(Selection.near(doc.resolve(anywhere()))));
  }
}

/** One to three changes another client makes at any depth of the body. */
function changeAnywhere(peer: Y.Doc, gen: prng.PRNG, newId: () => string): void {
  peer.transact(() => {
    for (let n = prng.int32(gen, 1, 3); n > 0; n--) {
      const elements = places(bodyOf(peer)).parents.slice(1) as Y.XmlElement[];
      if (elements.length === 0) return;
      const target = prng.oneOf(gen, elements);
      const parent = target.parent as Y.XmlElement | Y.XmlFragment;
      const index = parent.toArray().indexOf(target);
      const text = target.get(0);
      const roll = prng.int32(gen, 0, 4);
      if (roll === 0 && bodyOf(peer).length > 1) parent.delete(index, 1);
      else if (roll === 1 && text instanceof Y.XmlText) text.delete(0, Math.min(text.length, prng.int32(gen, 0, 8)));
      else if (roll === 2 && text instanceof Y.XmlText) text.insert(prng.int32(gen, 0, text.length), 'peer ');
      else if (roll === 3) {
        const added = new Y.XmlElement('paragraph');
        added.setAttribute('id', newId());
        added.insert(0, [new Y.XmlText('New')]);
        parent.insert(index + prng.int32(gen, 0, 1), [added]);
      } else if (target.length > 0) target.delete(prng.int32(gen, 0, target.length - 1), 1);
    }
  });
}

const COMMANDS = [
  joinBackward, joinForward, splitBlock, deleteSelection, liftListItemCommand, setHeading(2), setParagraph, sinkListItemCommand,
  splitListItemCommand, toggleBlockquote, toggleBold, toggleBulletList, toggleOrderedList,
];

/** The document the editor draws for a report's body: an emptied body shows an empty paragraph to type in. */
function drawnFrom(ydoc: Y.Doc): PMNode {
  const body = bodyOf(ydoc);
  return body.length === 0 ? schema.node('doc', null, [schema.node('paragraph')]) : yXmlFragmentToProseMirrorRootNode(body, schema);
}

async function runSession(seed: number): Promise<void> {
  const gen = prng.create(seed);
  const host = open(nestedReport(1000 + (seed % 1_000_000)));
  // Undo steps end at the session's pauses (stopCapturing), not by the clock: a seed replays alike.
  host.undoManager.captureTimeout = 1e9;
  const peer = new Y.Doc();
  peer.clientID = 2_000_000 + (seed % 1_000_000);
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(host.ydoc));
  let ids = 0;
  const { binding } = ySyncPluginKey.getState(host.state) as { binding: { mapping: Parameters<typeof absolutePositionToRelativePosition>[2] } };
  for (let step = 0; step < 40; step++) {
    const where = `seed ${seed}, step ${step}`;
    selectSomething(host, gen);
    for (const pos of [host.state.selection.anchor, host.state.selection.head]) {
      const relative = absolutePositionToRelativePosition(pos, bodyOf(host.ydoc), binding.mapping) as Y.RelativePosition;
      expect(() => Y.createAbsolutePositionFromRelativePosition(relative, host.ydoc), `${where}: the caret's relative position at ${pos}`).not.toThrow();
    }
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(host.ydoc, Y.encodeStateVector(peer)));
    changeAnywhere(peer, gen, () => `n${seed}x${ids++}`);
    expect(() => Y.applyUpdate(host.ydoc, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(host.ydoc)), Origin.remote), where).not.toThrow();
    // Then the member types, undoes, redoes, types after a pause (a new undo step), or
    // edits the structure with the editor's commands.
    const next = prng.int32(gen, 0, 5);
    if (next === 0) host.dispatch(host.state.tr.insertText('k'));
    else if (next === 1) undo(host.state);
    else if (next === 2) redo(host.state);
    else if (next === 3) {
      host.undoManager.stopCapturing();
      host.dispatch(host.state.tr.insertText('zz'));
    } else if (next === 4) {
      const command = prng.oneOf(gen, COMMANDS);
      command(host.state, (tr) => host.dispatch(tr));
    }
    await host.settle();
    expect(host.drawFailures, `${where}: changes that failed to draw`).toBe(0);
    expect(host.state.doc.eq(drawnFrom(host.ydoc)), `${where}: the editor shows what Yjs holds`).toBe(true);
  }
  Y.applyUpdate(peer, Y.encodeStateAsUpdate(host.ydoc, Y.encodeStateVector(peer)));
  expectSameAndLoadingBack(seed, [host.ydoc, peer]);
}

/**
 * Two members, each in an editor with the real plugins, edit, undo and redo around each
 * other's changes, which reach the other copy at random moments.
 */
async function runTwoEditorsSession(seed: number): Promise<void> {
  const gen = prng.create(seed);
  const first = open(nestedReport(1000 + (seed % 1_000_000)));
  const secondDoc = createReportDoc();
  secondDoc.clientID = 2_000_000 + (seed % 1_000_000);
  Y.applyUpdate(secondDoc, Y.encodeStateAsUpdate(first.ydoc));
  const editors = [first, open(secondDoc)];
  const inbox: Uint8Array[][] = [[], []];
  editors.forEach((editor, i) => {
    editor.undoManager.captureTimeout = 1e9;
    editor.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== Origin.remote) inbox[1 - i]!.push(update);
    });
  });
  const deliver = (i: number): void => {
    for (const update of inbox[i]!.splice(0)) Y.applyUpdate(editors[i]!.ydoc, update, Origin.remote);
  };
  for (let step = 0; step < 80; step++) {
    const i = prng.int32(gen, 0, 1);
    const editor = editors[i]!;
    const where = `seed ${seed}, step ${step}`;
    const roll = prng.int32(gen, 0, 9);
    if (roll === 0) selectSomething(editor, gen);
    else if (roll === 1) editor.dispatch(editor.state.tr.insertText(`k${step}`));
    else if (roll === 2) undo(editor.state);
    else if (roll === 3) redo(editor.state);
    else if (roll === 4) editor.undoManager.stopCapturing();
    else if (roll <= 6) prng.oneOf(gen, COMMANDS)(editor.state, (tr) => editor.dispatch(tr));
    else expect(() => deliver(i), where).not.toThrow();
    await editor.settle();
    expect(editor.drawFailures, `${where}: changes that failed to draw`).toBe(0);
    expect(editor.state.doc.eq(drawnFrom(editor.ydoc)), `${where}: the editor shows what Yjs holds`).toBe(true);
  }
  for (let round = 0; round < 3; round++) {
    deliver(0);
    deliver(1);
    await first.settle();
  }
  expectSameAndLoadingBack(seed, editors.map((editor) => editor.ydoc));
}

/** The copies show the same body, and each loads back from its own bytes as it is. */
function expectSameAndLoadingBack(seed: number, copies: Y.Doc[]): void {
  for (const copy of copies) {
    expect(bodyOf(copy).toJSON(), `seed ${seed}: the copies`).toBe(bodyOf(copies[0]!).toJSON());
    expect(bodyOf(loadedBack(copy)).toJSON(), `seed ${seed}: a copy loaded back from its bytes`).toBe(bodyOf(copy).toJSON());
  }
}

// CI: seeds 1–100, and the seeds that found a bug. `npm run fuzz -- --selections --sessions N
// [--first S]` runs more.
const FOUND_A_BUG = [
  1428, // an undo restored text with a right origin left of its left one (yjs/yjs#794): the copies differed
];
const defaultRun = process.env.PLENARY_FUZZ_SESSIONS === undefined && !process.env.PLENARY_FUZZ_SEED;
const seeds = [
  ...seedsToRun(Number(process.env.PLENARY_FUZZ_SESSIONS ?? 100), process.env, Number(process.env.PLENARY_FUZZ_FIRST ?? 1)),
  ...(defaultRun ? FOUND_A_BUG : []),
];

describe('a selection while another client changes the report', () => {
  for (const seed of seeds) {
    it(`seed ${seed}: every change is drawn, the editor holds what Yjs holds, the caret's position resolves`, () => runSession(seed));
  }
});

// CI: seeds 1–50, and the seeds that found a bug.
const TWO_EDITORS_FOUND_A_BUG = [
  2477, 3776, // undos that restored text with a right origin left of its left one (yjs/yjs#794)
];
const twoEditorSeeds = [
  ...seedsToRun(Number(process.env.PLENARY_FUZZ_SESSIONS ?? 50), process.env, Number(process.env.PLENARY_FUZZ_FIRST ?? 1)),
  ...(defaultRun ? TWO_EDITORS_FOUND_A_BUG : []),
];

describe('two members editing and undoing around each other', () => {
  for (const seed of twoEditorSeeds) {
    it(`seed ${seed}: both editors hold what Yjs holds, and the copies end the same`, () => runTwoEditorsSession(seed));
  }
});
