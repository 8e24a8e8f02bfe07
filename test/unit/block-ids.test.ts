import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EditorState, TextSelection, type Command } from 'prosemirror-state';
import { Fragment, Slice, type Node as PMNode } from 'prosemirror-model';
import { joinBackward, splitBlock } from 'prosemirror-commands';
import { liftListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { yXmlFragmentToProseMirrorRootNode, ySyncPluginKey } from 'y-prosemirror';
import { schema, BLOCK_ID_TYPES } from '../../shared/schema.ts';
import {
  blockIdPlugin, blockIdStats, derivedBlockId, ensureUniqueIds, isBlockId, newBlockId,
} from '../../shared/block-ids.ts';
import { HeadlessPeer, settle, syncDocs } from './helpers/headless-peer.ts';

const p = (id: string | null, text: string): PMNode => schema.node('paragraph', { id }, text ? schema.text(text) : []);
const doc = (...blocks: PMNode[]): PMNode => schema.node('doc', null, blocks);

interface Block { type: string; id: unknown; text: string }
function blocks(d: PMNode): Block[] {
  const out: Block[] = [];
  d.descendants((node) => {
    if (BLOCK_ID_TYPES.includes(node.type.name)) out.push({ type: node.type.name, id: node.attrs.id, text: node.textContent });
  });
  return out;
}
const idOfText = (d: PMNode, text: string): unknown => blocks(d).find((b) => b.type === 'paragraph' && b.text === text)?.id;

/** Every block has a valid id, no id twice, and the plugin's index agrees with a recount. */
function expectIdsSound(state: EditorState): void {
  const all = blocks(state.doc);
  for (const b of all) expect(isBlockId(b.id), `${b.type} "${b.text}" has id ${String(b.id)}`).toBe(true);
  const counts = new Map<string, number>();
  for (const b of all) counts.set(b.id as string, (counts.get(b.id as string) ?? 0) + 1);
  expect([...counts.values()].every((n) => n === 1), 'ids are unique').toBe(true);
  expect(new Map(blockIdStats(state)!.counts)).toEqual(counts);
}

function stateOf(d: PMNode): EditorState {
  return EditorState.create({ schema, doc: d, plugins: [blockIdPlugin()] });
}
function posOf(d: PMNode, text: string): number {
  let found = -1;
  d.descendants((node, pos) => {
    if (found < 0 && node.isText && node.text!.includes(text)) found = pos + node.text!.indexOf(text);
  });
  if (found < 0) throw new Error(`no "${text}"`);
  return found;
}
function run(state: EditorState, command: Command, at?: number): EditorState {
  const start = at === undefined ? state : state.apply(state.tr.setSelection(TextSelection.create(state.doc, at)));
  let next = start;
  expect(command(start, (tr) => { next = start.apply(tr); })).toBe(true);
  return next;
}

describe('ids themselves', () => {
  it('makes short url-safe random ids and deterministic derived ones', () => {
    const fresh = new Set(Array.from({ length: 1000 }, newBlockId));
    expect(fresh.size).toBe(1000);
    for (const id of fresh) expect(id).toMatch(/^[A-Za-z0-9_-]{4,64}$/);
    expect(derivedBlockId('x')).toBe(derivedBlockId('x'));
    expect(derivedBlockId('x')).not.toBe(derivedBlockId('y'));
    expect(isBlockId('abc')).toBe(false);
    expect(isBlockId('a b cd')).toBe(false);
  });

  it('ensureUniqueIds fixes a JSON document and leaves the input alone', () => {
    const input = doc(p('keep1', 'one'), p('keep1', 'two'), p(null, 'three'), p('x y', 'four'),
      schema.node('bullet_list', null, [schema.node('list_item', { id: 'keep2' }, [p('keep1', 'five')])])).toJSON();
    const before = JSON.stringify(input);
    const { doc: fixed, changed } = ensureUniqueIds(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(changed).toBe(4);
    const out = blocks(schema.nodeFromJSON(fixed));
    expect(out[0]!.id).toBe('keep1');
    expect(out.find((b) => b.type === 'list_item')!.id).toBe('keep2');
    expect(new Set(out.map((b) => b.id)).size).toBe(out.length);
    for (const b of out) expect(isBlockId(b.id)).toBe(true);
  });
});

describe('the plugin in one editor', () => {
  const base = (): EditorState => stateOf(doc(p('aaaa', 'Alpha beta'), p('bbbb', 'Bravo'), p('cccc', 'Charlie')));

  it('gives ids to blocks that have none, and repairs duplicates found at load', () => {
    let state = stateOf(doc(p(null, 'one'), p('dupl', 'two'), p('dupl', 'three')));
    state = state.apply(state.tr.insertText('!', 1));
    expectIdsSound(state);
    expect(idOfText(state.doc, 'two')).toBe('dupl');
  });

  it('split: the first half keeps the id, the second gets a fresh one', () => {
    const state = run(base(), splitBlock, posOf(base().doc, ' beta'));
    expect(idOfText(state.doc, 'Alpha')).toBe('aaaa');
    expect(idOfText(state.doc, ' beta')).not.toBe('aaaa');
    expectIdsSound(state);
  });

  it('Enter at the end makes a new paragraph with a fresh id', () => {
    const state = run(base(), splitBlock, posOf(base().doc, 'Bravo') + 5);
    expect(blocks(state.doc).map((b) => b.text)).toEqual(['Alpha beta', 'Bravo', '', 'Charlie']);
    expect(idOfText(state.doc, 'Bravo')).toBe('bbbb');
    expectIdsSound(state);
  });

  it('Enter at the very start leaves the id with the text, not the empty line', () => {
    const state = run(base(), splitBlock, posOf(base().doc, 'Bravo'));
    expect(blocks(state.doc).map((b) => b.text)).toEqual(['Alpha beta', '', 'Bravo', 'Charlie']);
    expect(idOfText(state.doc, 'Bravo')).toBe('bbbb');
    expectIdsSound(state);
  });

  it('join: the surviving block keeps its id and the joined one is gone', () => {
    const state = run(base(), joinBackward, posOf(base().doc, 'Bravo'));
    expect(blocks(state.doc).map((b) => [b.id, b.text])).toEqual([['aaaa', 'Alpha betaBravo'], ['cccc', 'Charlie']]);
    expect(blockIdStats(state)!.counts.has('bbbb')).toBe(false);
    expectIdsSound(state);
  });

  it('paste of whole blocks: copies get fresh ids, the originals keep theirs', () => {
    const state = base();
    const slice = state.doc.slice(0, state.doc.child(0).nodeSize + state.doc.child(1).nodeSize);
    const end = state.doc.content.size;
    const pasted = state.apply(state.tr.replace(end, end, slice).setMeta('uiEvent', 'paste'));
    const out = blocks(pasted.doc);
    expect(out.map((b) => b.text)).toEqual(['Alpha beta', 'Bravo', 'Charlie', 'Alpha beta', 'Bravo']);
    expect(out.slice(0, 3).map((b) => b.id)).toEqual(['aaaa', 'bbbb', 'cccc']);
    expectIdsSound(pasted);
  });

  it('paste into the middle of the original: the original keeps its id in its first half', () => {
    const state = base();
    const slice = state.doc.slice(0, state.doc.child(0).nodeSize);
    const at = posOf(state.doc, ' beta');
    const pasted = state.apply(state.tr.replaceRange(at, at, slice).setMeta('uiEvent', 'paste'));
    expect(blocks(pasted.doc)[0]).toEqual({ type: 'paragraph', id: 'aaaa', text: expect.stringMatching(/^Alpha/) });
    expectIdsSound(pasted);
  });

  it('a move (drag or cut and paste) keeps the id: the original is gone', () => {
    const state = base();
    const bravo = state.doc.child(1);
    const from = state.doc.child(0).nodeSize;
    const tr = state.tr.delete(from, from + bravo.nodeSize);
    tr.insert(tr.doc.content.size, bravo).setMeta('uiEvent', 'drop');
    const moved = state.apply(tr);
    expect(blocks(moved.doc).map((b) => b.id)).toEqual(['aaaa', 'cccc', 'bbbb']);
    expectIdsSound(moved);
  });

  it('list items: splitting an item keeps the first item and paragraph ids', () => {
    let state = run(base(), wrapInList(schema.nodes.bullet_list!), posOf(base().doc, 'Bravo'));
    expectIdsSound(state);
    const item = blocks(state.doc).find((b) => b.type === 'list_item')!.id;
    state = run(state, splitListItem(schema.nodes.list_item!), posOf(state.doc, 'avo'));
    const items = blocks(state.doc).filter((b) => b.type === 'list_item');
    expect(items.map((b) => b.text)).toEqual(['Br', 'avo']);
    expect(items[0]!.id).toBe(item);
    expect(idOfText(state.doc, 'Br')).toBe('bbbb');
    expectIdsSound(state);
    state = run(state, liftListItem(schema.nodes.list_item!), posOf(state.doc, 'avo'));
    expectIdsSound(state);
  });

  it('looks only at the blocks a keystroke touched, however long the report', () => {
    for (const n of [500, 5000]) {
      let state = stateOf(doc(...Array.from({ length: n }, (_, i) => p(`para${i}`, `Paragraph number ${i}.`))));
      const mid = posOf(state.doc, `number ${n / 2}.`);
      state = state.apply(state.tr.insertText('x', mid));
      // Typing inside a paragraph adds, removes and renames no block: nothing to look at.
      expect(blockIdStats(state)!.inspected).toBe(0);
      state = run(state, splitBlock, mid + 3);
      expect(blockIdStats(state)!.inspected).toBeLessThanOrEqual(8);
      expectIdsSound(state);
      // A peer's keystroke arrives as y-prosemirror delivers it: the whole document
      // replaced, unchanged blocks shared. Only the changed block is looked at.
      const children: PMNode[] = [];
      state.doc.forEach((child) => children.push(child));
      children[10] = p(children[10]!.attrs.id as string, 'Edited by a peer');
      const tr = state.tr.replace(0, state.doc.content.size, new Slice(Fragment.from(children), 0, 0));
      state = state.apply(tr.setMeta(ySyncPluginKey, { isChangeOrigin: true }));
      expect(idOfText(state.doc, 'Edited by a peer')).toBe('para10');
      expect(blockIdStats(state)!.inspected).toBeLessThanOrEqual(3);
    }
  });

  it('typing, deleting, marking and pasting words inside a paragraph keep every id and count', () => {
    let state = base();
    const at = posOf(state.doc, 'Bravo');
    state = state.apply(state.tr.insertText('New words ', at));
    state = state.apply(state.tr.delete(at, at + 4));
    state = state.apply(state.tr.addMark(at, at + 5, schema.marks.strong!.create()));
    state = state.apply(state.tr.replace(at, at, new Slice(Fragment.from([schema.text('pasted '), schema.text('bold', [schema.marks.strong!.create()])]), 0, 0)));
    expect(blockIdStats(state)!.inspected).toBe(0);
    expect(idOfText(state.doc, state.doc.resolve(at).parent.textContent)).toBe('bbbb');
    expectIdsSound(state);
    // A deletion that reaches into the next paragraph joins two blocks: one id goes.
    const end = posOf(state.doc, 'Charlie');
    state = state.apply(state.tr.delete(end - 3, end + 2));
    expect(blockIdStats(state)!.inspected).toBeGreaterThan(0);
    expectIdsSound(state);
  });

  it('stays sound under a random mix of splits, joins, pastes, moves, deletions, list changes and peer changes', () => {
    // mulberry32, seeded: the same run every time (FUZZ_SEED explores others).
    let seed = Number(process.env.FUZZ_SEED ?? 12345) >>> 0;
    const rand = (n: number): number => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) % n);
    };
    let state = stateOf(doc(...Array.from({ length: 12 }, (_, i) => p(`start${i}`, `Text of paragraph ${i}`))));
    const textPositions = (d: PMNode): number[] => {
      const out: number[] = [];
      d.descendants((node, pos) => { if (node.isTextblock) for (let k = 0; k <= node.content.size; k++) out.push(pos + 1 + k); });
      return out;
    };
    for (let step = 0; step < 200; step++) {
      const positions = textPositions(state.doc);
      const at = positions[rand(positions.length)]!;
      const other = positions[rand(positions.length)]!;
      const [from, to] = at < other ? [at, other] : [other, at];
      const sel = (s: EditorState): EditorState => s.apply(s.tr.setSelection(TextSelection.create(s.doc, at)));
      const tryCommand = (command: Command): void => {
        const s = sel(state);
        command(s, (tr) => { state = s.apply(tr); });
      };
      switch (rand(9)) {
        case 7: {
          // Two steps in one transaction: cut a range and paste it elsewhere (a drag).
          const slice = state.doc.slice(from, to);
          const tr = state.tr.delete(from, to);
          const target = tr.mapping.map(positions[rand(positions.length)]!);
          state = state.apply(tr.replaceRange(target, target, slice));
          break;
        }
        case 8: {
          // As y-prosemirror delivers a peer's change: the whole doc replaced, sync meta set,
          // here with a copy of one block appended (a duplicate id arriving from outside).
          const copy = state.doc.child(rand(state.doc.childCount));
          const next = state.doc.copy(state.doc.content.append(Fragment.from(copy)));
          const tr = state.tr.replace(0, state.doc.content.size, new Slice(next.content, 0, 0));
          state = state.apply(tr.setMeta(ySyncPluginKey, { isChangeOrigin: true }));
          break;
        }
        case 0: tryCommand(splitBlock); break;
        case 1: tryCommand(joinBackward); break;
        case 2: {
          // A paste deletes nothing: every id there was is still there afterwards.
          const before = new Set(blocks(state.doc).map((b) => b.id));
          state = state.apply(state.tr.replaceRange(at, at, state.doc.slice(from, to)));
          const after = new Set(blocks(state.doc).map((b) => b.id));
          for (const id of before) expect(after.has(id), `id ${String(id)} lost by a paste`).toBe(true);
          break;
        }
        case 3: state = state.apply(state.tr.delete(from, to)); break;
        case 4: tryCommand(wrapInList(schema.nodes.bullet_list!)); break;
        case 5: tryCommand(liftListItem(schema.nodes.list_item!)); break;
        default: state = state.apply(state.tr.insertText('typed ', at)); break;
      }
      expectIdsSound(state);
    }
  });
});

