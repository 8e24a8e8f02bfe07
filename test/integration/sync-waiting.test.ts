/**
 * Updates that wait for ones not yet arrived (Yjs's pending structs), on a real sync
 * server on loopback (waiting-limit.ts, persistence.ts):
 * - a client that keeps sending updates depending on one it never sends is cut off
 *   once the report holds more than the bound of them, with one log line; the report
 *   file keeps only their latest form (it used to gain all of them at each message);
 *   and every one the server acknowledged is still there after a restart, as the
 *   missing update finally shows;
 * - a member's real edit that waits for what its sync step 2 brings (here: a paste
 *   after a paragraph the server has not been sent) gets its connection closed, and
 *   the provider's reconnection delivers both, whole;
 * - a member whose own copy keeps more than the bound waiting stays connected and in
 *   sync: her sync step 2 leaves it out (our Yjs keeps waiting text to the copy that
 *   holds it; a stock client's carries it, and the server leaves that part out:
 *   waiting-limit.test.ts), and her link sends it on once what it builds on arrives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import Database from 'better-sqlite3';
import { startSyncServer, type SyncServer } from '../../main/services/sync/server.ts';
import { jsonLogger } from '../../main/services/sync/log.ts';
import { WAITING_REFUSED_REASON } from '../../main/services/sync/waiting-limit.ts';
import { waitingBytes } from '../../main/services/sync/waiting-updates.ts';
import { ServerLink } from '../../main/services/sync/client.ts';
import { connectClient, sendRawUpdates, tempDir, waitFor, type TestClient } from './fixtures/sync/harness.ts';
import { chainOfUpdates } from './fixtures/sync/hostile-frames.ts';

const REPORT = 'waiting-report';
const MAX_WAITING_BYTES = 4096;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Server {
  server: SyncServer;
  events: () => string[];
}

async function startServer(dataDir: string): Promise<Server> {
  const lines: string[] = [];
  const server = await startSyncServer({ dataDir, host: '127.0.0.1', port: 0, maxWaitingBytes: MAX_WAITING_BYTES, log: jsonLogger((line) => lines.push(line)) });
  cleanups.push(() => server.close());
  return { server, events: () => lines.map((line) => JSON.parse(line).event as string) };
}

function client(url: string, doc?: Y.Doc): TestClient {
  const c = connectClient(url, REPORT, { doc });
  cleanups.push(() => c.destroy());
  return c;
}

function storedBytes(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT sum(length(data)) AS bytes FROM updates').get() as { bytes: number }).bytes;
  } finally {
    db.close();
  }
}

describe('updates that wait for one never sent', () => {
  it('are cut off at the bound, stored in their latest form only, and those acknowledged survive a restart', async () => {
    const dataDir = tempDir();
    const first = await startServer(dataDir);
    const writer = client(first.server.url);
    writer.doc.getText('body').insert(0, 'The WGIG report.');
    await writer.settled();

    const chain = chainOfUpdates(1_500);
    const { acknowledged, code, reason } = await sendRawUpdates(first.server.url, REPORT, chain.slice(1));
    expect(code).toBe(1013);
    expect(reason).toBe(WAITING_REFUSED_REASON);
    // About 4 kB of them (a dozen bytes each) were taken, not the 1,499.
    expect(acknowledged).toBeGreaterThan(100);
    expect(acknowledged).toBeLessThan(1_000);
    expect(first.events().filter((event) => event === 'update.waiting_refused')).toHaveLength(1);

    // Nothing of them shows; everyone else is served as before.
    const reader = client(first.server.url);
    await reader.settled();
    expect(reader.doc.getText('body').toString()).toBe('The WGIG report.');
    reader.destroy();
    writer.destroy();
    await first.server.close();
    // Each message used to append every waiting update again (here ~1 MB in all).
    expect(storedBytes(`${dataDir}/${REPORT}.plenary`)).toBeLessThan(4 * MAX_WAITING_BYTES);

    const second = await startServer(dataDir);
    await sendRawUpdates(second.server.url, REPORT, chain.slice(0, 1));
    const after = client(second.server.url);
    await after.settled();
    const text = after.doc.getText('body').toString();
    // Every acknowledged one is there (and those handled in the refused message's turn,
    // whose acknowledgements never left), and no more than the bound's worth.
    const chunks = text.replace('The WGIG report.', '');
    expect(chunks).toBe('x'.repeat(chunks.length));
    expect(chunks.length / 10 - 1).toBeGreaterThanOrEqual(acknowledged);
    expect(chunks.length).toBeLessThanOrEqual(MAX_WAITING_BYTES);
  });
});

describe('a member\'s edit that waits for its sync step 2', () => {
  it('closes the connection, and the reconnection delivers the edit with what it builds on', async () => {
    const { server, events } = await startServer(tempDir());
    const member = client(server.url);
    member.doc.getText('body').insert(0, 'The WGIG report.');
    await member.settled();

    // A paragraph from someone else reaches the member, not yet the server (here: applied
    // as if it had come through this very link, so the provider does not send it).
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(member.doc));
    const before = Y.encodeStateVector(other);
    other.getText('body').insert(other.getText('body').length, ' Internet governance is the development and application of shared principles.');
    Y.applyUpdate(member.doc, Y.encodeStateAsUpdate(other, before), member.provider);
    // The member's paste after it: larger than the bound, and waiting for that paragraph on the server.
    const paste = ' The Working Group recognizes the respective roles of every stakeholder.'.repeat(80);
    member.doc.getText('body').insert(member.doc.getText('body').length, paste);

    await waitFor(() => events().includes('update.waiting_refused'), 10_000, 'the refusal');
    await member.settled();
    const reader = client(server.url);
    await reader.settled();
    expect(reader.doc.getText('body').toString()).toBe(member.doc.getText('body').toString());
    expect(reader.doc.getText('body').toString()).toContain('shared principles.' + paste);
  });
});

describe('a member whose copy keeps changes waiting for one nobody has sent yet', () => {
  it('stays connected and in sync, and sends them on once that change arrives', async () => {
    const { server, events } = await startServer(tempDir());
    // Dee writes a paragraph; Cai, who has it, writes after it for a while; the member got
    // Cai's changes (from another server, say) but not Dee's, which nobody has sent here.
    const dee = new Y.Doc({ gc: false });
    dee.getText('body').insert(0, 'The WGIG report.');
    const cai = new Y.Doc();
    Y.applyUpdate(cai, Y.encodeStateAsUpdate(dee));
    const beforeCai = Y.encodeStateVector(cai);
    for (let i = 0; i < 600; i++) cai.getText('body').insert(cai.getText('body').length, ` Point ${i}.`);
    const member = new Y.Doc({ gc: false });
    Y.applyUpdate(member, Y.encodeStateAsUpdate(cai, beforeCai));
    expect(waitingBytes(member)).toBeGreaterThan(MAX_WAITING_BYTES);

    const link = new ServerLink({ url: server.url, reportId: REPORT, doc: member, backoff: { delayMs: 100, maxDelayMs: 100 } });
    cleanups.push(() => link.close());
    let closes = 0;
    link.onClosed(() => {
      closes += 1;
    });
    // (Were they in her sync step 2, closing her connection for them would repeat forever.)
    await waitFor(() => link.status.state === 'in-sync', 10_000, 'the member in sync');
    expect(events().filter((event) => event.startsWith('update.waiting'))).toEqual([]);

    client(server.url, dee);
    const reader = client(server.url);
    await waitFor(() => reader.doc.getText('body').toString() === cai.getText('body').toString(), 10_000, "Cai's points on the server");
    expect(member.getText('body').toString()).toBe(cai.getText('body').toString());
    await waitFor(() => link.status.state === 'in-sync' && link.status.pending === 0, 10_000, 'the member in sync again');
    expect(closes).toBe(0);
  });
});
