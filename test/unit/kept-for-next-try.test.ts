/**
 * What a broken-off try leaves for the next (a fetch's parts, a send's mirror, a server's
 * kept copy): the latest few, for a while, each freed when it goes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeptForNextTry } from '../../main/services/sync/kept-for-next-try.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('what is kept for a next try', () => {
  it('is handed over once, and what replaces it, makes way for it, or outlives its time is freed', () => {
    vi.useFakeTimers();
    const freed: string[] = [];
    const kept = new KeptForNextTry<string>({ keepMs: 60_000, most: 2, drop: (value) => freed.push(value) });
    kept.keep('a', 'first try at a');
    kept.keep('a', 'second try at a');
    expect(freed).toEqual(['first try at a']);
    kept.keep('b', 'try at b');
    kept.keep('c', 'try at c');
    // The oldest made way.
    expect(freed).toEqual(['first try at a', 'second try at a']);
    expect(kept.keys()).toEqual(['b', 'c']);
    expect(kept.take('b')).toBe('try at b');
    expect(kept.take('b')).toBeNull();
    vi.advanceTimersByTime(60_000);
    expect(freed).toEqual(['first try at a', 'second try at a', 'try at c']);
    expect(kept.has('c')).toBe(false);
  });

  it('keeping the same thing again does not free it; clearing frees all', () => {
    const freed: object[] = [];
    const mirror = {};
    const kept = new KeptForNextTry<object>({ keepMs: 60_000, most: Infinity, drop: (value) => freed.push(value) });
    kept.keep('ws://server', mirror);
    kept.keep('ws://server', mirror);
    expect(freed).toEqual([]);
    kept.clear();
    expect(freed).toEqual([mirror]);
  });
});