describe('while y-prosemirror shows a named version', () => {
  it('leaves the diff view alone (a moved paragraph shows twice) and checks everything after', () => {
    let state = stateOf(doc(p('aaaa', 'Alpha'), p('bbbb', 'Bravo')));
    const diffView = doc(p('aaaa', 'Alpha'), p('bbbb', 'Bravo'), p('bbbb', 'Bravo (moved)'));
    let tr = state.tr.replace(0, state.doc.content.size, new Slice(diffView.content, 0, 0));
    state = state.apply(tr.setMeta(ySyncPluginKey, { snapshot: {}, prevSnapshot: {} }));
    expect(blocks(state.doc).map((b) => b.id)).toEqual(['aaaa', 'bbbb', 'bbbb']);
    state = state.apply(state.tr.setMeta('some', 'thing'));
    expect(blocks(state.doc).map((b) => b.id)).toEqual(['aaaa', 'bbbb', 'bbbb']);
    // Back to the live document (y-prosemirror sends snapshot: null): a full check.
    tr = state.tr.replace(0, state.doc.content.size, new Slice(diffView.content, 0, 0));
    state = state.apply(tr.setMeta(ySyncPluginKey, { snapshot: null, prevSnapshot: null }));
    expect(blocks(state.doc)[1]!.id).toBe('bbbb');
    expectIdsSound(state);
  });
});

