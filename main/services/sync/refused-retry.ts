/**
 * When a server that refused a member is asked again: access is often mended on the
 * server's side (the secretariat enters the member's key in its roster, whoever runs it
 * repairs its copy, the member sets their clock right), and the member should not have
 * to notice and connect again by hand. The first call comes after a few minutes, each
 * next one after twice as long, up to an hour: a member refused for good costs the
 * server a handful of log lines a day.
 */
export interface RefusedRetryTimes {
  firstMs: number;
  mostMs: number;
}

export const REFUSED_RETRY: RefusedRetryTimes = { firstMs: 5 * 60_000, mostMs: 60 * 60_000 };

export class RefusedRetry {
  private readonly times: RefusedRetryTimes;
  private nextMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(times: RefusedRetryTimes = REFUSED_RETRY) {
    this.times = times;
    this.nextMs = times.firstMs;
  }

  /** Calls `callAgain` after the next wait, each twice the last. */
  schedule(callAgain: () => void): void {
    this.cancel();
    this.timer = setTimeout(callAgain, this.nextMs);
    // (A browser host stopping is not held up by a member's retry.)
    this.timer.unref?.();
    this.nextMs = Math.min(this.nextMs * 2, this.times.mostMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Let in, or linked anew by the member: a later refusal waits the first wait again. */
  reset(): void {
    this.cancel();
    this.nextMs = this.times.firstMs;
  }
}
