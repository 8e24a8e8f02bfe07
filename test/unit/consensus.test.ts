// Consensus per rule, sections, readiness and the other dimensions, on a real report
// Y.Doc with signed stances, through the engine bound to the doc.
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, endorsementsOf, Origin, writeMeta } from '../../shared/ydoc.ts';
import { updateBlocks } from '../../shared/report-blocks.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import { developmentDimension, memberDimension, regionDimension, type ColumnTally } from '../../shared/consensus/tally.ts';
import { columnState, CONSENSUS_RULES, ruleById } from '../../shared/consensus/rules.ts';
import type { EngineChange } from '../../shared/consensus/engine.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { addReportGroup } from '../../shared/stakeholders.ts';
import { addMember, retireMember } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { blocksOf, deleteBlock, makeReport, REPORT_ID, setParagraphText, take, type TestMember } from './endorsement-fixtures.ts';

// Members 0..7: groups cycle government, private sector, civil society, international organization.
const PARAGRAPHS: [string, string][] = [
  ['h1-a', 'I. Internet governance'], ['p-0001', 'A working definition.'], ['h2-b', 'A. Public policy issues'],
  ['p-0002', 'Administration of the root zone.'], ['p-0003', 'Interconnection costs.'], ['h1-c', 'II. Recommendations'], ['p-0004', 'Create a forum.'],
];

function setup(memberCount = 8) {
  const { doc, members } = makeReport(PARAGRAPHS, memberCount);
  const { engine, stop } = bindConsensusToDoc(doc, blocksOf(doc), new SignatureVerifier(REPORT_ID));
  return { doc, members, engine, stop };
}

/** Every member endorses every block. */
function endorseAll(doc: Y.Doc, members: TestMember[]): void {
  for (const block of blocksOf(doc).blocks) for (const m of members) take(doc, m, block.id, 'endorse');
}

const tally = (fields: Partial<ColumnTally>): ColumnTally => ({ active: 3, endorse: 0, accept: 0, reserve: 0, object: 0, stale: 0, unverified: 0, none: 0, ...fields });

describe('consensus rules', () => {
  const judge = (rule: string, column: ColumnTally, others: ColumnTally[] = []) => columnState(ruleById(rule), column, [column, ...others]);

  it('default: one current endorse and no objection from the group', () => {
    expect(judge('default', tally({ endorse: 1, none: 2 }))).toBe('recognized');
    expect(judge('default', tally({ endorse: 2, object: 1 }))).toBe('objection');
    expect(judge('default', tally({ endorse: 1, reserve: 1, none: 1 }))).toBe('recognized');
    expect(judge('default', tally({ accept: 3 }))).toBe('partly');
    expect(judge('default', tally({ stale: 2, none: 1 }))).toBe('stale-only');
    expect(judge('default', tally({ none: 3 }))).toBe('nobody');
    expect(judge('default', tally({ active: 0 }))).toBe('vacant');
    expect(judge('default', tally({ endorse: 1, none: 2 }), [tally({ object: 1 })])).toBe('recognized');
  });

  it('unanimity: no reservations either', () => {
    expect(judge('unanimity', tally({ endorse: 1, none: 2 }))).toBe('recognized');
    expect(judge('unanimity', tally({ endorse: 1, reserve: 1, none: 1 }))).toBe('partly');
  });

  it('no objection: silence is consent, one objection anywhere blocks every group', () => {
    expect(judge('no-objection', tally({ none: 3 }))).toBe('recognized');
    expect(judge('no-objection', tally({ endorse: 3 }), [tally({ object: 1 })])).toBe('partly');
  });

  it('majority: more than half the group endorses or accepts', () => {
    expect(judge('majority', tally({ endorse: 1, accept: 1, none: 1 }))).toBe('recognized');
    expect(judge('majority', tally({ active: 4, endorse: 1, accept: 1, none: 2 }))).toBe('partly');
  });

  it('an unknown rule id falls back to the default', () => {
    expect(ruleById('from-the-future').id).toBe('default');
    expect(CONSENSUS_RULES.map((r) => r.id)).toEqual(['default', 'unanimity', 'no-objection', 'majority']);
  });
});

