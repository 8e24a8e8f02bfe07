/**
 * A send in parts after a line dropped starts its mirror where the server is (what it
 * said it holds), so the server does not send the member the whole report first.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mirrorAt } from '../../main/services/sync/send-in-parts.ts';
import { reportParts } from '../../main/services/sync/report-parts.ts';
import { bodyOf, createReportDoc } from '../../shared/ydoc.ts';
import { addParagraphs } from './helpers/add-paragraph.ts';

describe('the mirror of a send in parts', () => {
  it('holds what both the member and the server hold, and the parts cut against it bring the server the rest', () => {
    const server = createReportDoc();
    addParagraphs(server, 50, (i) => `${i + 1}. On the server before the member went away.`);
    const member = createReportDoc();
    Y.applyUpdate(member, Y.encodeStateAsUpdate(server));
    // Written on each side meanwhile: the server has some the member lacks, and the reverse.
    addParagraphs(server, 20, (i) => `${i + 1}. Written by others while the member was away.`);
    addParagraphs(member, 200, (i) => `${i + 1}. Written offline by the member.`);
    // And deleted a paragraph of the shared part.
    bodyOf(member).delete(3, 1);

    const mirror = mirrorAt(member, Y.encodeStateVector(server));
    const shared = Y.decodeStateVector(Y.encodeStateVector(mirror));
    const serverState = Y.decodeStateVector(Y.encodeStateVector(server));
    const memberState = Y.decodeStateVector(Y.encodeStateVector(member));
    for (const [client, clock] of shared) expect(clock).toBe(Math.min(serverState.get(client) ?? 0, memberState.get(client) ?? 0));
    // Nothing of what only the member wrote, nor of what only the server has.
    expect(shared.get(member.clientID)).toBeUndefined();
    expect(Y.encodeStateAsUpdate(server, Y.encodeStateVector(mirror)).length).toBeLessThan(Y.encodeStateAsUpdate(server).length / 3);

    for (const part of reportParts(member, Y.encodeStateVector(mirror), 4 * 1024)) Y.applyUpdate(server, part);
    const merged = createReportDoc();
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(member));
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(server));
    expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(merged));
    expect(bodyOf(server).toJSON()).toBe(bodyOf(merged).toJSON());
  });

  it('is empty for a server that has nothing of the report', () => {
    const member = createReportDoc();
    addParagraphs(member, 10, (i) => `${i + 1}.`);
    const mirror = mirrorAt(member, Y.encodeStateVector(new Y.Doc()));
    expect(Y.encodeStateVector(mirror)).toEqual(Y.encodeStateVector(new Y.Doc()));
  });
});
