// Invariants of the consensus math, on random reports: which stances count, what blocks
// recognition, and that the incremental engine always agrees with a fresh computation.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { updateBlocks } from '../../shared/report-blocks.ts';
import { CONSENSUS_RULES } from '../../shared/consensus/rules.ts';
import {
  BLOCK_IDS, MEMBER_COUNT, STANCES, blocksFor, docOf, engineFor, keyOf, rosterOf, snapshot, valueOf, type StanceSpec,
} from './consensus-fixtures.ts';

const RULES = CONSENSUS_RULES.map((r) => r.id);
const specArb: fc.Arbitrary<StanceSpec> = fc.record({
  b: fc.integer({ min: 0, max: BLOCK_IDS.length - 1 }),
  m: fc.integer({ min: 0, max: MEMBER_COUNT - 1 }),
  s: fc.constantFrom(...STANCES),
  v: fc.integer({ min: 0, max: 4 }).map((n) => (n < 4 ? 0 : 1)),
  tampered: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
});
const stateArb = fc.record({
  specs: fc.array(specArb, { minLength: 4, maxLength: 32 }),
  variants: fc.array(fc.integer({ min: 0, max: 3 }).map((n) => (n < 3 ? 0 : 1)), { minLength: BLOCK_IDS.length, maxLength: BLOCK_IDS.length }),
  retired: fc.array(fc.integer({ min: 0, max: 9 }).map((n) => n < 3), { minLength: MEMBER_COUNT, maxLength: MEMBER_COUNT }),
  rule: fc.constantFrom(...RULES),
});
type State = { specs: StanceSpec[]; variants: number[]; retired: boolean[]; rule: string };

/** The stored map: last spec per key wins, as in the Y.Map. */
function storedOf(specs: readonly StanceSpec[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const spec of specs) map.set(keyOf(spec), valueOf(spec));
  return map;
}

function engineOf(state: State, stored = storedOf(state.specs)) {
  return engineFor(blocksFor(state.variants), rosterOf(state.retired), stored, state.rule);
}

const RUNS = { numRuns: 200 };

