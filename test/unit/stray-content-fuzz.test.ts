/**
 * Seeded fuzz of what any client can write into a report's body, valid Yjs all of it:
 * values and types anywhere (strings, numbers, null, bytes, maps, arrays, hooks, text),
 * elements of any name with any attributes, any formatting, deletions of any range.
 * Whatever arrives, the report must open in the editor (y-prosemirror's real ySyncPlugin)
 * to a document ProseMirror accepts, main must read its paragraphs, an open editor must
 * take it and go on showing a typed edit, and two copies that exchange what they wrote
 * must end the same. The seed is in the test name; `PLENARY_FUZZ_SEED=S` replays one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { assertWellFormedUpdate } from '../../shared/sync-messages.ts';
import { destroyOpenHosts, editorAndPeer, open, reportDoc } from './y-prosemirror-host.ts';
import { seedsToRun } from '../integration/fuzz/run-sessions.ts';
import { places } from './helpers/yjs-structure.ts';

afterEach(destroyOpenHosts);

const NAMES = ['paragraph', 'heading', 'bullet_list', 'ordered_list', 'list_item', 'blockquote', 'hard_break', 'text', 'doc', 'link', 'em', 'bogus', ''];
const ATTRIBUTES = ['id', 'level', 'order', 'href', 'bogus'];
const MARKS = ['strong', 'em', 'link', 'bogus'];

function anyValue(gen: prng.PRNG): unknown {
  return prng.oneOf(gen, [
    () => prng.word(gen, 0, 6),
    () => prng.int32(gen, -5, 1000),
    () => null,
    () => prng.bool(gen),
    () => ({ href: prng.word(gen, 0, 4) }),
    () => new Uint8Array([prng.uint32(gen, 0, 255)]),
  ])();
}

function anyContent(gen: prng.PRNG, depth: number): unknown {
  const kind = prng.uint32(gen, 0, 7);
  if (kind === 0) return anyValue(gen);
  if (kind === 1) return prng.oneOf(gen, [() => new Y.Map(), () => new Y.Array(), () => new Y.Text('plain'), () => new Y.XmlHook('hook')])();
  if (kind === 2) return new Y.XmlText(prng.word(gen, 0, 8));
  const element = new Y.XmlElement(prng.oneOf(gen, NAMES));
  if (prng.bool(gen)) element.setAttribute(prng.oneOf(gen, ATTRIBUTES), anyValue(gen) as string);
  if (depth < 2) for (let i = prng.uint32(gen, 0, 2); i > 0; i--) element.insert(element.length, [anyContent(gen, depth + 1) as Y.XmlElement]);
  return element;
}

/** One client's odd write into its copy's body. */
function oddWrite(gen: prng.PRNG, body: Y.XmlFragment): void {
  const { parents, texts } = places(body);
  const parent = prng.oneOf(gen, parents);
  const text = texts.length > 0 ? prng.oneOf(gen, texts) : null;
  switch (prng.uint32(gen, 0, 5)) {
    case 0:
    case 1:
      parent.insert(prng.uint32(gen, 0, parent.length), [anyContent(gen, 0) as Y.XmlElement]);
      break;
    case 2:
      if (parent instanceof Y.XmlElement) parent.setAttribute(prng.oneOf(gen, ATTRIBUTES), anyValue(gen) as string);
      break;
    case 3:
      if (text && text.length > 0) {
        const from = prng.uint32(gen, 0, text.length - 1);
        text.format(from, prng.uint32(gen, 1, text.length - from), { [prng.oneOf(gen, MARKS)]: anyValue(gen) });
      }
      break;
    case 4:
      // (Yjs refuses null as an embed.)
      if (text) text.insertEmbed(prng.uint32(gen, 0, text.length), (anyValue(gen) ?? {}) as object);
      break;
    default:
      if (parent.length > 0) {
        const from = prng.uint32(gen, 0, parent.length - 1);
        parent.delete(from, prng.uint32(gen, 1, Math.min(2, parent.length - from)));
      }
  }
}

/** What another client sent after the seed's odd writes (fewer, when its own Yjs refused one). */
function oddUpdate(seed: number, ydoc: Y.Doc): Uint8Array {
  for (let most = 6; ; most--) {
    const gen = prng.create(seed);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(ydoc));
    try {
      for (let i = Math.min(most, prng.uint32(gen, 1, 6)); i > 0; i--) other.transact(() => oddWrite(gen, bodyOf(other)));
      return Y.encodeStateAsUpdate(other, Y.encodeStateVector(ydoc));
    } catch (error) {
      if (most === 1) throw error;
    }
  }
}

/** Types at the first place a caret can be, and checks the editor shows it. */
function typeAtStart(host: ReturnType<typeof open>): void {
  let at = -1;
  host.state.doc.descendants((node, pos) => {
    if (at < 0 && node.isTextblock) at = pos + 1;
    return at < 0;
  });
  expect(at, 'a place to type').toBeGreaterThan(0);
  host.dispatch(host.state.tr.insertText('Typed. ', at));
  host.state.doc.check();
  expect(host.state.doc.textContent).toContain('Typed. ');
}

/** False when the checks every untrusted update passes refuse it (shared/sync-messages.ts): then it never arrives. */
function passesChecks(update: Uint8Array): boolean {
  try {
    assertWellFormedUpdate(update);
    return true;
  } catch {
    return false;
  }
}

function runSession(seed: number): void {
  const holding = reportDoc();
  const odd = oddUpdate(seed, holding);
  // (A stock client's insertEmbed(i, '') writes an empty struct, which the checks refuse.)
  if (!passesChecks(odd)) return;
  Y.applyUpdate(holding, odd);
  extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(holding), schema));
  const opened = open(holding);
  opened.state.doc.check();
  typeAtStart(opened);

  const { ydoc, host, peer, arrive, sent, sendBack } = editorAndPeer();
  arrive(oddUpdate(seed, ydoc));
  host.state.doc.check();
  typeAtStart(host);
  for (const change of sent) expect(passesChecks(change), 'the editor\'s own change passes the checks').toBe(true);
  sendBack();
  expect(bodyOf(peer).toJSON()).toBe(bodyOf(ydoc).toJSON());
  extractBlocks(yXmlFragmentToProseMirrorRootNode(bodyOf(ydoc), schema));
}

// CI: seeds 1–60. `npm run fuzz -- --content --sessions N [--first S]` runs more.
const seeds = seedsToRun(Number(process.env.PLENARY_FUZZ_SESSIONS ?? 60), process.env, Number(process.env.PLENARY_FUZZ_FIRST ?? 1));

describe('odd content written by another client', () => {
  for (const seed of seeds) {
    it(`seed ${seed}: opens, is read, arrives in an open editor, and the copies end the same`, () => runSession(seed));
  }

  it('most sessions send what the checks let through (the sessions test something)', () => {
    const through = seeds.filter((seed) => passesChecks(oddUpdate(seed, reportDoc()))).length;
    expect(through).toBeGreaterThanOrEqual(seeds.length * 0.8);
  });
});
