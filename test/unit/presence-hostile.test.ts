/**
 * Presence states the cursor plugin cannot draw: anyone on a link can put any JSON in
 * theirs (another app, an old version, a hostile client). y-prosemirror's cursor plugin
 * threw on them inside every transaction carrying a remote change, so the editor stopped
 * showing the others' edits. Now such a state is not drawn, and everything else goes on.
 * The real ySyncPlugin and the app's presence plugin's state (its view needs a page).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as prng from 'lib0/prng';
import { Plugin } from 'prosemirror-state';
import type { DecorationSet } from 'prosemirror-view';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { yCursorPluginKey } from 'y-prosemirror';
import { presencePlugin } from '../../renderer/editor/presence.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { EditorHost, reportDoc } from './y-prosemirror-host.ts';

const peers: Awareness[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.destroy();
});

/** The presence plugin without its view (which draws carets in a page). */
function editorWithPresence(): { host: EditorHost; awareness: Awareness; plugin: Plugin } {
  const ydoc = reportDoc();
  const awareness = new Awareness(ydoc);
  const plugin = presencePlugin(awareness);
  const host = new EditorHost(ydoc, [new Plugin({ key: plugin.spec.key, state: plugin.spec.state, props: plugin.spec.props })]);
  return { host, awareness, plugin };
}

/** Someone else's state arriving over a link, as the provider applies it; then the redraw the plugin's view asks for. */
function arrives(host: EditorHost, awareness: Awareness, state: unknown): void {
  const peer = new Awareness(new Y.Doc());
  peers.push(peer);
  peer.setLocalState(state as Record<string, unknown>);
  applyAwarenessUpdate(awareness, encodeAwarenessUpdate(peer, [peer.clientID]), 'link');
  host.dispatch(host.state.tr.setMeta(yCursorPluginKey, { awarenessUpdated: true }));
}

function firstText(ydoc: Y.Doc): Y.XmlText {
  return (bodyOf(ydoc).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

/** A real selection in the first paragraph, as y-prosemirror writes it. */
function selectionIn(ydoc: Y.Doc, from: number, to: number): { anchor: unknown; head: unknown } {
  const text = firstText(ydoc);
  return {
    anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, from)),
    head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, to)),
  };
}

function drawn(host: EditorHost, plugin: Plugin): number {
  return (plugin.props.decorations!.call(plugin, host.state) as DecorationSet).find().length;
}

const validPosition = { type: null, tname: null, item: { client: 1, clock: 0 }, assoc: 0 };
const unresolvable: Array<[string, unknown]> = [
  ['a cursor with no positions', { user: { name: 'Mallory' }, cursor: {} }],
  ['null positions', { user: { name: 'Mallory' }, cursor: { anchor: null, head: null } }],
  ['a cursor that is a number', { user: { name: 'Mallory' }, cursor: 5 }],
  ['a person that is text', { user: 'Mallory', cursor: { anchor: validPosition, head: validPosition } }],
  ['a person that is a number', { user: 7, cursor: { anchor: validPosition, head: validPosition } }],
  ['an item of a client that is text, at a clock below 0', { user: { name: 'Mallory' }, cursor: { anchor: { item: { client: 'x', clock: -1 } }, head: validPosition } }],
  ['positions that name nothing', { user: { name: 'Mallory', color: { a: 1 } }, cursor: { anchor: { assoc: 0 }, head: { assoc: 0 } } }],
  ['a type name the report does not have', { user: { name: 'Mallory' }, cursor: { anchor: { tname: 'nowhere' }, head: { tname: 'nowhere' } } }],
  ['a state that is a number', 42],
  ['a state that is text', 'Mallory'],
];

describe('someone else\'s presence the cursor plugin cannot draw', () => {
  for (const [name, state] of unresolvable) {
    it(`${name}: not drawn; the others' carets and edits still show`, () => {
      const { host, awareness, plugin } = editorWithPresence();
      arrives(host, awareness, { user: { name: 'Bo', colour: 2 }, cursor: selectionIn(host.ydoc, 2, 8) });
      const withBo = drawn(host, plugin);
      expect(withBo).toBeGreaterThan(0);

      expect(() => arrives(host, awareness, state)).not.toThrow();
      expect(drawn(host, plugin)).toBe(withBo);
      // A remote edit comes in (ySyncPlugin dispatches it): the editor shows it.
      const bo = new Y.Doc();
      Y.applyUpdate(bo, Y.encodeStateAsUpdate(host.ydoc));
      firstText(bo).insert(0, 'Global ');
      expect(() => Y.applyUpdate(host.ydoc, Y.encodeStateAsUpdate(bo, Y.encodeStateVector(host.ydoc)))).not.toThrow();
      expect(host.state.doc.firstChild?.textContent).toMatch(/^Global Internet governance/);
      expect(drawn(host, plugin)).toBe(withBo);
      expect(host.ydoc.share.has('nowhere')).toBe(false);
    });
  }

  it('seeded: real positions with their fields dropped, retyped or moved never stop the editor', () => {
    const gen = prng.create(Number(process.env.PLENARY_FUZZ_SEED ?? 7));
    const { host, awareness } = editorWithPresence();
    const oddValues = [null, undefined, -1, 0, 1.5, 2 ** 53, 'body', 'x', {}, [], true, { client: 0, clock: 0 }];
    const bend = (position: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = JSON.parse(JSON.stringify(position));
      const field = prng.oneOf(gen, ['type', 'tname', 'item', 'assoc']);
      if (prng.bool(gen)) out[field] = prng.oneOf(gen, oddValues);
      else if (out.item && typeof out.item === 'object') (out.item as Record<string, unknown>)[prng.oneOf(gen, ['client', 'clock'])] = prng.oneOf(gen, oddValues);
      return out;
    };
    for (let i = 0; i < 300; i++) {
      const { anchor, head } = selectionIn(host.ydoc, prng.uint32(gen, 0, 10), prng.uint32(gen, 0, 10));
      const cursor = { anchor: bend(anchor as Record<string, unknown>), head: prng.bool(gen) ? head : bend(head as Record<string, unknown>) };
      expect(() => arrives(host, awareness, { user: prng.oneOf(gen, oddValues), cursor }), JSON.stringify(cursor)).not.toThrow();
      expect(() => host.dispatch(host.state.tr.insertText('x', 1))).not.toThrow();
    }
  });

  it('a position not there yet, or gone, is simply not drawn', () => {
    const { host, awareness, plugin } = editorWithPresence();
    const later = { item: { client: 1, clock: 10 ** 9 }, type: null, tname: null, assoc: 0 };
    expect(() => arrives(host, awareness, { user: { name: 'Chen' }, cursor: { anchor: later, head: later } })).not.toThrow();
    expect(drawn(host, plugin)).toBe(0);
  });
});
