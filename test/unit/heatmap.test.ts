import { describe, expect, it, vi } from 'vitest';
import { fixture, standardStances } from './heatmap-fixtures.ts';
import { generateKeyPair } from '../../shared/signing.ts';
import { addMember } from '../../shared/roster.ts';
import { describeCounts } from '../../shared/heatmap/cells.ts';
import { DEFAULT_FILTERS, heatmapRows } from '../../shared/heatmap/rows.ts';
import { addTally, emptyCounts } from '../../shared/heatmap/cells.ts';
import { HEATMAP_DIMENSIONS } from '../../shared/heatmap/dimensions.ts';
import { sectionResult } from '../../shared/consensus/sections.ts';
import { CONSENSUS_RULES } from '../../shared/consensus/rules.ts';
import { Origin, writeMeta } from '../../shared/ydoc.ts';
import * as prng from 'lib0/prng';
import type { Stance } from '../../shared/endorsement.ts';

function cellsOf(f: ReturnType<typeof fixture>, blockId: string): Record<string, { e: number; a: number; r: number; o: number; s: number; n: number; of: number }> {
  const out: Record<string, { e: number; a: number; r: number; o: number; s: number; n: number; of: number }> = {};
  f.model.paragraphCells(blockId).forEach((cell, i) => {
    const c = cell.counts;
    out[f.model.columns[i]!.id] = { e: c.endorse, a: c.accept, r: c.reserve, o: c.object, s: c.stale, n: c.none, of: c.members };
  });
  return out;
}

