/**
 * The bound on what a report holds waiting for updates not yet arrived
 * (main/services/sync/waiting-limit.ts), on a report's document as the server holds it:
 * a transaction that takes it past the bound is taken back as far as it can be, also
 * when an observer starts a transaction of its own while the first is being wound up.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { afterLoadDocumentPayload, beforeSyncPayload, Connection } from '@hocuspocus/server';
import { messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import { waitingLimit } from '../../main/services/sync/waiting-limit.ts';

const MAX_BYTES = 1024;
const RELAYED = { source: 'redis' };

/** A report's document with the bound on it; the events it logged, the connections it closed, and the hook Hocuspocus calls before a sync message. */
async function boundedDoc(): Promise<{ doc: Y.Doc; events: string[]; closed: Connection[]; beforeSync: (connection: Connection, type: number) => Promise<unknown> }> {
  const doc = new Y.Doc({ gc: false });
  const events: string[] = [];
  const closed: Connection[] = [];
  const extension = waitingLimit({ maxBytes: MAX_BYTES, log: (_level, event) => events.push(event), closeConnection: (connection) => closed.push(connection) });
  await extension.afterLoadDocument!({ document: doc, documentName: 'bounded' } as unknown as afterLoadDocumentPayload);
  const beforeSync = (connection: Connection, type: number) => extension.beforeSync!({ connection, type } as unknown as beforeSyncPayload);
  return { doc, events, closed, beforeSync };
}

/** Another writer's edits after its first one, each building on the one before: without the first, they all wait. */
function waitingEdits(count: number): Uint8Array {
  const writer = new Y.Doc();
  writer.clientID = 4242;
  writer.getText('t').insert(0, 'first');
  const afterFirst = Y.encodeStateVector(writer);
  for (let i = 0; i < count; i++) writer.getText('t').insert(writer.getText('t').length, ` edit ${i}`);
  return Y.encodeStateAsUpdate(writer, afterFirst);
}

function textEdit(text: string): Uint8Array {
  const writer = new Y.Doc();
  writer.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(writer);
}

describe('the bound on updates waiting for ones not yet arrived', () => {
  it('lets a report hold up to the bound waiting', async () => {
    const { doc, events } = await boundedDoc();
    Y.applyUpdate(doc, waitingEdits(10), RELAYED);
    expect(doc.store.pendingStructs).not.toBeNull();
    expect(events).toEqual([]);
  });

  it('takes back what a transaction added past the bound, and keeps what it applied', async () => {
    const { doc, events } = await boundedDoc();
    doc.transact(() => {
      Y.applyUpdate(doc, textEdit('Applied.'));
      Y.applyUpdate(doc, waitingEdits(300));
    }, RELAYED);
    expect(doc.store.pendingStructs).toBeNull();
    expect(doc.getText('t').toString()).toBe('Applied.');
    expect(events).toEqual(['update.waiting_refused']);
  });

  it('also when an observer writes while the transaction is wound up', async () => {
    const { doc, events } = await boundedDoc();
    // (As an extension reacting to a change might: its transaction begins before the first one ends.)
    doc.getText('t').observe(() => doc.getMap('seen').set('text', doc.getText('t').toString()));
    doc.transact(() => {
      Y.applyUpdate(doc, textEdit('Applied.'));
      Y.applyUpdate(doc, waitingEdits(300));
    }, RELAYED);
    expect(doc.getMap('seen').get('text')).toBe('Applied.');
    expect(doc.store.pendingStructs).toBeNull();
    expect(events).toEqual(['update.waiting_refused']);
  });

  it("closes a member's connection for a change past it, and only leaves out the waiting part of its sync step 2", async () => {
    const { doc, events, closed, beforeSync } = await boundedDoc();
    const member = {} as Connection;
    // (Each sync step 2 of a member carries what its copy keeps waiting: a reconnection would bring it again.)
    await beforeSync(member, messageYjsSyncStep2);
    Y.applyUpdate(doc, waitingEdits(300), { source: 'connection', connection: member });
    expect(doc.store.pendingStructs).toBeNull();
    expect(closed).toEqual([]);
    await beforeSync(member, messageYjsUpdate);
    Y.applyUpdate(doc, waitingEdits(300), { source: 'connection', connection: member });
    expect(closed).toEqual([member]);
    expect(events).toEqual(['update.waiting_dropped', 'update.waiting_refused']);
  });
});
