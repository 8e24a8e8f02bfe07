/** Rationing wrong meeting codes (wrong-code-limiter.ts), on a clock the test moves. */
import { describe, expect, it } from 'vitest';
import { WrongCodeLimiter } from '../../main/services/sync/wrong-code-limiter.ts';

function limiter() {
  let now = 0;
  const l = new WrongCodeLimiter({ perAddress: 3, windowMs: 60_000, overall: 5, overallWindowMs: 600_000 }, () => now);
  return { l, advance: (ms: number) => { now += ms; } };
}

describe('wrong meeting codes', () => {
  it('an address that tried too many is refused until the oldest of them is a window old', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 2; i++) l.wrong('10.0.0.7');
    expect(l.refusal('10.0.0.7')).toBeNull();
    advance(10_000);
    l.wrong('10.0.0.7');
    expect(l.refusal('10.0.0.7')).toMatch(/wait a minute/);
    expect(l.refusal('10.0.0.8')).toBeNull(); // others are not held up
    advance(49_999);
    expect(l.refusal('10.0.0.7')).toMatch(/wait a minute/);
    advance(1);
    expect(l.refusal('10.0.0.7')).toBeNull();
  });

  it('many addresses together close the meeting to new attempts until the overall window frees', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 5; i++) l.wrong(`10.0.1.${i}`);
    expect(l.refusal('10.0.2.1')).toMatch(/no new guests/);
    advance(600_000);
    expect(l.refusal('10.0.2.1')).toBeNull();
  });
});