describe('heatmap cells per dimension', () => {
  it('counts stakeholder groups from the engine itself, observers left out', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'group', group: null });
    expect(cellsOf(f, 'p1')).toEqual({
      government: { e: 1, a: 1, r: 0, o: 0, s: 0, n: 0, of: 2 },
      'private-sector': { e: 1, a: 0, r: 0, o: 0, s: 0, n: 0, of: 1 },
      'civil-society': { e: 0, a: 0, r: 0, o: 1, s: 0, n: 0, of: 1 },
      'international-organization': { e: 0, a: 0, r: 0, o: 0, s: 0, n: 1, of: 1 },
    });
    const government = f.model.paragraphCells('p1')[0]!;
    expect(government.endorseShare).toBe(0.5);
    expect(government.acceptShare).toBe(0.5);
    expect(f.model.paragraphCells('p1')[2]!.marks.objection).toBe(true);
    expect(f.model.paragraphCells('p1')[2]!.state).toBe('objection');
    // The same states the gutter shows.
    expect(f.model.figures('p1')!.states).toEqual(f.engine.result('p1')!.states);
  });

  it('counts regions, development status (least developed as developing), gender and members', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'region', group: null });
    expect(cellsOf(f, 'p1').african).toEqual({ e: 1, a: 0, r: 0, o: 1, s: 0, n: 0, of: 2 });
    expect(cellsOf(f, 'p1')['eastern-european']!.of).toBe(0);
    expect(f.model.paragraphCells('p1')[2]!.state).toBe('vacant');
    f.model.configure({ dimension: 'development', group: null });
    expect(cellsOf(f, 'p1')).toEqual({
      developing: { e: 2, a: 0, r: 0, o: 1, s: 0, n: 0, of: 3 },
      developed: { e: 0, a: 1, r: 0, o: 0, s: 0, n: 1, of: 2 },
    });
    expect(cellsOf(f, 'p2').developing).toEqual({ e: 0, a: 0, r: 0, o: 0, s: 1, n: 2, of: 3 });
    f.model.configure({ dimension: 'gender', group: null });
    expect(cellsOf(f, 'p1').woman).toEqual({ e: 2, a: 0, r: 0, o: 0, s: 0, n: 1, of: 3 });
    expect(cellsOf(f, 'p1').man).toEqual({ e: 0, a: 1, r: 0, o: 1, s: 0, n: 0, of: 2 });
    f.model.configure({ dimension: 'member', group: null });
    expect(f.model.columns.map((c) => c.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(cellsOf(f, 'p2').m5).toEqual({ e: 0, a: 0, r: 1, o: 0, s: 0, n: 0, of: 1 });
  });

  it('adds a section up over all its paragraphs, subsections included, with the rule\'s section state', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'group', group: null });
    const intro = f.model.sectionFigures('h1')!;
    expect(intro.cells[0]!.counts).toEqual({ members: 2, paragraphs: 3, endorse: 1, accept: 1, reserve: 0, object: 0, stale: 1, none: 3 });
    expect(describeCounts(intro.cells[0]!.counts)).toBe('1 endorse, 1 accept, 0 reserve, 0 object, 1 stale, 3 no stance of 2 members × 3 paragraphs');
    expect(intro.result.recognized).toBe(false);
    expect(intro.result.objections).toBe(1);
    const policy = f.model.sectionFigures('h2')!;
    expect(policy.result.blocks).toBe(4);
    expect(policy.readiness).toBe(1);
    expect(policy.cells.every((c) => c.state === 'recognized')).toBe(true);
  });

  it('adds a section up as its paragraphs do in every dimension and rule, whether its paragraphs were read first or not', () => {
    const f = fixture();
    const gen = prng.create(4711);
    const stances: Stance[] = ['endorse', 'accept', 'reserve', 'object'];
    for (const block of ['h1', 'p1', 'p2', 'h2', 'p3', 'h3', 'p4']) {
      for (const member of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']) {
        const roll = prng.uint32(gen, 0, 5);
        if (roll === 5) continue;
        // One stance in five on an earlier text (stale).
        f.stance(block, member, prng.oneOf(gen, stances), roll === 4 ? 'An earlier text.' : undefined);
      }
    }
    const sections = f.model.sections();
    let checked = 0;
    for (const rule of CONSENSUS_RULES) {
      writeMeta(f.doc, { consensusRule: rule.id }, Origin.local);
      for (const { id: dimension } of HEATMAP_DIMENSIONS) {
        f.model.configure({ dimension, group: null });
        const counted = sections.map((s) => f.model.sectionFigures(s.id)!);
        // The reference: the section result of its blocks' own figures, and their counts summed.
        sections.forEach((section, i) => {
          const expected = sectionResult(section, f.model.columns.length, (id) => f.model.figures(id));
          expect(counted[i]!.result, `${rule.id} / ${dimension} / ${section.id}`).toEqual(expected);
          const sums = f.model.columns.map((_, c) => emptyCounts(f.model.columnMembers()[c] ?? 0, expected.blocks));
          for (const id of section.blockIds) f.model.figures(id)!.tally.forEach((t, c) => addTally(sums[c]!, t));
          expect(counted[i]!.cells.map((cell) => cell.counts)).toEqual(sums);
          checked += 1;
        });
        // Counted again with some paragraphs' own figures already made (an expanded section).
        f.model.configure({ dimension, group: null });
        f.model.figures('p1');
        f.model.figures('p4');
        sections.forEach((section, i) => expect(f.model.sectionFigures(section.id)).toEqual(counted[i]));
      }
    }
    expect(checked).toBe(CONSENSUS_RULES.length * HEATMAP_DIMENSIONS.length * sections.length);
    // A stance arriving in a subsection changes it and the section around it, and nothing else.
    f.model.configure({ dimension: 'member', group: null });
    const before = sections.map((s) => f.model.sectionFigures(s.id)!);
    f.stance('p4', 'm1', 'object');
    f.stance('p4', 'm2', 'reserve');
    sections.forEach((section, i) => {
      const after = f.model.sectionFigures(section.id)!;
      expect(after.result).toEqual(sectionResult(section, f.model.columns.length, (id) => f.model.figures(id)));
      if (section.id === 'h1') expect(after).toBe(before[i]);
      else expect(after.result.objections).toBeGreaterThan(before[i]!.result.objections);
    });
  });

  it('keeps each set of columns\' figures across switches, made ahead in idle time, until a stance or a roster change names them', () => {
    const f = fixture();
    standardStances(f);
    const rows = [...f.model.sections().map((s) => ({ kind: 'section' as const, id: s.id })), { kind: 'paragraph' as const, id: 'p1' }];
    // What each switch position shows, counted by a model that never prepared anything.
    const fresh = (): Map<string, unknown> => {
      const other = fixture();
      standardStances(other);
      return new Map(HEATMAP_DIMENSIONS.map(({ id }) => {
        other.model.configure({ dimension: id, group: null });
        return [id, rows.map((r) => (r.kind === 'section' ? other.model.sectionFigures(r.id) : other.model.paragraphCells(r.id)))];
      }));
    };
    const shown = (): Map<string, unknown> => new Map(HEATMAP_DIMENSIONS.map(({ id }) => {
      f.model.configure({ dimension: id, group: null });
      return [id, rows.map((r) => (r.kind === 'section' ? f.model.sectionFigures(r.id) : f.model.paragraphCells(r.id)))];
    }));
    f.model.configure({ dimension: 'group', group: null });
    // Asked to stop at once, it makes nothing and says it is not done; then everything.
    expect(f.model.prepareFigures(rows, () => true)).toBe(false);
    expect(f.model.prepareFigures(rows, () => false)).toBe(true);
    expect(f.model.settings.dimension).toBe('group');
    // The switch reads no stance: every row's figures were made ahead.
    const reads = vi.spyOn(f.engine, 'blockStances');
    f.model.configure({ dimension: 'member', group: null });
    for (const row of rows) if (row.kind === 'section') f.model.sectionFigures(row.id);
    f.model.paragraphCells('p1');
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    const prepared = f.model.sectionFigures('h1');
    expect(shown()).toEqual(fresh());
    // The same objects: made ahead, not counted again at the switch.
    f.model.configure({ dimension: 'member', group: null });
    expect(f.model.sectionFigures('h1')).toBe(prepared);
    // A stance arriving while other columns are shown reaches the kept figures of every set.
    f.model.configure({ dimension: 'region', group: null });
    f.stance('p1', 'm5', 'object');
    f.model.configure({ dimension: 'member', group: null });
    expect(f.model.sectionFigures('h1')).not.toBe(prepared);
    expect(f.model.sectionFigures('h1')!.result.objections).toBe(prepared!.result.objections + 1);
    // A new member (the roster changed) is a new column in the member set.
    addMember(f.doc, { id: 'm7', name: 'Grace Okafor', group: 'government', region: 'african', development: 'developing', gender: 'woman', role: 'member', publicKey: generateKeyPair().publicKey }, Origin.seed);
    f.model.configure({ dimension: 'member', group: null });
    expect(f.model.columns.map((c) => c.id)).toContain('m7');
    expect(f.model.sectionFigures('h1')!.cells).toHaveLength(f.model.columns.length);
  });

  it('restricts every dimension to one stakeholder group', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'region', group: 'government' });
    expect(cellsOf(f, 'p1').african).toEqual({ e: 1, a: 0, r: 0, o: 0, s: 0, n: 0, of: 1 });
    expect(cellsOf(f, 'p1')['western-european-other']).toEqual({ e: 0, a: 1, r: 0, o: 0, s: 0, n: 0, of: 1 });
    f.model.configure({ dimension: 'group', group: 'civil-society' });
    expect(f.model.columns.map((c) => c.id)).toEqual(['civil-society']);
    f.model.configure({ dimension: 'member', group: 'government' });
    expect(f.model.columns.map((c) => c.id)).toEqual(['m1', 'm2']);
  });

  it('follows a stance arriving: names the block and its sections, and the cell changes', () => {
    const f = fixture();
    standardStances(f);
    f.model.configure({ dimension: 'gender', group: null });
    expect(f.model.sectionFigures('h1')!.cells[1]!.counts.endorse).toBe(0);
    let rows: Set<string> | 'all' = new Set();
    const stop = f.engine.subscribe((change) => (rows = f.model.applyChange(change)));
    f.stance('p2', 'm2', 'endorse');
    stop();
    expect(rows).toEqual(new Set(['p2', 'h1']));
    expect(cellsOf(f, 'p2').man!.e).toBe(1);
    expect(f.model.sectionFigures('h1')!.cells[1]!.counts.endorse).toBe(1);
  });
});

