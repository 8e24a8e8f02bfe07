import { describe, expect, it } from 'vitest';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import { schema } from '../../shared/schema.ts';
import { bodyOf } from '../../shared/ydoc.ts';
import { extractBlocks } from '../../shared/report-blocks.ts';
import { annexOfReport } from '../../shared/export/annex-from-consensus.ts';
import { blockNumbers, buildExportDocument, DEFAULT_EXPORT_OPTIONS } from '../../shared/export/model.ts';
import { renderHtml } from '../../shared/export/html.ts';
import { fixtureMeta, reportWithStances } from './export-fixture.ts';

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
