/**
 * The working group's roster: one record per member in the Y.Doc's 'roster' map,
 * memberId → Member (a plain object, rewritten whole on every edit, so concurrent edits
 * of one member resolve to one complete record, never a mix).
 *
 * - Retiring a member keeps the record with a `retired` time: their past stances stay in
 *   the record, shown as retired, and never count. Records are never deleted.
 * - The report's creator is its chair (`addCreatorAsChair`); there is one active chair.
 * - `publicKey` is the member's Ed25519 key (hex; base64 accepted on input) against which
 *   their stances are verified; "" while nobody has claimed the entry yet (a member the
 *   secretariat entered before they installed Plenary): such an entry verifies no
 *   stance until its member says "I am …" (roster-claim.ts). `chairSignature` is
 *   reserved for chair-signed rosters.
 *
 * Every writer validates first and throws RosterError with a message for the user; the
 * doc is then unchanged. Readers skip malformed stored entries (a peer may write
 * anything) and `rosterProblems` lists them.
 */
import type * as Y from 'yjs';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { metaOf, Origin, rosterOf, type OriginName } from './ydoc.ts';
import {
  DEVELOPMENT_STATUSES, GENDERS, REGIONS, ROLES, findCategory, reportGroups,
  type Category, type RoleId,
} from './stakeholders.ts';
import { normalizePublicKey } from './signing.ts';

export interface Member {
  id: string;
  name: string;
  /** A stakeholder group id (built-in or added by the report). */
  group: string;
  /** A UN regional group id (`REGIONS`). */
  region: string;
  /** `DEVELOPMENT_STATUSES` id. */
  development: string;
  /** `GENDERS` id. */
  gender: string;
  role: RoleId;
  /** Ed25519 public key, lower-case hex; "" while the entry is unclaimed. */
  publicKey: string;
  /** ISO time the member was retired; absent while active. */
  retired?: string;
  /** The chair's signature over this record (chair-signed rosters, later). */
  chairSignature?: string;
}

/** What a caller gives to add a member; the id is generated when absent. */
export type MemberInput = Omit<Member, 'id' | 'retired' | 'chairSignature'> & { id?: string };

export type Roster = ReadonlyMap<string, Member>;

export class RosterError extends Error {
  override name = 'RosterError';
}

const MEMBER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isMemberId(value: unknown): value is string {
  return typeof value === 'string' && MEMBER_ID.test(value);
}
const MAX_NAME = 200;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

export function newMemberId(): string {
  return `m-${bytesToHex(randomBytes(8))}`;
}

function oneOf(list: readonly Category[], value: unknown, what: string, problems: string[]): string {
  if (typeof value === 'string' && findCategory(list, value)) return value;
  problems.push(`${what} must be one of: ${list.map((c) => c.label).join(', ')}.`);
  return '';
}

/**
 * Checks a member record; returns it cleaned (trimmed name, hex key, only known fields)
 * with the list of problems, empty when the record is valid.
 */
export function checkMember(value: unknown, groups: readonly Category[]): { member: Member; problems: string[] } {
  const problems: string[] = [];
  const record = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  if (!value || typeof value !== 'object') problems.push('A member must be a record.');
  const id = typeof record.id === 'string' ? record.id : '';
  if (!MEMBER_ID.test(id)) problems.push('A member id is 1–64 letters, digits, dashes or underscores.');
  const name = typeof record.name === 'string' ? record.name.trim() : '';
  if (name === '' || name.length > MAX_NAME) problems.push(`A member's name is 1–${MAX_NAME} characters.`);
  const group = oneOf(groups, record.group, 'Stakeholder group', problems);
  const region = oneOf(REGIONS, record.region, 'Region', problems);
  const development = oneOf(DEVELOPMENT_STATUSES, record.development, 'Development status', problems);
  const gender = oneOf(GENDERS, record.gender, 'Gender', problems);
  const role = oneOf(ROLES, record.role, 'Role', problems) as RoleId;
  const unclaimed = record.publicKey === '' || record.publicKey === undefined;
  const publicKey = unclaimed ? '' : normalizePublicKey(record.publicKey);
  if (publicKey === null) problems.push('The public key must be an Ed25519 public key (64 hex characters or base64).');
  const member: Member = { id, name, group, region, development, gender, role, publicKey: publicKey ?? '' };
  if (record.retired !== undefined) {
    if (isIsoTime(record.retired)) member.retired = record.retired;
    else problems.push('A retirement time must be an ISO time (UTC).');
  }
  if (record.chairSignature !== undefined) {
    if (typeof record.chairSignature === 'string' && /^[0-9a-f]{128}$/.test(record.chairSignature)) {
      member.chairSignature = record.chairSignature;
    } else {
      problems.push('A chair signature must be 128 hex characters.');
    }
  }
  return { member, problems };
}

/** Every well-formed member, retired ones included, by id. */
export function readRoster(doc: Y.Doc): Roster {
  const groups = reportGroups(doc);
  const roster = new Map<string, Member>();
  for (const [key, value] of rosterOf(doc).entries()) {
    const { member, problems } = checkMember(value, groups);
    if (problems.length === 0 && member.id === key) roster.set(key, member);
  }
  return roster;
}

/** Stored entries `readRoster` skips, with why. */
export function rosterProblems(doc: Y.Doc): { id: string; problems: string[] }[] {
  const groups = reportGroups(doc);
  const out: { id: string; problems: string[] }[] = [];
  for (const [key, value] of rosterOf(doc).entries()) {
    const { member, problems } = checkMember(value, groups);
    if (member.id !== key) problems.push(`Stored under "${key}" but its id is "${member.id}".`);
    if (problems.length > 0) out.push({ id: key, problems });
  }
  return out;
}

