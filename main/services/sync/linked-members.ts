/**
 * A roster edit takes effect on the members linked at the time. Before, a member retired
 * (or made an observer) while linked went on writing until they next connected: for a
 * laptop left open, days. Each member a members-only server lets in is watched against
 * its copy of the report: when the roster or the report's groups change, every member
 * linked to it is decided again, and a link whose access would now differ is ended
 * (server.ts's ACCESS_CHANGED). Its app calls again at once and is decided as things now
 * stand: refused (retired, taken off), read only (made an observer), or writing (an
 * observer made a member). Links decided the same are not touched.
 *
 * Through Redis too: a roster edit made on another process reaches this one's copy as
 * any change does.
 */
import type * as Y from 'yjs';
import type { LinkAccess } from '../../../shared/link-access.ts';
import { metaOf, rosterOf } from '../../../shared/ydoc.ts';
import type { Logger } from './log.ts';
import type { AdmittedLink } from './server.ts';

export interface LinkedMember {
  reportId: string;
  remote: string;
  key: string;
  /** The entry the member's token said is them. */
  claimed: string;
  access: 'write' | 'read';
  link: AdmittedLink;
}

export type DecideAccess = (report: Y.Doc, key: string, claimed: string) => LinkAccess;

/** Returns `watch`, which keeps one admitted member under watch until their link ends. */
export function watchLinkedMembers(decide: DecideAccess, log: Logger): (report: Y.Doc, member: LinkedMember) => void {
  const linked = new WeakMap<Y.Doc, Set<LinkedMember>>();

  const decideAgain = (report: Y.Doc, members: Set<LinkedMember>): void => {
    for (const member of members) {
      let decision: LinkAccess;
      try {
        decision = decide(report, member.key, member.claimed);
      } catch (error) {
        // (On a timer: a throw would end the server. The member keeps the access they had.)
        log('error', 'access.decide_again_failed', { report: member.reportId, key: member.key, reason: (error as Error).message });
        continue;
      }
      const now = 'refused' in decision ? decision.refused : decision.access;
      if (now === member.access) continue;
      members.delete(member);
      log('info', 'access.changed', { report: member.reportId, remote: member.remote, key: member.key, was: member.access, now });
      member.link.decideAgain();
    }
  };

  const membersOf = (report: Y.Doc): Set<LinkedMember> => {
    const known = linked.get(report);
    if (known) return known;
    const watched = new Set<LinkedMember>();
    linked.set(report, watched);
    // After the change's transaction and the roster cache's own observers; once for the
    // edits of one turn (a roster arriving with a member's first sync is many).
    let pending = false;
    const changed = (): void => {
      if (pending || watched.size === 0) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        decideAgain(report, watched);
      }, 0);
    };
    rosterOf(report).observe(changed);
    metaOf(report).observe(changed);
    return watched;
  };

  return (report, member) => {
    const members = membersOf(report);
    members.add(member);
    member.link.onEnded(() => members.delete(member));
  };
}
