/**
 * A server that refused the member is asked again after a wait that doubles, up to a
 * most, and starts over once the member is let in or links anew.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { RefusedRetry } from '../../main/services/sync/refused-retry.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** When each call came, from the start, for `count` refusals in a row (each call refused again). */
function callTimes(retry: RefusedRetry, count: number): number[] {
  const start = Date.now();
  const calls: number[] = [];
  const refused = (): void => {
    calls.push(Date.now() - start);
    if (calls.length < count) retry.schedule(refused);
  };
  retry.schedule(refused);
  vi.advanceTimersByTime(10 * 60 * 60_000);
  return calls;
}

it('waits twice as long before each next call, up to the most', () => {
  expect(callTimes(new RefusedRetry({ firstMs: 1_000, mostMs: 5_000 }), 5)).toEqual([1_000, 3_000, 7_000, 12_000, 17_000]);
});

it('waits the first wait again after a reset, and calls nobody once cancelled', () => {
  const retry = new RefusedRetry({ firstMs: 1_000, mostMs: 5_000 });
  callTimes(retry, 3);
  retry.reset();
  expect(callTimes(retry, 1)).toEqual([1_000]);
  const called = vi.fn();
  retry.schedule(called);
  retry.cancel();
  vi.advanceTimersByTime(60 * 60_000);
  expect(called).not.toHaveBeenCalled();
});

it('asks again after five minutes at first, and at least once an hour', () => {
  const calls = callTimes(new RefusedRetry(), 8);
  expect(calls[0]).toBe(5 * 60_000);
  const gaps = calls.slice(1).map((at, i) => at - calls[i]!);
  expect(Math.max(...gaps)).toBe(60 * 60_000);
});
