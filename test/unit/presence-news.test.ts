// What a screen reader hears when people join or leave the report (renderer/sync-ui/presence-list.ts).
import { describe, expect, it } from 'vitest';
import { whoCameAndWent } from '../../renderer/sync-ui/presence-list.ts';

describe('who came and went', () => {
  it('names up to three people, and counts more', () => {
    expect(whoCameAndWent(['Ana Diaz (government)'], [])).toBe('Ana Diaz (government) joined.');
    expect(whoCameAndWent([], ['Ana Diaz', 'Bo Lin'])).toBe('Ana Diaz and Bo Lin left.');
    expect(whoCameAndWent(['A', 'B', 'C'], [])).toBe('A, B and C joined.');
    expect(whoCameAndWent(['A', 'B', 'C', 'D', 'E'], [])).toBe('5 people joined.');
  });

  it('says both in one sentence each, and nothing when nobody came or went', () => {
    expect(whoCameAndWent(['Carla Mendes'], ['Bo Lin'])).toBe('Carla Mendes joined. Bo Lin left.');
    expect(whoCameAndWent([], [])).toBe('');
  });
});
