/**
 * Holds everything the sync server sends while a group commit is open, and sends it,
 * in order, once the commit is done.
 *
 * Why: the server stores the updates that arrive within one event-loop turn in one
 * SQLite transaction per report (group commit, sync/persistence.ts), committed at the
 * end of the turn. Hocuspocus acknowledges an update (SyncStatus) right after applying
 * it, and a new client's sync step 2 or another server process (Redis) can see it in
 * the document before the turn ends; so from the first update of a turn until its
 * commit, every WebSocket message and every Redis publish waits here. Nobody —
 * neither the sender (its acknowledgement), nor another member, nor another process —
 * receives an update that a killed server could still lose.
 *
 * One queue for all sockets and Redis keeps each destination's messages in the order
 * they were sent.
 */
export class DurableOutbox {
  private held: Array<() => void> = [];
  private holding = false;
  private readonly firsts: Array<() => void> = [];

  /** True while a commit is open: sends wait for it. */
  get isHolding(): boolean {
    return this.holding;
  }

  /** Opens a commit: from now on sends wait until `release`. */
  hold(): void {
    this.holding = true;
  }

  /** Runs `send` now, or once the open commit is done. */
  send(send: () => void): void {
    if (this.holding) this.held.push(send);
    else send();
  }

  /**
   * `send` runs at every release, before the held messages: for what should leave
   * first once a commit is done (the Redis relay: the other processes' members wait
   * for it, and this process's own fan-out of a busy turn takes milliseconds).
   */
  onRelease(send: () => void): void {
    this.firsts.push(send);
  }

  /**
   * The commit is done (or failed, and its reports' connections have been closed, so
   * what was held for them goes nowhere): runs the `onRelease` senders, then sends
   * everything held, in order.
   */
  release(): void {
    this.holding = false;
    for (const send of this.firsts) {
      try {
        send();
      } catch (error) {
        console.error('Sending after a commit failed', error);
      }
    }
    const held = this.held;
    this.held = [];
    for (const send of held) {
      try {
        send();
      } catch {
        // A socket that closed meanwhile: its messages go nowhere, the others still go.
      }
    }
  }
}