describe('heatmap rows', () => {
  it('lists sections in order with UN numbers, expandable to their own paragraphs', () => {
    const f = fixture();
    const rows = heatmapRows(f.model, DEFAULT_FILTERS, new Set(['h2']));
    expect(rows.map((r) => `${r.kind[0]}:${r.number}:${r.id}`)).toEqual(['s:I.:h1', 's:II.:h2', 'p:II.:h2', 'p:3.:p3', 's:A.:h3']);
    expect(rows.find((r) => r.id === 'p3')!.title).toBe('Interconnection costs fall unevenly.');
  });

  it('filters to rows that block consensus and hides rows everyone recognizes', () => {
    const f = fixture();
    standardStances(f);
    const all = new Set(['h1', 'h2', 'h3']);
    expect(heatmapRows(f.model, { ...DEFAULT_FILTERS, blockingOnly: true }, all).map((r) => r.id)).toEqual(['h1', 'p1', 'p2']);
    expect(heatmapRows(f.model, { ...DEFAULT_FILTERS, hideRecognized: true }, all).map((r) => r.id)).toEqual(['h1', 'h1', 'p1', 'p2']);
  });

  it('sorts sections least ready first, report order breaking ties', () => {
    const f = fixture();
    for (const block of ['h1', 'p1', 'p2']) for (const m of ['m1', 'm2', 'm3', 'm4', 'm5']) f.stance(block, m, 'endorse');
    expect(heatmapRows(f.model, DEFAULT_FILTERS, new Set()).map((r) => r.id)).toEqual(['h1', 'h2', 'h3']);
    expect(heatmapRows(f.model, { ...DEFAULT_FILTERS, sort: 'readiness' }, new Set()).map((r) => r.id)).toEqual(['h2', 'h3', 'h1']);
  });
});
