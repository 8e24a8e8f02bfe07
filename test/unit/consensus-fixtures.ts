// A small universe of pre-signed stances for property tests: 4 blocks with two text
// variants each, 8 members in 4 groups, every stance signed once up front so that the
// properties exercise consensus math, not Ed25519 (signatures stay real and verified).
import type { Node as PMNode } from 'prosemirror-model';
import { schema } from '../../shared/schema.ts';
import { extractBlocks, type BlockIndex } from '../../shared/report-blocks.ts';
import { signEndorsement, STANCES, type Endorsement, type Stance } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { textHash } from '../../shared/text-hash.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import type { Member, Roster } from '../../shared/roster.ts';
import { ConsensusEngine } from '../../shared/consensus/engine.ts';
import { plainStanceSource } from '../../shared/consensus/doc-binding.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { sectionsOf } from '../../shared/report-blocks.ts';

export const REPORT = 'report-props';
export const BLOCK_IDS = ['h1-s', 'p-b1', 'p-b2', 'p-b3'] as const;
export const MEMBER_COUNT = 8;
const GROUPS = ['government', 'private-sector', 'civil-society', 'international-organization'];

export const textOf = (block: number, variant: number): string => (block === 0 ? `Heading ${variant}` : `Paragraph ${block} version ${variant}.`);

const nodes = new Map<string, PMNode>();

/** Block i's node for text variant v, the same object each time (as ProseMirror shares unchanged nodes). */
function nodeOf(i: number, v: number): PMNode {
  const id = BLOCK_IDS[i] ?? '';
  let node = nodes.get(`${i}/${v}`);
  if (!node) {
    node = i === 0
      ? schema.node('heading', { id, level: 1 }, [schema.text(textOf(i, v))])
      : schema.node('paragraph', { id }, [schema.text(textOf(i, v))]);
    nodes.set(`${i}/${v}`, node);
  }
  return node;
}

/** The doc with each block at its text variant; variant -1 leaves the block out (deleted). */
export function docOf(variants: readonly number[]): PMNode {
  const children = BLOCK_IDS.map((_, i) => variants[i] ?? 0).flatMap((v, i) => (v < 0 ? [] : [nodeOf(i, v)]));
  return schema.node('doc', null, children.length > 0 ? children : [schema.node('paragraph', { id: 'p-empty' })]);
}

export function blocksFor(variants: readonly number[]): BlockIndex {
  return extractBlocks(docOf(variants));
}

const keys = Array.from({ length: MEMBER_COUNT }, () => generateKeyPair());

/** Member i; `rekeyed` gives them another member's key (their stances then fail to verify). */
export function memberOf(i: number, retired = false, rekeyed = false): Member {
  const member: Member = {
    id: `m${i}`, name: `Member ${i}`, group: GROUPS[i % GROUPS.length] ?? 'government', region: 'african',
    development: 'developing', gender: 'woman', role: i === 0 ? 'chair' : 'member', publicKey: keys[rekeyed ? (i + 1) % MEMBER_COUNT : i]?.publicKey ?? '',
  };
  if (retired) member.retired = '2026-11-28T00:00:00.000Z';
  return member;
}

export function rosterOf(retired: readonly boolean[], order?: readonly number[], rekeyed: readonly boolean[] = []): Roster {
  const ids = order ?? Array.from({ length: MEMBER_COUNT }, (_, i) => i);
  return new Map(ids.map((i) => [`m${i}`, memberOf(i, retired[i] ?? false, rekeyed[i] ?? false)]));
}

const signed = new Map<string, Endorsement>();

/** Member `m`'s stance `s` on block `b` given on text variant `v` (signed once, then reused). */
export function stanceOf(b: number, m: number, s: Stance, v: number): Endorsement {
  const id = `${b}/${m}/${s}/${v}`;
  let e = signed.get(id);
  if (!e) {
    const text = textOf(b, v);
    e = signEndorsement(REPORT, {
      blockId: BLOCK_IDS[b] ?? '', memberId: `m${m}`, stance: s, textHash: textHash(text), text,
      note: s === 'reserve' || s === 'object' ? 'Because.' : '', at: '2026-11-28T10:00:00.000Z',
    }, keys[m]?.privateKey ?? '');
    signed.set(id, e);
  }
  return e;
}

/** One stored entry: a real stance, or a tampered one (note altered after signing). */
export interface StanceSpec {
  b: number;
  m: number;
  s: Stance;
  v: number;
  tampered: boolean;
}

const tamperedCopies = new Map<Endorsement, Endorsement>();

export function valueOf(spec: StanceSpec): Endorsement {
  const e = stanceOf(spec.b, spec.m, spec.s, spec.v);
  if (!spec.tampered) return e;
  let copy = tamperedCopies.get(e);
  if (!copy) tamperedCopies.set(e, (copy = { ...e, note: `${e.note} (edited)`, stance: e.stance === 'endorse' ? 'accept' : 'endorse' }));
  return copy;
}

export function keyOf(spec: { b: number; m: number }): string {
  return endorsementKey(BLOCK_IDS[spec.b] ?? '', `m${spec.m}`);
}

export { STANCES };

/** One verifier for the whole test file: each signature is checked once across all runs. */
export const verifier = new SignatureVerifier(REPORT);

export function engineFor(blocks: BlockIndex, roster: Roster, stances: ReadonlyMap<string, unknown>, rule = 'default'): ConsensusEngine {
  return new ConsensusEngine({ blocks, roster, stances: plainStanceSource(stances), verifier, rule });
}

/** Everything an engine says, as plain data, for comparing two engines. */
export function snapshot(engine: ConsensusEngine): unknown {
  return {
    rule: engine.rule.id,
    columns: engine.columns.map((c) => c.id),
    blocks: engine.blocks.blocks.map((b) => [b.id, engine.result(b.id)]),
    sections: sectionsOf(engine.blocks).map((s) => engine.section(s.id)),
    readiness: engine.readiness(),
    objections: engine.objectionsStanding(),
    stances: engine.blocks.blocks.map((b) => engine.stancesOn(b.id).map((s) => [s.key, s.status])),
    detached: engine.detached().map((d) => d.stance.key),
    unverified: engine.unverified().map((s) => s.key),
  };
}