describe('with Yjs: undo and two peers', () => {
  const peers: HeadlessPeer[] = [];
  afterEach(() => { for (const peer of peers.splice(0)) peer.destroy(); });

  function newPeer(ydoc = new Y.Doc()): HeadlessPeer {
    const peer = new HeadlessPeer(ydoc, [blockIdPlugin()]);
    peers.push(peer);
    return peer;
  }
  function load(peer: HeadlessPeer, d: PMNode): void {
    peer.dispatch(peer.state.tr.replaceWith(0, peer.state.doc.content.size, d.content).setMeta('addToHistory', false));
  }
  function apply(peer: HeadlessPeer, command: Command, at: number): void {
    peer.state = peer.state.apply(peer.state.tr.setSelection(TextSelection.create(peer.state.doc, at)));
    expect(command(peer.state, (tr) => peer.dispatch(tr))).toBe(true);
  }
  const yDocOf = (peer: HeadlessPeer): PMNode => yXmlFragmentToProseMirrorRootNode(peer.fragment, schema);
  const sample = (): PMNode => doc(p('aaaa', 'Alpha beta'), p('bbbb', 'Bravo'), p('cccc', 'Charlie'), p('dddd', 'Delta'));

  it('undo of a split puts the text and its id back together', async () => {
    const peer = newPeer();
    load(peer, sample());
    apply(peer, splitBlock, posOf(peer.state.doc, ' beta'));
    expect(blocks(yDocOf(peer))).toHaveLength(5);
    peer.undoManager.undo();
    await settle();
    expect(blocks(peer.state.doc).map((b) => [b.id, b.text])).toEqual(blocks(sample()).map((b) => [b.id, b.text]));
    expectIdsSound(peer.state);
    peer.undoManager.redo();
    await settle();
    expect(idOfText(peer.state.doc, 'Alpha')).toBe('aaaa');
    expectIdsSound(peer.state);
    expect(yDocOf(peer).eq(peer.state.doc)).toBe(true);
  });

  it('undo of a paste removes the copies and leaves the originals their ids', async () => {
    const peer = newPeer();
    load(peer, sample());
    const slice = peer.state.doc.slice(0, peer.state.doc.child(0).nodeSize + peer.state.doc.child(1).nodeSize);
    const end = peer.state.doc.content.size;
    peer.dispatch(peer.state.tr.replace(end, end, slice).setMeta('uiEvent', 'paste'));
    expectIdsSound(peer.state);
    expect(blocks(yDocOf(peer))).toHaveLength(6);
    expect(new Set(blocks(yDocOf(peer)).map((b) => b.id)).size).toBe(6);
    peer.undoManager.undo();
    await settle();
    expect(blocks(peer.state.doc)).toEqual(blocks(sample()));
    expectIdsSound(peer.state);
  });

  function twoPeers(): [HeadlessPeer, HeadlessPeer] {
    const one = newPeer();
    load(one, sample());
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(one.ydoc));
    const two = newPeer(ydoc);
    expect(two.state.doc.eq(one.state.doc)).toBe(true);
    return [one, two];
  }
  function moveToEnd(peer: HeadlessPeer, index: number): void {
    const d = peer.state.doc;
    let from = 0;
    for (let i = 0; i < index; i++) from += d.child(i).nodeSize;
    const node = d.child(index);
    const tr = peer.state.tr.delete(from, from + node.nodeSize);
    tr.insert(tr.doc.content.size, node).setMeta('uiEvent', 'drop');
    peer.dispatch(tr);
  }
  async function converge(one: HeadlessPeer, two: HeadlessPeer): Promise<void> {
    for (let round = 0; round < 3; round++) {
      syncDocs(one.ydoc, two.ydoc);
      await settle();
    }
    expect(one.fragment.toJSON()).toBe(two.fragment.toJSON());
    expect(one.state.doc.eq(two.state.doc)).toBe(true);
    expect(yDocOf(one).eq(one.state.doc)).toBe(true);
    expect(yDocOf(two).eq(two.state.doc)).toBe(true);
    expectIdsSound(one.state);
    expectIdsSound(two.state);
  }

  it('two peers who both insert a block with the same id offline converge on identical docs, ids unique', async () => {
    const [one, two] = twoPeers();
    // Both paste the same paragraph from elsewhere (another report, an old version): same id.
    one.dispatch(one.state.tr.insert(0, p('zzzz', 'From the clipboard, first')));
    const end = two.state.doc.content.size;
    two.dispatch(two.state.tr.insert(end, p('zzzz', 'From the clipboard, second')));
    expect(idOfText(one.state.doc, 'From the clipboard, first')).toBe('zzzz');
    expect(idOfText(two.state.doc, 'From the clipboard, second')).toBe('zzzz');
    await converge(one, two);
    // The deterministic rule on both sides: the first in document order keeps the id.
    expect(idOfText(one.state.doc, 'From the clipboard, first')).toBe('zzzz');
    expect(idOfText(one.state.doc, 'From the clipboard, second')).not.toBe('zzzz');
  });

  it('two peers who both move the same paragraph offline converge, ids unique', async () => {
    const [one, two] = twoPeers();
    moveToEnd(one, 1); // Bravo to the end, keeping 'bbbb'
    one.dispatch(one.state.tr.insertText('Echo ', one.state.doc.content.size - 1));
    moveToEnd(two, 1);
    expect(idOfText(two.state.doc, 'Bravo')).toBe('bbbb');
    await converge(one, two);
    expect(blocks(one.state.doc).filter((b) => b.id === 'bbbb')).toHaveLength(1);
  });

  it('two peers pasting copies of the same paragraph offline: originals keep ids, copies differ', async () => {
    const [one, two] = twoPeers();
    for (const peer of [one, two]) {
      const slice = peer.state.doc.slice(0, peer.state.doc.child(0).nodeSize);
      const end = peer.state.doc.content.size;
      peer.dispatch(peer.state.tr.replace(end, end, slice).setMeta('uiEvent', 'paste'));
    }
    await converge(one, two);
    expect(blocks(one.state.doc).filter((b) => b.text === 'Alpha beta')).toHaveLength(3);
    expect(blocks(one.state.doc)[0]!.id).toBe('aaaa');
  });

  it('a duplicate that arrives from a peer without the plugin is repaired the same way on both sides', async () => {
    const [one, two] = twoPeers();
    // A writer that knows nothing of ids (an old client, a script) inserts a copy of 'cccc'.
    const rogue = new Y.Doc();
    Y.applyUpdate(rogue, Y.encodeStateAsUpdate(one.ydoc));
    const element = new Y.XmlElement('paragraph');
    element.setAttribute('id', 'cccc');
    element.insert(0, [new Y.XmlText('Charlie, again')]);
    rogue.getXmlFragment('body').insert(0, [element]);
    const update = Y.encodeStateAsUpdate(rogue, Y.encodeStateVector(one.ydoc));
    Y.applyUpdate(one.ydoc, update, 'peer');
    Y.applyUpdate(two.ydoc, update, 'peer');
    await converge(one, two);
    expect(blocks(one.state.doc).filter((b) => b.id === 'cccc')).toHaveLength(1);
    // The deterministic rule: the first occurrence in document order keeps the id.
    expect(idOfText(one.state.doc, 'Charlie, again')).toBe('cccc');
  });
});

describe('the slice a paste brings', () => {
  it('is an ordinary slice: no id survives twice in the result', () => {
    const state = stateOf(doc(p('aaaa', 'A'), p('bbbb', 'B')));
    const slice = new Slice(state.doc.content, 0, 0);
    const next = state.apply(state.tr.replace(0, 0, slice));
    expect(blocks(next.doc).slice(2).map((b) => b.id)).toEqual(['aaaa', 'bbbb']);
    expectIdsSound(next);
  });
});