describe('the engine bound to a report', () => {
  it('recognizes a block when each group endorses it, and an objection blocks it', () => {
    const { doc, members, engine } = setup();
    for (const m of members.slice(0, 4)) take(doc, m, 'p-0001', 'endorse');
    expect(engine.result('p-0001')?.recognized).toBe(true);
    expect(engine.result('p-0001')?.states).toEqual(['recognized', 'recognized', 'recognized', 'recognized']);
    take(doc, members[5]!, 'p-0001', 'object', 'The definition leaves out civil society.');
    expect(engine.result('p-0001')?.states[1]).toBe('objection');
    expect(engine.result('p-0001')?.recognized).toBe(false);
    expect(engine.objectionsStanding()).toBe(1);
  });

  it('sections and readiness follow their blocks; the rule switch changes every figure at once', () => {
    const { doc, members, engine } = setup();
    endorseAll(doc, members.slice(0, 4));
    expect(engine.readiness()).toEqual({ blocks: 7, recognized: 7, share: 1 });
    take(doc, members[6]!, 'p-0003', 'reserve', 'Costs should fall on both ends.');
    expect(engine.readiness().recognized).toBe(7);
    const changes: EngineChange[] = [];
    engine.subscribe((c) => changes.push(c));
    writeMeta(doc, { consensusRule: 'unanimity' });
    expect(changes.at(-1)?.all).toBe(true);
    expect(engine.rule.id).toBe('unanimity');
    expect(engine.readiness().recognized).toBe(6);
    const sectionA = engine.section('h2-b')!;
    expect(sectionA.recognized).toBe(false);
    expect(sectionA.states).toEqual(['recognized', 'recognized', 'partly', 'recognized']);
    expect(sectionA.recognizedBlocks).toEqual([3, 3, 2, 3]);
    expect(engine.section('h1-a')?.recognized).toBe(false);
    expect(engine.section('h1-c')?.recognized).toBe(true);
  });

  it('an edit makes stances stale in every figure at once, and undoing it makes them current again', () => {
    const { doc, members, engine } = setup();
    endorseAll(doc, members.slice(0, 4));
    let blocks = engine.blocks;
    const edit = (text: string): EngineChange => {
      setParagraphText(doc, 'p-0004', text);
      const update = updateBlocks(blocks, yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema));
      blocks = update.index;
      return engine.updateBlocks(blocks, update.changes);
    };
    const change = edit('Create a multi-stakeholder forum.');
    expect([...change.blocks]).toEqual(['p-0004']);
    expect([...change.sections]).toEqual(['h1-c']);
    expect(engine.result('p-0004')?.states).toEqual(['stale-only', 'stale-only', 'stale-only', 'stale-only']);
    expect(engine.readiness().recognized).toBe(6);
    edit('Create a forum.');
    expect(engine.result('p-0004')?.recognized).toBe(true);
  });

  it('a stance whose block is deleted is listed as detached with the block\'s last text, and counts nowhere', () => {
    const { doc, members, engine } = setup();
    take(doc, members[1]!, 'p-0003', 'object', 'Too costly for developing countries.');
    let blocks = engine.blocks;
    for (const change of [() => setParagraphText(doc, 'p-0003', 'Interconnection costs, shared fairly.'), () => deleteBlock(doc, 'p-0003')]) {
      change();
      const update = updateBlocks(blocks, yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema));
      blocks = update.index;
      engine.updateBlocks(blocks, update.changes);
    }
    expect(engine.result('p-0003')).toBeUndefined();
    expect(engine.detached().map((d) => [d.stance.memberId, d.stance.endorsement?.text, d.lastText])).toEqual([
      [members[1]!.member.id, 'Interconnection costs.', 'Interconnection costs, shared fairly.'],
    ]);
    expect(engine.objectionsStanding()).toBe(0);
    expect(engine.readiness().blocks).toBe(6);
  });

  it('retired members\' stances stay listed, marked retired, and stop counting', () => {
    const { doc, members, engine } = setup();
    take(doc, members[1]!, 'p-0001', 'endorse');
    expect(engine.result('p-0001')?.states[1]).toBe('recognized');
    retireMember(doc, members[1]!.member.id);
    expect(engine.stancesOn('p-0001').map((s) => s.status)).toEqual(['retired']);
    expect(engine.result('p-0001')?.states[1]).toBe('nobody');
    expect(engine.result('p-0001')?.tally[1]?.active).toBe(1);
  });

  it('a malicious peer\'s writes count for nothing and show as unverified', () => {
    const { doc, members, engine } = setup();
    const honest = take(doc, members[2]!, 'p-0002', 'endorse');
    const before = engine.readiness();
    const forger = generateKeyPair();
    doc.transact(() => {
      const map = endorsementsOf(doc);
      map.set(endorsementKey('p-0001', members[2]!.member.id), honest);
      map.set(endorsementKey('p-0002', members[3]!.member.id), { ...honest, memberId: members[3]!.member.id });
      map.set(endorsementKey('p-0003', members[1]!.member.id), { ...honest, blockId: 'p-0003', memberId: members[1]!.member.id, signature: forger.publicKey.repeat(2) });
    }, Origin.remote);
    doc.transact(() => endorsementsOf(doc).set('no-colon-here', honest), Origin.remote);
    expect(engine.stance('no-colon-here')).toBeUndefined();
    expect(engine.unverified().map((s) => s.key).sort()).toEqual([
      endorsementKey('p-0001', members[2]!.member.id), endorsementKey('p-0002', members[3]!.member.id), endorsementKey('p-0003', members[1]!.member.id),
    ].sort());
    expect(engine.readiness()).toEqual(before);
    expect(engine.result('p-0001')?.tally.reduce((n, c) => n + c.endorse, 0)).toBe(0);
    expect(engine.result('p-0002')?.tally[3]).toMatchObject({ endorse: 0, unverified: 1 });
  });

  it('a report\'s own stakeholder group becomes a column', () => {
    const { doc, engine } = setup(4);
    addReportGroup(doc, { id: 'academic-technical', label: 'Academic and technical community', short: 'A&T' });
    expect(engine.columns.map((c) => c.short)).toEqual(['Gov', 'Priv', 'CS', 'IO', 'A&T']);
    addMember(doc, { id: 'm-at', name: 'Scholar', group: 'academic-technical', region: 'african', development: 'developing', gender: 'woman', role: 'member', publicKey: generateKeyPair().publicKey });
    expect(engine.result('p-0001')?.states[4]).toBe('nobody');
  });

  it('counts by region, development status or member from the same code', () => {
    const { doc, members } = setup(6);
    take(doc, members[0]!, 'p-0001', 'endorse');
    const verifier = new SignatureVerifier(REPORT_ID);
    const byRegion = bindConsensusToDoc(doc, blocksOf(doc), verifier, { dimension: regionDimension }).engine;
    expect(byRegion.result('p-0001')?.tally.map((t) => [t.active, t.endorse])).toEqual([[2, 1], [1, 0], [1, 0], [1, 0], [1, 0]]);
    const byDevelopment = bindConsensusToDoc(doc, blocksOf(doc), verifier, { dimension: developmentDimension }).engine;
    expect(byDevelopment.columns.map((c) => c.id)).toEqual(['developing', 'developed']);
    expect(byDevelopment.result('p-0001')?.tally.map((t) => t.active)).toEqual([2, 4]);
    const byMember = bindConsensusToDoc(doc, blocksOf(doc), verifier, { dimension: memberDimension }).engine;
    expect(byMember.columns).toHaveLength(6);
    expect(byMember.result('p-0001')?.states[0]).toBe('recognized');
  });
});
