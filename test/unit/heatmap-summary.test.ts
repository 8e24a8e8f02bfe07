import { describe, expect, it } from 'vitest';
import { fixture, reportDoc, standardStances, TEXTS } from './heatmap-fixtures.ts';
import { diffBlocks, extractBlocks, sectionsOf } from '../../shared/report-blocks.ts';
import { sectionRecognizedByAll, sectionResult } from '../../shared/consensus/sections.ts';
import { ParticipationTracker, memberFollowUps, unreviewedByColumn } from '../../shared/heatmap/participation.ts';
import { BalanceError, balanceGaps, readBalanceTargets, rosterBalance, writeBalanceTarget } from '../../shared/heatmap/balance.ts';
import { heatmapCsv, CSV_HEADER } from '../../shared/heatmap/csv.ts';
import { heatmapSvg } from '../../shared/heatmap/svg.ts';
import { DEFAULT_FILTERS, heatmapRows } from '../../shared/heatmap/rows.ts';
import { readRoster } from '../../shared/roster.ts';
import { reportGroups } from '../../shared/stakeholders.ts';
import { metaOf } from '../../shared/ydoc.ts';
import * as Y from 'yjs';

describe('participation gaps', () => {
  it('gives per column the share of paragraphs none of its members reviewed, and follows stances', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'group', group: null });
    const tracker = new ParticipationTracker(f.model);
    const share = (): Record<string, number> => Object.fromEntries(tracker.gaps().map((g) => [g.columnId, g.unreviewed]));
    // A stale stance counts as reviewed: government has only the first heading left.
    expect(share()).toEqual({ government: 1, 'private-sector': 2, 'civil-society': 2, 'international-organization': 2 });
    expect(tracker.gaps()[0]!.share).toBeCloseTo(1 / 7);
    const stop = f.engine.subscribe((change) => {
      const rows = f.model.applyChange(change);
      if (rows === 'all') tracker.recount();
      else tracker.update(change.blocks);
    });
    f.stance('h1', 'm2', 'accept');
    stop();
    expect(share().government).toBe(0);
  });

  it('agrees with the engine tallies of every dimension (unreviewedByColumn on each block)', () => {
    const f = fixture();
    standardStances(f);
    f.stance('p3', 'm4', 'object');
    for (const dimension of ['group', 'region', 'development', 'gender', 'member'] as const) {
      f.model.configure({ dimension, group: null });
      const expected = f.model.columns.map(() => 0);
      for (const id of f.engine.blocks.order) {
        f.model.figures(id)!.tally.forEach((tally, i) => {
          if (unreviewedByColumn(tally)) expected[i] = (expected[i] ?? 0) + 1;
        });
      }
      expect(new ParticipationTracker(f.model).gaps().map((g) => g.unreviewed)).toEqual(expected);
    }
  });

  it('counts the same in slices as at once, with a stance arriving in the middle of the count', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'region', group: null });
    const sliced = new ParticipationTracker(f.model, { deferred: true });
    expect(sliced.ready).toBe(false);
    expect(sliced.gaps()).toEqual([]);
    let asked = 0;
    // Two blocks counted, then a pause.
    expect(f.engine.blocks.order.length).toBeGreaterThan(3);
    expect(sliced.recountSome(() => ++asked >= 2)).toBe(false);
    expect(sliced.ready).toBe(false);
    const stop = f.engine.subscribe((change) => {
      const rows = f.model.applyChange(change);
      if (rows !== 'all') sliced.update(change.blocks);
    });
    f.stance('h1', 'm2', 'accept');
    f.stance('p2', 'm3', 'endorse');
    stop();
    while (!sliced.recountSome(() => true));
    expect(sliced.ready).toBe(true);
    expect(sliced.gaps()).toEqual(new ParticipationTracker(f.model).gaps());
  });

  it('switches columns at once from what it read (no recount), and keeps following stances and edits', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'group', group: null });
    const tracker = new ParticipationTracker(f.model);
    const stop = f.engine.subscribe((change) => {
      const rows = f.model.applyChange(change);
      if (rows === 'all') tracker.recount();
      else tracker.update(change.blocks);
    });
    const fresh = (): number[] => new ParticipationTracker(f.model).gaps().map((g) => g.unreviewed);
    for (const dimension of ['member', 'region', 'development', 'gender', 'group'] as const) {
      f.model.configure({ dimension, group: null });
      // Known at once: the view shows the new columns' gaps with the switch, not "counting…".
      expect(tracker.columnsChanged()).toBe(true);
      expect(tracker.ready).toBe(true);
      expect(tracker.gaps().map((g) => g.unreviewed)).toEqual(fresh());
    }
    f.model.configure({ dimension: 'member', group: 'government' });
    tracker.columnsChanged();
    expect(tracker.gaps().map((g) => g.unreviewed)).toEqual(fresh());
    f.model.configure({ dimension: 'member', group: null });
    tracker.columnsChanged();
    const before = tracker.gaps().map((g) => g.unreviewed);
    // A stance that leaves every gap as it was keeps the revision (the view redraws nothing).
    let revision = tracker.revision;
    f.stance('p1', 'm1', 'object');
    expect(tracker.revision).toBe(revision);
    // Emi Tanaka (m5) reviews the first heading: her column loses one gap.
    f.stance('h1', 'm5', 'endorse');
    expect(tracker.revision).toBeGreaterThan(revision);
    revision = tracker.revision;
    const emi = f.model.columns.findIndex((c) => c.id === 'm5');
    expect(tracker.gaps()[emi]!.unreviewed).toBe(before[emi]! - 1);
    expect(tracker.gaps().map((g) => g.unreviewed)).toEqual(fresh());
    // A paragraph reviewed by nobody but m1 and m5 (p2) is deleted: every other column loses a gap.
    const texts = { ...TEXTS };
    const withoutP2 = reportDoc(texts);
    const next = extractBlocks(withoutP2.copy(withoutP2.content.cut(0, withoutP2.child(0).nodeSize + withoutP2.child(1).nodeSize).append(withoutP2.content.cut(withoutP2.child(0).nodeSize + withoutP2.child(1).nodeSize + withoutP2.child(2).nodeSize))));
    expect(next.byId.has('p2')).toBe(false);
    f.engine.updateBlocks(next, diffBlocks(f.engine.blocks, next));
    stop();
    expect(tracker.revision).toBeGreaterThan(revision);
    expect(tracker.gaps().map((g) => g.unreviewed)).toEqual(fresh());
    expect(tracker.gaps()[0]!.paragraphs).toBe(6);
  });

  it('lists each member\'s unreviewed paragraphs in report order, most behind first', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'development', group: null });
    const follow = memberFollowUps(f.model, readRoster(f.doc));
    expect(follow.map((m) => [m.name, m.unreviewed])).toEqual([
      ['Bernd Weber', ['h1', 'p2']],
      ['Carla Souza', ['h1', 'p2']],
      ['Dawit Bekele', ['h1', 'p2']],
      ['Emi Tanaka', ['h1', 'p1']],
      ['Amina Diallo', ['h1']],
    ]);
    expect(follow.find((m) => m.name === 'Dawit Bekele')!.columnId).toBe('developing');
  });
});

