// A small report for the heatmap tests: two sections (one with a subsection), six people
// across groups, regions, development status and gender, and real signed stances in the
// report's Y.Doc, read through the same engine binding the editor uses.
import * as Y from 'yjs';
import type { Node as PMNode } from 'prosemirror-model';
import { schema } from '../../shared/schema.ts';
import { endorsementsOf, Origin, writeMeta } from '../../shared/ydoc.ts';
import { addMember, type MemberInput } from '../../shared/roster.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { signEndorsement, type Stance } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { textHash } from '../../shared/text-hash.ts';
import { extractBlocks, type BlockIndex } from '../../shared/report-blocks.ts';
import { SignatureVerifier } from '../../shared/stance-status.ts';
import { bindConsensusToDoc } from '../../shared/consensus/doc-binding.ts';
import type { ConsensusEngine } from '../../shared/consensus/engine.ts';
import { reportGroups } from '../../shared/stakeholders.ts';
import { HeatmapModel } from '../../shared/heatmap/model.ts';

export const REPORT_ID = 'heatmap-report';

export const TEXTS: Record<string, string> = {
  h1: 'Introduction', p1: 'The Group met four times.', p2: 'It consulted widely.',
  h2: 'Public policy issues', p3: 'Interconnection costs fall unevenly.',
  h3: 'Spam', p4: 'Spam is a global problem.',
};

export function reportDoc(texts: Record<string, string> = TEXTS): PMNode {
  const h = (id: string, level: number): PMNode => schema.node('heading', { id, level }, [schema.text(texts[id] ?? id)]);
  const p = (id: string): PMNode => schema.node('paragraph', { id }, [schema.text(texts[id] ?? id)]);
  return schema.node('doc', null, [h('h1', 1), p('p1'), p('p2'), h('h2', 1), p('p3'), h('h3', 2), p('p4')]);
}

const people: (Omit<MemberInput, 'publicKey'> & { id: string })[] = [
  { id: 'm1', name: 'Amina Diallo', group: 'government', region: 'african', development: 'developing', gender: 'woman', role: 'chair' },
  { id: 'm2', name: 'Bernd Weber', group: 'government', region: 'western-european-other', development: 'developed', gender: 'man', role: 'member' },
  { id: 'm3', name: 'Carla Souza', group: 'private-sector', region: 'latin-american-caribbean', development: 'developing', gender: 'woman', role: 'member' },
  { id: 'm4', name: 'Dawit Bekele', group: 'civil-society', region: 'african', development: 'least-developed', gender: 'man', role: 'member' },
  { id: 'm5', name: 'Emi Tanaka', group: 'international-organization', region: 'asia-pacific', development: 'developed', gender: 'woman', role: 'member' },
  { id: 'm6', name: 'Farid Haddad', group: 'civil-society', region: 'asia-pacific', development: 'developing', gender: 'man', role: 'observer' },
];

export const keys = new Map(people.map((p) => [p.id, generateKeyPair()]));

export interface Fixture {
  doc: Y.Doc;
  blocks: BlockIndex;
  engine: ConsensusEngine;
  model: HeatmapModel;
  stance(blockId: string, memberId: string, stance: Stance, text?: string): void;
}

export function fixture(): Fixture {
  const doc = new Y.Doc({ gc: false });
  writeMeta(doc, { id: REPORT_ID, title: 'Heatmap test report', consensusRule: 'default' }, Origin.seed);
  for (const person of people) addMember(doc, { ...person, publicKey: keys.get(person.id)!.publicKey }, Origin.seed);
  const blocks = extractBlocks(reportDoc());
  const { engine } = bindConsensusToDoc(doc, blocks, new SignatureVerifier(REPORT_ID));
  const model = new HeatmapModel({ engine, roster: () => engine.currentRoster, groups: () => reportGroups(doc) });
  // As the view does: the model keeps figures per set of columns until a change names them.
  engine.subscribe((change) => model.applyChange(change));
  const stance = (blockId: string, memberId: string, s: Stance, text = TEXTS[blockId] ?? ''): void => {
    const endorsement = signEndorsement(REPORT_ID, {
      blockId, memberId, stance: s, textHash: textHash(text), text, note: s === 'reserve' || s === 'object' ? 'Because.' : '', at: '2026-11-28T10:00:00.000Z',
    }, keys.get(memberId)!.privateKey);
    doc.transact(() => endorsementsOf(doc).set(endorsementKey(blockId, memberId), endorsement), Origin.remote);
  };
  return { doc, blocks, engine, model, stance };
}

/** The standard stances: p1 split, p2 one stale and a reservation, p3 and p4 endorsed by all. */
export function standardStances(f: Fixture): void {
  f.stance('p1', 'm1', 'endorse');
  f.stance('p1', 'm2', 'accept');
  f.stance('p1', 'm3', 'endorse');
  f.stance('p1', 'm4', 'object');
  f.stance('p2', 'm1', 'endorse', 'An earlier text.');
  f.stance('p2', 'm5', 'reserve');
  for (const block of ['h2', 'p3', 'h3', 'p4']) for (const m of ['m1', 'm2', 'm3', 'm4', 'm5']) f.stance(block, m, 'endorse');
}
