/**
 * A small report for the export tests: every block kind the schema has, marks, a link
 * that must be dropped, characters that need escaping, and numbers across sections.
 * Expected numbers (shared/numbering.ts): paragraphs 1.–7., headings I., II., A., 1., B.
 */
import type * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, endorsementsOf, Origin, writeMeta } from '../../shared/ydoc.ts';
import { addCreatorAsChair, addMember } from '../../shared/roster.ts';
import { signEndorsement, prepareStance } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { memberInputs, REPORT_ID, take, contextOf, setParagraphText, type TestMember } from './endorsement-fixtures.ts';
import type { Node as PMNode } from 'prosemirror-model';
import type { ExportMeta } from '../../shared/export/model.ts';
import type { AnnexData } from '../../shared/export/annex.ts';

type J = Record<string, unknown>;
const t = (text: string, ...marks: J[]): J => (marks.length ? { type: 'text', text, marks } : { type: 'text', text });
const p = (id: string, ...content: J[]): J => ({ type: 'paragraph', attrs: { id }, content });
const h = (id: string, level: number, text: string): J => ({ type: 'heading', attrs: { id, level }, content: [t(text)] });
const li = (id: string, ...content: J[]): J => ({ type: 'list_item', attrs: { id }, content });
const bold = { type: 'strong' };
const italic = { type: 'em' };
const link = (href: string): J => ({ type: 'link', attrs: { href, title: null } });

export const fixtureJson = {
  type: 'doc',
  content: [
    p('pre-amble', t('The Working Group was set up by the Secretary-General.')),
    h('sec-intro', 1, 'Introduction'),
    p('para-two', t('The '), t('Tunis', bold), t(' phase & "WSIS" <follow-up>; see '), t('the mandate', link('https://www.wgig.org/mandate')), t('.')),
    p('para-three', t('Members served in their '), t('personal', italic), t(' capacity.')),
    h('sec-policy', 1, 'Public policy issues'),
    h('sec-infra', 2, 'Infrastructure'),
    p('para-four', t('Line one'), { type: 'hard_break' }, t('line two.')),
    { type: 'ordered_list', attrs: { order: 1 }, content: [
      li('item-one', p('item-one-p', t('Interconnection costs'))),
      li('item-two', p('item-two-p', t('Internet stability'))),
    ] },
    p('para-five', t('Administration of the root zone files.')),
    h('sec-costs', 3, 'Costs'),
    { type: 'blockquote', attrs: { id: 'quote-one' }, content: [p('quote-one-p', t('The Internet is a global facility.'))] },
    p('para-six', t('Developing countries pay the full cost of links.')),
    h('sec-security', 2, 'Security'),
    { type: 'bullet_list', content: [
      li('item-spam', p('item-spam-p', t('Spam')), { type: 'bullet_list', content: [li('item-nested', p('item-nested-p', t('Nested point')))] }),
      li('item-cyber', p('item-cyber-p', t('Cybercrime'))),
    ] },
    p('para-seven', t('Unsafe '), t('link text', link('javascript:alert(1)')), t(' stays as text.')),
  ],
};

export function fixtureDoc(): PMNode {
  return schema.nodeFromJSON(fixtureJson);
}

export const fixtureMeta: ExportMeta = {
  id: 'wgig-2005',
  title: 'Report of the Working Group on Internet Governance',
  body: 'Working Group on Internet Governance',
  place: 'Château de Bossey',
  date: '2005-06-18',
  created: '2005-01-01T00:00:00.000Z',
};

/** Annex figures for the writer tests (the consensus engine's own output is tested in export-annex). */
export const fixtureAnnex: AnnexData = {
  ruleLabel: 'At least one endorsement and no objection per group',
  groups: [
    { id: 'government', label: 'Governments' },
    { id: 'civil-society', label: 'Civil society' },
  ],
  sections: [
    { id: '', num: '', title: '', level: 0, cells: { government: 'recognized', 'civil-society': 'none' } },
    { id: 'sec-intro', num: 'I.', title: 'Introduction', level: 1, cells: { government: 'partly', 'civil-society': 'objection' } },
    { id: 'sec-policy', num: 'II.', title: 'Public policy issues', level: 1, cells: { government: 'recognized', 'civil-society': 'partly' } },
  ],
  readiness: 0.25,
  standing: [
    { stance: 'object', blockId: 'para-two', ref: '2.', memberName: 'Ana <Civil> Society', groupLabel: 'Civil society', note: 'The "WSIS" wording & scope.' },
    { stance: 'reserve', blockId: 'para-six', ref: '6.', memberName: 'Gov Member', groupLabel: 'Governments', note: 'Costs need figures.' },
  ],
};

/**
 * The fixture report with eight members (two per group: m0 government (chair), m1
 * private sector, m2 civil society, m3 international organizations, m4…m7 likewise)
 * and stances that exercise every status the annex shows.
 */
export function reportWithStances(): { doc: Y.Doc; members: TestMember[] } {
  const doc = createReportDoc();
  writeMeta(doc, { ...fixtureMeta, id: REPORT_ID, consensusRule: 'default' }, Origin.seed);
  doc.transact(() => prosemirrorJSONToYXmlFragment(schema, fixtureJson, bodyOf(doc)), Origin.seed);
  const members = memberInputs(8).map(({ input, privateKey }) => ({
    member: input.role === 'chair' ? addCreatorAsChair(doc, input, Origin.seed) : addMember(doc, input, Origin.seed),
    privateKey,
  }));
  const [gov, priv, cs, io, gov2, priv2, cs2] = members as [TestMember, TestMember, TestMember, TestMember, TestMember, TestMember, TestMember];
  // Section I: every group endorses every block, but civil society objects to paragraph 2.
  for (const who of [gov, priv, io]) for (const id of ['sec-intro', 'para-two', 'para-three']) take(doc, who, id, 'endorse');
  take(doc, cs, 'sec-intro', 'endorse');
  take(doc, cs, 'para-three', 'endorse');
  take(doc, cs, 'para-two', 'object', 'The "WSIS" follow-up is drawn too narrowly.');
  // Introductory paragraph: government endorses, private sector only accepts.
  take(doc, gov, 'pre-amble', 'endorse');
  take(doc, priv, 'pre-amble', 'accept');
  // Paragraph 6: a reservation that stands.
  take(doc, priv2, 'para-six', 'reserve', 'Cost figures are needed.');
  // Paragraph 5: an objection on an earlier text is stale and must not count.
  take(doc, gov2, 'para-five', 'object', 'Root zone wording.');
  setParagraphText(doc, 'para-five', 'Administration of the root zone files and system.');
  // Paragraph 7: a forged objection (signed with another member's key) must not count.
  const fields = prepareStance(contextOf(doc), { blockId: 'para-seven', memberId: cs2.member.id, stance: 'object', note: 'Forged.' });
  endorsementsOf(doc).set(endorsementKey('para-seven', cs2.member.id), { ...signEndorsement(REPORT_ID, fields, gov.privateKey) });
  return { doc, members };
}
