/**
 * A change to the report that the editor fails to draw (any error while y-prosemirror
 * dispatches it: a plugin's state, the schema, a node view) left the editor showing the
 * report as it was, and its next write put that old view back: the member's next key
 * undid the change on every copy, and nothing said so. The patch
 * (patches/y-prosemirror+1.3.7.patch, `_redrawAfterFailure`) draws the whole report again
 * from Yjs; if that fails too, the binding writes nothing more to Yjs, the editor takes
 * no input, and `onUnshownChange` tells the app (which offers to reload the window).
 *
 * What fails here is a plugin of the test whose state throws on the transaction that
 * draws a change from Yjs: a stand-in for any error on that path, the one thing in
 * these tests that is not the real editor (y-prosemirror's real plugins, real Y.Docs).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Plugin } from 'prosemirror-state';
import { undo, ySyncPluginKey } from 'y-prosemirror';
import { bodyOf } from '../../shared/ydoc.ts';
import { EditorHost, PARAGRAPHS, after, caretContext, peerOf, reportDoc, texts } from './y-prosemirror-host.ts';

const hosts: EditorHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.destroy();
  vi.restoreAllMocks();
});

/** A plugin whose state throws on the next `times` transactions that draw a change from Yjs. */
function failingDraws(): { plugin: Plugin; fail(times: number): void; failed: () => number } {
  let remaining = 0;
  let failed = 0;
  const plugin = new Plugin({
    state: {
      init: () => null,
      apply(tr) {
        const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
        if (remaining > 0 && meta?.isChangeOrigin) {
          remaining--;
          failed++;
          throw new Error('the drawing of a change failed');
        }
        return null;
      },
    },
  });
  return { plugin, fail: (times) => (remaining = times), failed: () => failed };
}

/** A member's editor with a failing plugin, and another member's copy whose edits arrive at once. */
function memberAndPeer(): { member: EditorHost; peer: Y.Doc; drawing: ReturnType<typeof failingDraws>; unshown: unknown[] } {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const drawing = failingDraws();
  const unshown: unknown[] = [];
  const member = new EditorHost(reportDoc(), [drawing.plugin], { onUnshownChange: (error: unknown) => unshown.push(error) });
  hosts.push(member);
  return { member, peer: peerOf(member), drawing, unshown };
}

const editorTexts = (host: EditorHost): string[] => {
  const found: string[] = [];
  host.state.doc.forEach((block) => found.push(block.textContent));
  return found;
};

function peerTypes(peer: Y.Doc, block: number, index: number, text: string): void {
  ((bodyOf(peer).get(block) as Y.XmlElement).get(0) as Y.XmlText).insert(index, text);
}

describe('a change the editor fails to draw', () => {
  it('is drawn again from the report: the member sees it, keeps her caret, and her next key keeps it', async () => {
    const { member, peer, drawing, unshown } = memberAndPeer();
    member.caretAt(after(member.state.doc, 'private'));
    drawing.fail(1);
    peerTypes(peer, 0, 0, 'Peer: ');
    bodyOf(peer).delete(1, 1);

    expect(drawing.failed()).toBe(1);
    expect(editorTexts(member)).toEqual([`Peer: ${PARAGRAPHS[0]}`, PARAGRAPHS[2]]);
    expect(caretContext(member.state)).toEqual({ before: 'the private', after: ' sector and civil society' });
    expect(member.editable).toBe(true);
    expect(unshown).toEqual([]);

    member.type('!');
    await member.settle();
    expect(texts(member.ydoc)).toEqual([`Peer: ${PARAGRAPHS[0]}`, 'the private! sector and civil society']);
  });

  it('drawn by an undo, is drawn again, and the undo is kept', async () => {
    const { member, peer, drawing } = memberAndPeer();
    member.caretAt(after(member.state.doc, 'governments'));
    member.type(' and others');
    await member.settle();
    peerTypes(peer, 2, 0, 'Also ');
    drawing.fail(1);
    undo(member.state);

    expect(drawing.failed()).toBe(1);
    expect(editorTexts(member)).toEqual([PARAGRAPHS[0], PARAGRAPHS[1], `Also ${PARAGRAPHS[2]}`]);
    member.caretAt(after(member.state.doc, 'governance'));
    member.type('!');
    await member.settle();
    expect(texts(member.ydoc)).toEqual(['Internet governance! is the development', PARAGRAPHS[1], `Also ${PARAGRAPHS[2]}`]);
  });

  it('that cannot be drawn again either: the editor takes no input, writes nothing, and the app is told once', async () => {
    const { member, peer, drawing, unshown } = memberAndPeer();
    member.caretAt(after(member.state.doc, 'private'));
    drawing.fail(Infinity);
    peerTypes(peer, 0, 0, 'Peer: ');

    expect(unshown).toHaveLength(1);
    expect(member.editable).toBe(false);
    const reported = Y.encodeStateVector(member.ydoc);

    // Whatever still reaches the editor (a command, a key the view let through) is not
    // written: the editor shows the report without the peer's change.
    member.type('!');
    await member.settle();
    expect(Y.encodeStateVector(member.ydoc)).toEqual(reported);
    expect(texts(member.ydoc)).toEqual([`Peer: ${PARAGRAPHS[0]}`, PARAGRAPHS[1], PARAGRAPHS[2]]);

    // Later changes from the report do not tell the app again.
    peerTypes(peer, 1, 0, 'More ');
    expect(unshown).toHaveLength(1);
    expect(texts(member.ydoc)).toEqual([`Peer: ${PARAGRAPHS[0]}`, `More ${PARAGRAPHS[1]}`, PARAGRAPHS[2]]);
  });

  it('is not reported when a later change draws fine: a failure the redraw mends is only logged and counted', () => {
    const { member, peer, drawing } = memberAndPeer();
    const logged = vi.mocked(console.error);
    drawing.fail(1);
    peerTypes(peer, 0, 0, 'Peer: ');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toContain('could not be drawn');
    expect(member.drawFailures).toBe(1);
    peerTypes(peer, 1, 0, 'More ');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(member.drawFailures).toBe(1);
    expect(editorTexts(member)).toEqual([`Peer: ${PARAGRAPHS[0]}`, `More ${PARAGRAPHS[1]}`, PARAGRAPHS[2]]);
  });
});