describe('sections recognized by every group (the summary band)', () => {
  it('counts a section as sectionResult does, before and after it becomes recognized', () => {
    const f = fixture();
    standardStances(f);
    const same = (): void => {
      for (const section of sectionsOf(f.engine.blocks)) {
        const full = sectionResult(section, f.engine.columns.length, (id) => f.engine.result(id)).recognized;
        expect(sectionRecognizedByAll(section, (id) => f.engine.result(id))).toBe(full);
      }
    };
    same();
    expect(sectionsOf(f.engine.blocks).every((s) => sectionRecognizedByAll(s, (id) => f.engine.result(id)))).toBe(false);
    for (const id of f.engine.blocks.order) for (const m of ['m1', 'm2', 'm3', 'm4', 'm5']) f.stance(id, m, 'endorse');
    same();
    expect(sectionsOf(f.engine.blocks).every((s) => sectionRecognizedByAll(s, (id) => f.engine.result(id)))).toBe(true);
  });
});

describe('roster balance', () => {
  it('counts members who take stances per category against the chair\'s targets', () => {
    const f = fixture();
    const groups = reportGroups(f.doc);
    writeBalanceTarget(f.doc, groups, 'gender', 'woman', 4);
    writeBalanceTarget(f.doc, groups, 'region', 'african', 2);
    writeBalanceTarget(f.doc, groups, 'group', 'civil-society', 2);
    const tables = rosterBalance(readRoster(f.doc), groups, readBalanceTargets(f.doc));
    const line = (dimension: string, id: string) => tables.find((t) => t.dimension === dimension)!.lines.find((l) => l.category.id === id)!;
    expect(line('group', 'government').count).toBe(2);
    expect(line('group', 'civil-society')).toMatchObject({ count: 1, target: 2, shortBy: 1 }); // the observer does not count
    expect(line('development', 'developing').count).toBe(3);
    expect(line('region', 'african')).toMatchObject({ count: 2, target: 2, shortBy: 0 });
    expect(balanceGaps(tables).map((g) => `${g.dimension}:${g.line.category.id}:${g.line.shortBy}`)).toEqual(['group:civil-society:1', 'gender:woman:1']);
    writeBalanceTarget(f.doc, groups, 'gender', 'woman', null);
    expect(readBalanceTargets(f.doc).gender).toEqual({});
  });

  it('refuses bad targets with a message and leaves the doc as it was', () => {
    const f = fixture();
    const groups = reportGroups(f.doc);
    writeBalanceTarget(f.doc, groups, 'region', 'african', 3);
    const before = Y.encodeStateAsUpdate(f.doc);
    expect(() => writeBalanceTarget(f.doc, groups, 'region', 'african', -1)).toThrow(BalanceError);
    expect(() => writeBalanceTarget(f.doc, groups, 'region', 'african', 2.5)).toThrow(/whole number/);
    expect(() => writeBalanceTarget(f.doc, groups, 'region', 'atlantis', 2)).toThrow(/not one of the region/);
    expect(() => writeBalanceTarget(f.doc, groups, 'shoe-size', 'x', 2)).toThrow(/no balance dimension/);
    expect(Y.encodeStateAsUpdate(f.doc)).toEqual(before);
    metaOf(f.doc).set('balanceTargets', { region: { african: 'many', asia: 2 }, gender: 'x' });
    expect(readBalanceTargets(f.doc)).toEqual({ region: { asia: 2 } });
  });
});

