import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { othersChangesOnly } from '../../renderer/editor/presence.ts';

describe('the awareness the cursor plugin listens to', () => {
  it('hears of other people joining, moving and leaving, not of our own caret moving', () => {
    const ours = new Awareness(new Y.Doc());
    const theirs = new Awareness(new Y.Doc());
    const seen: number[][] = [];
    const listener = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
      seen.push([...added, ...updated, ...removed]);
    };
    const filtered = othersChangesOnly(ours);
    filtered.on('change', listener);

    ours.setLocalStateField('cursor', { anchor: 1, head: 1 });
    ours.setLocalStateField('cursor', { anchor: 2, head: 2 });
    expect(seen).toEqual([]);

    theirs.setLocalStateField('cursor', { anchor: 5, head: 5 });
    applyAwarenessUpdate(ours, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'peer');
    expect(seen).toEqual([[theirs.clientID]]);

    // Everything else is the real awareness.
    expect(filtered.clientID).toBe(ours.clientID);
    expect(filtered.getStates().get(theirs.clientID)?.cursor).toEqual({ anchor: 5, head: 5 });
    expect(filtered.getLocalState()?.cursor).toEqual({ anchor: 2, head: 2 });

    filtered.off('change', listener);
    theirs.setLocalStateField('cursor', { anchor: 7, head: 7 });
    applyAwarenessUpdate(ours, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'peer');
    expect(seen).toHaveLength(1);
    ours.destroy();
    theirs.destroy();
  });
});
