import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf, createReportDoc, endorsementsOf, Origin, writeMeta } from '../../shared/ydoc.ts';
import { addCreatorAsChair, addMember } from '../../shared/roster.ts';
import { signEndorsement, prepareStance } from '../../shared/endorsement.ts';
import { endorsementKey } from '../../shared/endorsement-store.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { annexOfReport } from '../../shared/export/annex-from-consensus.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { renderHtml } from '../../shared/export/html.ts';
import { memberInputs, REPORT_ID, take, contextOf, setParagraphText, type TestMember } from './endorsement-fixtures.ts';
import { fixtureJson, fixtureMeta } from './export-fixture.ts';

/**
 * The fixture report with eight members (two per group: m0 government (chair), m1
 * private sector, m2 civil society, m3 international organizations, m4…m7 likewise)
 * and stances that exercise every status the annex shows.
 */
function reportWithStances(): { doc: Y.Doc; members: TestMember[] } {
  const doc = createReportDoc();
  writeMeta(doc, { id: REPORT_ID, title: fixtureMeta.title, consensusRule: 'default', created: fixtureMeta.created }, Origin.seed);
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

describe('endorsement annex from the consensus engine', () => {
  const { doc } = reportWithStances();
  const pm = yXmlFragmentToProseMirrorRootNode(bodyOf(doc), schema);
  const annex = annexOfReport(doc, pm);

  it('has a row per section with each group\'s status under the report\'s rule', () => {
    expect(annex.groups.map((g) => g.label)).toEqual(['Governments', 'Private sector', 'Civil society', 'International organizations']);
    const row = (num: string) => {
      const section = annex.sections.find((s) => s.num === num && s.level > 0) ?? annex.sections.find((s) => s.level === 0 && num === '');
      return annex.groups.map((g) => section?.cells[g.id]);
    };
    expect(annex.sections.map((s) => `${s.num} ${s.title}`.trim())).toEqual([
      '', 'I. Introduction', 'II. Public policy issues', 'A. Infrastructure', '1. Costs', 'B. Security',
    ]);
    expect(row('')).toEqual(['recognized', 'partly', 'none', 'none']);
    expect(row('I.')).toEqual(['recognized', 'recognized', 'objection', 'recognized']);
    // The stale objection on paragraph 5 counts for nothing: government has no stance.
    expect(row('A.')).toEqual(['none', 'partly', 'none', 'none']);
    expect(row('1.')).toEqual(['none', 'partly', 'none', 'none']);
    expect(row('B.')).toEqual(['none', 'none', 'none', 'none']);
  });

  it('reports readiness as the share of blocks every group recognizes', () => {
    const blocks = extractBlocks(pm).blocks.length;
    // Only the heading and paragraph 3 of section I are recognized by all four groups.
    expect(annex.readiness).toBeCloseTo(2 / blocks, 10);
  });

  it('lists only verified, current reservations and objections, by paragraph number', () => {
    expect(annex.standing).toEqual([
      { stance: 'object', blockId: 'para-two', ref: '2.', memberName: 'Member 2', groupLabel: 'Civil society', note: 'The "WSIS" follow-up is drawn too narrowly.' },
      { stance: 'reserve', blockId: 'para-six', ref: '6.', memberName: 'Member 5', groupLabel: 'Private sector', note: 'Cost figures are needed.' },
    ]);
  });

  it('is what the HTML export prints', () => {
    const html = renderHtml(buildExportDocument({ doc: pm, numbers: blockNumbers(pm), meta: fixtureMeta, options: DEFAULT_EXPORT_OPTIONS, annex }));
    expect(html).toContain('<tr><th scope="row">I. Introduction</th><td class="s-recognized">Recognized</td><td class="s-recognized">Recognized</td><td class="s-objection">Objection</td><td class="s-recognized">Recognized</td></tr>');
    expect(html).toContain('<td>6.</td><td>Reservation</td><td>Member 5</td><td>Private sector</td><td>Cost figures are needed.</td>');
    expect(html).not.toContain('Forged.');
    expect(html).not.toContain('Root zone wording.');
  });
});