describe('exports', () => {
  it('writes the counts of every section and paragraph per column as CSV', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'group', group: null });
    const lines = heatmapCsv(f.model).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(1 + (3 + 7) * 4);
    expect(lines).toContain('paragraph,1.,The Group met four times.,Civil society,1,1,0,0,0,1,0,0,objection');
    expect(lines).toContain('section,I.,Introduction,Governments,2,3,1,1,0,0,1,3,partly');
  });

  it('quotes commas and quotes, and defuses spreadsheet formulas', () => {
    const f = fixture();
    const next = extractBlocks(reportDoc({ ...TEXTS, p1: '=SUM(A1), "quoted"' }));
    f.engine.updateBlocks(next, diffBlocks(f.engine.blocks, next));
    f.model.configure({ dimension: 'gender', group: null });
    expect(heatmapCsv(f.model)).toContain('paragraph,1.,"\'=SUM(A1), ""quoted""",Woman');
  });

  it('draws an SVG that names every section and escapes text', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'region', group: null });
    const rows = heatmapRows(f.model, DEFAULT_FILTERS, new Set());
    const svg = heatmapSvg(f.model, rows, { title: 'Report <draft> & co', columnsLabel: 'Regions' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const title of ['I. Introduction', 'II. Public policy issues', 'A. Spam']) expect(svg).toContain(title);
    expect(svg).toContain('Report &lt;draft&gt; &amp; co');
    expect(svg).toContain('African States');
    expect(svg).toContain('1 endorse, 0 accept, 0 reserve, 1 object');
  });
});
