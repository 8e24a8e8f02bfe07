/**
 * Members linked to a members-only server, decided again as the roster changes
 * (linked-members.ts), on a real report document and the real access rule: only a link
 * whose access would now differ is ended, a link that has ended is forgotten, and a
 * decision that fails leaves the link as it was, said in the log, the server running.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { watchLinkedMembers, type DecideAccess } from '../../main/services/sync/linked-members.ts';
import { linkAccess } from '../../shared/link-access.ts';
import { addMember, editMember, readRoster, retireMember, type Member } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import type { AdmittedLink } from '../../main/services/sync/server.ts';
import type { LogFields } from '../../main/services/sync/log.ts';

const person = { group: 'government', region: 'african', development: 'developing', gender: 'woman' } as const;
const byRoster: DecideAccess = (report, key, claimed) => linkAccess(readRoster(report), key, claimed);

/** A connection as the server hands it over: how often it was ended, and its end to call. */
function connection(): AdmittedLink & { ended: number; end(): void } {
  const listeners: Array<() => void> = [];
  const link = {
    ended: 0,
    decideAgain: () => { link.ended += 1; },
    onEnded: (listener: () => void) => { listeners.push(listener); },
    end: () => { for (const listener of listeners) listener(); },
  };
  return link;
}

function linked(doc: Y.Doc, name: string, role: Member['role'] = 'member') {
  const key = generateKeyPair().publicKey;
  const member = addMember(doc, { name, role, publicKey: key, ...person });
  return { member, key, link: connection() };
}

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('linked members decided again', () => {
  it('ends only the links whose access the roster edit changes, once, and forgets links that have ended', async () => {
    const doc = new Y.Doc();
    const logged: Array<{ event: string; fields: LogFields }> = [];
    const watch = watchLinkedMembers(byRoster, (_level, event, fields = {}) => logged.push({ event, fields }));
    const [chair, bo, dee, eve] = [linked(doc, 'Chair', 'chair'), linked(doc, 'Bo'), linked(doc, 'Dee', 'observer'), linked(doc, 'Eve')];
    for (const [one, access] of [[chair, 'write'], [bo, 'write'], [dee, 'read'], [eve, 'write']] as const) {
      watch(doc, { reportId: 'r', remote: '', key: one.key, claimed: '', access, link: one.link });
    }
    eve.link.end();
    doc.transact(() => {
      retireMember(doc, bo.member.id);
      editMember(doc, dee.member.id, { role: 'member' });
      retireMember(doc, eve.member.id);
      editMember(doc, chair.member.id, { name: 'The Chair' });
    });
    await turn();
    expect([chair.link.ended, bo.link.ended, dee.link.ended, eve.link.ended]).toEqual([0, 1, 1, 0]);
    expect(logged.map(({ fields }) => [fields.key, fields.was, fields.now])).toEqual([[bo.key, 'write', 'retired'], [dee.key, 'read', 'write']]);
    // Ended links are watched no more: a later edit does not end them again.
    editMember(doc, chair.member.id, { name: 'The Chair, again' });
    await turn();
    expect(bo.link.ended).toBe(1);
  });

  it('leaves a link as it was, and says so, when the decision itself fails', async () => {
    const doc = new Y.Doc();
    const logged: string[] = [];
    const watch = watchLinkedMembers(() => { throw new Error('roster unreadable'); }, (_level, event) => logged.push(event));
    const bo = linked(doc, 'Bo');
    watch(doc, { reportId: 'r', remote: '', key: bo.key, claimed: '', access: 'write', link: bo.link });
    retireMember(doc, bo.member.id);
    await turn();
    expect(bo.link.ended).toBe(0);
    expect(logged).toEqual(['access.decide_again_failed']);
  });
});