export function isActive(member: Member): boolean {
  return member.retired === undefined;
}

/**
 * The active members but the one holding `myKey`, by name: who the user makes changes
 * files for. (A member with no key yet is included: they may be sent the report first.)
 */
export function colleagueNames(roster: Roster, myKey: string | null): string[] {
  const mine = myKey === null ? null : normalizePublicKey(myKey);
  return [...roster.values()]
    .filter((member) => isActive(member) && (mine === null || member.publicKey !== mine))
    .map((member) => member.name)
    .sort((a, b) => a.localeCompare(b));
}

export function activeChair(roster: Roster): Member | undefined {
  for (const member of roster.values()) if (member.role === 'chair' && isActive(member)) return member;
  return undefined;
}

/** How a changes file names its sender when they are not on the roster (they have not said which member they are). */
export const UNNAMED_SENDER = 'A Plenary user';

/** The active member holding a public key, if any (the user's own entry, say). */
export function memberByPublicKey(roster: Roster, publicKey: string): Member | undefined {
  const key = normalizePublicKey(publicKey);
  for (const member of roster.values()) if (isActive(member) && member.publicKey === key) return member;
  return undefined;
}

function assertConsistent(member: Member, roster: Roster): void {
  for (const other of roster.values()) {
    if (other.id === member.id || !isActive(other)) continue;
    if (member.publicKey !== '' && other.publicKey === member.publicKey) {
      throw new RosterError(`That public key already belongs to ${other.name}.`);
    }
    if (member.role === 'chair' && other.role === 'chair') {
      throw new RosterError(`${other.name} is already the chair; a report has one chair.`);
    }
  }
}

function store(doc: Y.Doc, member: Member, origin: OriginName): void {
  doc.transact(() => {
    rosterOf(doc).set(member.id, { ...member });
    if (member.role === 'chair' && isActive(member) && member.publicKey !== '') metaOf(doc).set('chairPublicKey', member.publicKey);
  }, origin);
}

function validated(value: unknown, doc: Y.Doc): Member {
  const { member, problems } = checkMember(value, reportGroups(doc));
  if (problems.length > 0) throw new RosterError(problems.join(' '));
  return member;
}

/** Adds a member; throws RosterError (doc unchanged) when the record is invalid or clashes. */
export function addMember(doc: Y.Doc, input: MemberInput, origin: OriginName = Origin.local): Member {
  const member = validated({ ...input, id: input.id ?? newMemberId() }, doc);
  const roster = readRoster(doc);
  if (rosterOf(doc).has(member.id)) throw new RosterError(`There is already a member with id "${member.id}".`);
  assertConsistent(member, roster);
  store(doc, member, origin);
  return member;
}

/** The report's creator enters the roster as its chair. */
export function addCreatorAsChair(doc: Y.Doc, input: Omit<MemberInput, 'role'>, origin: OriginName = Origin.local): Member {
  if (activeChair(readRoster(doc))) throw new RosterError('This report already has a chair.');
  return addMember(doc, { ...input, role: 'chair' }, origin);
}

/** Changes fields of an active member (not its id); throws RosterError (doc unchanged). */
export function editMember(
  doc: Y.Doc,
  id: string,
  changes: Partial<Omit<Member, 'id' | 'retired'>>,
  origin: OriginName = Origin.local,
): Member {
  const roster = readRoster(doc);
  const current = roster.get(id);
  if (!current) throw new RosterError(`No member with id "${id}".`);
  if (!isActive(current)) throw new RosterError(`${current.name} is retired; a retired member's record stays as it was.`);
  const { id: _ignoredId, retired: _ignoredRetired, ...allowed } = changes as Partial<Member>;
  const member = validated({ ...current, ...allowed, id }, doc);
  if (current.role === 'chair' && member.role !== 'chair') {
    throw new RosterError('Hand the chair to another member first (transferChair); the report always has a chair.');
  }
  assertConsistent(member, roster);
  store(doc, member, origin);
  return member;
}

/** Retires a member at `at` (now by default); their record and past stances stay. */
export function retireMember(doc: Y.Doc, id: string, at: string = new Date().toISOString(), origin: OriginName = Origin.local): Member {
  const current = readRoster(doc).get(id);
  if (!current) throw new RosterError(`No member with id "${id}".`);
  if (!isActive(current)) throw new RosterError(`${current.name} is already retired.`);
  if (current.role === 'chair') throw new RosterError('The chair cannot be retired; hand the chair to another member first.');
  if (!isIsoTime(at)) throw new RosterError('A retirement time must be an ISO time (UTC).');
  const member = { ...current, retired: at };
  store(doc, member, origin);
  return member;
}

/** Hands the chair to another active member in one step; the old chair becomes a member. */
export function transferChair(doc: Y.Doc, toId: string, origin: OriginName = Origin.local): void {
  const roster = readRoster(doc);
  const next = roster.get(toId);
  if (!next || !isActive(next)) throw new RosterError(`No active member with id "${toId}".`);
  const previous = activeChair(roster);
  if (previous?.id === toId) return;
  doc.transact(() => {
    if (previous) store(doc, { ...previous, role: 'member' }, origin);
    store(doc, { ...next, role: 'chair' }, origin);
  }, origin);
}
