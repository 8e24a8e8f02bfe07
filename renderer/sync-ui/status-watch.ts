/**
 * The sync status as main last told it, for the dialogs: what Connect and Host a meeting
 * show, and what Connect waits for after asking main to link the report.
 */
import type { SyncStatusView } from '../../shared/sync-requests.ts';

export class StatusWatch {
  private latest: SyncStatusView | null = null;
  private readonly waiters = new Set<(status: SyncStatusView) => void>();

  get current(): SyncStatusView | null {
    return this.latest;
  }

  set(status: SyncStatusView): void {
    this.latest = status;
    for (const waiter of [...this.waiters]) waiter(status);
  }

  /**
   * The first status (the current one included) that `reached` accepts, or null after
   * `ms`; `meanwhile` sees each status until then.
   */
  waitFor(reached: (status: SyncStatusView) => boolean, ms: number, meanwhile?: (status: SyncStatusView) => void): Promise<SyncStatusView | null> {
    return new Promise((resolve) => {
      const done = (status: SyncStatusView | null): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(status);
      };
      const check = (status: SyncStatusView): void => {
        if (reached(status)) done(status);
        else meanwhile?.(status);
      };
      const timer = setTimeout(() => done(null), ms);
      this.waiters.add(check);
      if (this.latest) check(this.latest);
    });
  }
}
