/**
 * A meeting's only key is its 6-character code (32^6 ≈ 10^9 codes). Unchecked, someone
 * on the same network could try thousands of codes a second and, over a long meeting,
 * stand a real chance of getting in. So wrong codes are counted:
 * - per address: while `perAddress` wrong codes lie within the last `windowMs`, that
 *   address is refused, right code or not;
 * - in all: while `overall` wrong codes lie within the last `overallWindowMs` (from many
 *   addresses at once), every new attempt is refused; guests already in stay in.
 * With the defaults a guest who mistypes five times waits a minute, and an attacker gets
 * about 300 guesses an hour (one chance in three million) instead of millions.
 */
export interface WrongCodeLimits {
  perAddress: number;
  windowMs: number;
  overall: number;
  overallWindowMs: number;
}

/** How every refusal of this limiter begins (the app recognizes it: refusal-message.ts). */
export const TOO_MANY_WRONG_CODES = 'Too many wrong meeting codes';

export const DEFAULT_WRONG_CODE_LIMITS: WrongCodeLimits = { perAddress: 5, windowMs: 60_000, overall: 50, overallWindowMs: 10 * 60_000 };

export class WrongCodeLimiter {
  private readonly limits: WrongCodeLimits;
  private readonly now: () => number;
  private readonly byAddress = new Map<string, number[]>();
  private overallTimes: number[] = [];

  constructor(limits: WrongCodeLimits = DEFAULT_WRONG_CODE_LIMITS, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  /** Why `address` may not try a code now, or null when it may. */
  refusal(address: string): string | null {
    const now = this.now();
    this.overallTimes = this.overallTimes.filter((t) => now - t < this.limits.overallWindowMs);
    if (this.overallTimes.length >= this.limits.overall) return `${TOO_MANY_WRONG_CODES} were tried; the meeting takes no new guests for a few minutes.`;
    const times = this.recent(address, now);
    if (times.length >= this.limits.perAddress) return `${TOO_MANY_WRONG_CODES} from this computer; wait a minute, then try again.`;
    return null;
  }

  wrong(address: string): void {
    const now = this.now();
    this.byAddress.set(address, [...this.recent(address, now), now]);
    this.overallTimes.push(now);
  }

  private recent(address: string, now: number): number[] {
    const times = (this.byAddress.get(address) ?? []).filter((t) => now - t < this.limits.windowMs);
    if (times.length === 0) this.byAddress.delete(address);
    else this.byAddress.set(address, times);
    return times;
  }
}