describe('consensus invariants', () => {
  it('adding an endorse on the current text never lowers readiness, under every rule', () => {
    fc.assert(fc.property(stateArb, fc.integer({ min: 0, max: BLOCK_IDS.length - 1 }), fc.integer({ min: 0, max: MEMBER_COUNT - 1 }), (state, b, m) => {
      const stored = storedOf(state.specs);
      fc.pre(!stored.has(keyOf({ b, m })));
      const before = engineOf(state, stored).readiness().recognized;
      stored.set(keyOf({ b, m }), valueOf({ b, m, s: 'endorse', v: state.variants[b] ?? 0, tampered: false }));
      expect(engineOf(state, stored).readiness().recognized).toBeGreaterThanOrEqual(before);
    }), RUNS);
  });

  it('under the default rule a current objection always blocks its group and the block', () => {
    fc.assert(fc.property(stateArb, (state) => {
      const engine = engineOf({ ...state, rule: 'default' });
      for (const block of engine.blocks.blocks) {
        const result = engine.result(block.id)!;
        result.tally.forEach((column, i) => {
          if (column.object > 0) {
            expect(result.states[i]).toBe('objection');
            expect(result.recognized).toBe(false);
          }
        });
      }
    }), RUNS);
  });

  it('stale stances never count: dropping them changes no recognition', () => {
    fc.assert(fc.property(stateArb, (state) => {
      const stored = storedOf(state.specs);
      const engine = engineOf(state, stored);
      const current = new Map([...stored].filter(([key]) => engine.stance(key)?.status !== 'stale'));
      const without = engineOf(state, current);
      for (const block of engine.blocks.blocks) {
        const a = engine.result(block.id)!;
        const b = without.result(block.id)!;
        expect(a.recognized).toBe(b.recognized);
        expect(a.states.map((s) => (s === 'stale-only' ? 'nobody' : s))).toEqual(b.states);
      }
      expect(engine.readiness()).toEqual(without.readiness());
    }), RUNS);
  });

  it('retired members never count: the same as if they had never been members', () => {
    fc.assert(fc.property(stateArb, (state) => {
      const engine = engineOf(state);
      const activeOnly = state.specs.filter((spec) => !state.retired[spec.m]);
      const roster = new Map([...rosterOf(state.retired)].filter(([, m]) => m.retired === undefined));
      const fresh = engineFor(blocksFor(state.variants), roster, storedOf(activeOnly), state.rule);
      for (const block of engine.blocks.blocks) {
        expect(engine.result(block.id)).toEqual(fresh.result(block.id));
      }
      expect(engine.objectionsStanding()).toBe(fresh.objectionsStanding());
    }), RUNS);
  });

  it('tampered stances never count and are listed as unverified', () => {
    fc.assert(fc.property(stateArb, (state) => {
      const stored = storedOf(state.specs);
      const engine = engineOf(state, stored);
      const honest = new Map([...stored].filter(([key]) => engine.stance(key)?.status !== 'unverified'));
      const tampered = state.specs.filter((s, i) => s.tampered && state.specs.findLastIndex((t) => keyOf(t) === keyOf(s)) === i);
      expect(engine.unverified().map((s) => s.key).sort()).toEqual(tampered.map(keyOf).sort());
      expect(engine.readiness()).toEqual(engineOf(state, honest).readiness());
    }), RUNS);
  });

  it('results do not depend on the order stances or members are read in', () => {
    fc.assert(fc.property(stateArb, fc.integer(), (state, seed) => {
      const stored = storedOf(state.specs);
      const shuffle = <T,>(list: T[]): T[] => {
        const out = [...list];
        let x = seed || 1;
        for (let i = out.length - 1; i > 0; i -= 1) {
          x = (x * 1103515245 + 12345) & 0x7fffffff;
          const j = x % (i + 1);
          [out[i], out[j]] = [out[j] as T, out[i] as T];
        }
        return out;
      };
      const order = shuffle(Array.from({ length: MEMBER_COUNT }, (_, i) => i));
      const a = engineOf(state, stored);
      const b = engineFor(blocksFor(state.variants), rosterOf(state.retired, order), new Map(shuffle([...stored])), state.rule);
      expect(snapshot(b)).toEqual(snapshot(a));
    }), RUNS);
  });

  it('the incremental engine equals a fresh computation after any sequence of changes', () => {
    const opArb = fc.oneof(
      specArb.map((spec) => ({ op: 'set' as const, spec })),
      fc.record({ b: fc.integer({ min: 0, max: BLOCK_IDS.length - 1 }), m: fc.integer({ min: 0, max: MEMBER_COUNT - 1 }) }).map((k) => ({ op: 'delete' as const, ...k })),
      fc.record({ b: fc.integer({ min: 0, max: BLOCK_IDS.length - 1 }), v: fc.integer({ min: -1, max: 1 }) }).map((e) => ({ op: 'edit' as const, ...e })),
      fc.integer({ min: 1, max: MEMBER_COUNT - 1 }).map((m) => ({ op: 'retire' as const, m })),
      fc.integer({ min: 1, max: MEMBER_COUNT - 1 }).map((m) => ({ op: 'rekey' as const, m })),
      fc.constantFrom(...RULES).map((rule) => ({ op: 'rule' as const, rule })),
    );
    fc.assert(fc.property(stateArb, fc.array(opArb, { minLength: 1, maxLength: 15 }), (initial, ops) => {
      const state: State = { ...initial, variants: [...initial.variants], retired: [...initial.retired] };
      const stored = storedOf(state.specs);
      const rekeyed = new Array<boolean>(MEMBER_COUNT).fill(false);
      const roster = () => rosterOf(state.retired, undefined, rekeyed);
      let blocks = blocksFor(state.variants);
      const engine = engineFor(blocks, roster(), stored, state.rule);
      for (const op of ops) {
        if (op.op === 'set') {
          stored.set(keyOf(op.spec), valueOf(op.spec));
          engine.updateStances([keyOf(op.spec)]);
        } else if (op.op === 'delete') {
          stored.delete(keyOf(op));
          engine.updateStances([keyOf(op)]);
        } else if (op.op === 'edit') {
          state.variants[op.b] = op.v;
          const update = updateBlocks(blocks, docOf(state.variants));
          blocks = update.index;
          engine.updateBlocks(blocks, update.changes);
        } else if (op.op === 'retire') {
          state.retired[op.m] = !state.retired[op.m];
          engine.setRoster(roster());
        } else if (op.op === 'rekey') {
          rekeyed[op.m] = !rekeyed[op.m];
          engine.setRoster(roster());
        } else {
          state.rule = op.rule;
          engine.setRule(op.rule);
        }
        const fresh = engineFor(blocks, roster(), stored, state.rule);
        expect(snapshot(engine)).toEqual(snapshot(fresh));
      }
    }), { numRuns: 100 });
  });
});
