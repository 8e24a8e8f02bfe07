/**
 * Stances in the Y.Doc: one flat 'endorsements' map, `${blockId}:${memberId}` → record.
 * Flat keys, never nested maps, so two peers who take stances on one block concurrently
 * both keep theirs after merging (two maps created concurrently under one key would
 * lose one of them).
 *
 * Withdrawal deletes the key. A signed "withdrawn" record would prove nothing more: Yjs
 * has no per-key permissions, so any peer able to write can delete or overwrite a key
 * whatever it holds (keeping bad writers out is the sync server's job, by member key).
 * Deleting keeps the map small, and with `gc: false` the withdrawn stance stays in the
 * document's history for named versions.
 *
 * Concurrency within one key. Two stances of one member on one block made concurrently
 * (two devices, offline) both reach every peer; Y.Map shows one of them, chosen by
 * client id, not by time. Plenary shows the *later* one instead: `candidatesAt` returns
 * every value under a key that no later write superseded (the heads of the key's
 * history, read from Yjs's item chain — Yjs 13 internals, kept with the document when
 * `gc` is off), and classification (stance-status.ts) picks the valid candidate with the
 * latest `at` (ties: the greater signature), the same on every peer. A write made after
 * seeing a stance supersedes it, whatever its `at` says, so a wrong clock cannot revive a
 * replaced stance.
 *
 * Known limit, from withdrawal by deletion (Yjs does not record who deleted an item, so
 * a stance withdrawn on one device looks like one that lost a concurrent write): when
 * one member works offline on two devices at once, withdraws a stance on one of them and
 * takes an *older* stance on the same block on the other, the withdrawn stance is shown
 * again after merging. Signed withdrawal records would settle it at the cost of keeping
 * a record per withdrawal; for a member's own two devices this was judged not worth it.
 */
import type * as Y from 'yjs';
import type { Item } from 'yjs';
import { endorsementsOf, Origin, type OriginName } from './ydoc.ts';
import {
  EndorsementError, parseEndorsement, verifyEndorsement, type Endorsement, type StanceContext,
} from './endorsement.ts';

export function endorsementKey(blockId: string, memberId: string): string {
  return `${blockId}:${memberId}`;
}

/** The block and member a key names; null for a key that names none. */
export function parseEndorsementKey(key: string): { blockId: string; memberId: string } | null {
  const colon = key.indexOf(':');
  if (colon <= 0 || colon !== key.lastIndexOf(':') || colon === key.length - 1) return null;
  return { blockId: key.slice(0, colon), memberId: key.slice(colon + 1) };
}

interface MapInternals {
  _map: Map<string, Item>;
}

function lastValue(item: Item): unknown {
  const content = item.content.getContent();
  return content[content.length - 1];
}

/**
 * The values under `key` that no later write superseded: the current value first, then
 * those written concurrently with it. Empty when the key is absent or withdrawn.
 */
export function candidatesAt(map: Y.Map<unknown>, key: string): unknown[] {
  const item = (map as unknown as MapInternals)._map.get(key);
  if (!item || item.deleted) return [];
  if (item.left === null) return [lastValue(item)];
  const chain: Item[] = [];
  const superseded = new Set<string>();
  for (let at: Item | null = item; at; at = at.left) {
    chain.push(at);
    if (at.origin) superseded.add(`${at.origin.client}:${at.origin.clock}`);
  }
  const values = [lastValue(item)];
  for (const other of chain) {
    if (other === item || other.content.getLength() === 0) continue;
    const last = other.lastId;
    if (!superseded.has(`${last.client}:${last.clock}`)) {
      const value = lastValue(other);
      if (value !== undefined) values.push(value);
    }
  }
  return values;
}

/** Every key currently holding a stance (withdrawn keys excluded). */
export function* endorsementKeys(map: Y.Map<unknown>): Iterable<string> {
  for (const [key, item] of (map as unknown as MapInternals)._map) if (!item.deleted) yield key;
}

/**
 * Stores a signed stance after checking it against the report as it is now: well formed,
 * a block that exists with the text the stance was taken on, a member who may take
 * stances, a signature that verifies against that member's key. Throws
 * EndorsementError with a message for the user; the doc is then unchanged.
 */
export function putEndorsement(
  doc: Y.Doc,
  reportId: string,
  value: unknown,
  context: StanceContext,
  origin: OriginName = Origin.local,
): Endorsement {
  const endorsement = parseEndorsement(value);
  if (typeof endorsement === 'string') throw new EndorsementError(endorsement);
  const member = context.roster.get(endorsement.memberId);
  if (!member) throw new EndorsementError('That member is not on this report\'s roster.');
  if (member.retired !== undefined) throw new EndorsementError(`${member.name} is retired and can no longer take stances.`);
  const text = context.blockText(endorsement.blockId);
  if (text === undefined) throw new EndorsementError('That paragraph no longer exists (it may have been deleted by someone else).');
  if (text !== endorsement.text) throw new EndorsementError('The paragraph changed while the stance was being taken; read it again and retake the stance.');
  if (!verifyEndorsement(reportId, endorsement, member.publicKey)) {
    throw new EndorsementError(`The stance's signature does not match ${member.name}'s key.`);
  }
  const e = endorsement;
  // Only the known fields are stored, as a plain object (Y.Map stores those by value).
  const record: Endorsement = {
    blockId: e.blockId, memberId: e.memberId, stance: e.stance, textHash: e.textHash,
    text: e.text, note: e.note, at: e.at, signature: e.signature,
  };
  doc.transact(() => {
    endorsementsOf(doc).set(endorsementKey(e.blockId, e.memberId), record);
  }, origin);
  return record;
}

/** Withdraws a member's stance on a block; false when there was none. */
export function withdrawEndorsement(doc: Y.Doc, blockId: string, memberId: string, origin: OriginName = Origin.local): boolean {
  const map = endorsementsOf(doc);
  const key = endorsementKey(blockId, memberId);
  if (!map.has(key)) return false;
  doc.transact(() => map.delete(key), origin);
  return true;
}
