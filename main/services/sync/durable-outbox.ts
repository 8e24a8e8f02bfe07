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
 * they were sent. The server flushes the turn's broadcasts into the queue before it is
 * released (persistence.ts), so a member gets its acknowledgement and the others'
 * changes of the same turn in one socket write (`outboxSender`).
 */
export class DurableOutbox {
  private held: Array<() => void> = [];
  private holding = false;
  private releasing = false;
  private readonly firsts: Array<() => void> = [];
  private lasts: Array<() => void> = [];

  /** True while a commit is open: sends wait for it. */
  get isHolding(): boolean {
    return this.holding;
  }

  /** Opens a commit: from now on sends wait until `release`. */
  hold(): void {
    this.holding = true;
  }

  /** True while `release` is sending what was held. */
  get isReleasing(): boolean {
    return this.releasing;
  }

  /** Runs `done` once the release under way has sent everything (now, when none is). */
  whenReleased(done: () => void): void {
    if (this.releasing) this.lasts.push(done);
    else done();
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
    this.releasing = true;
    try {
      runEach(this.firsts, (error) => console.error('Sending after a commit failed', error));
      const held = this.held;
      this.held = [];
      // A socket that closed meanwhile: its messages go nowhere, the others still go.
      runEach(held, () => undefined);
    } finally {
      this.releasing = false;
      const lasts = this.lasts;
      this.lasts = [];
      runEach(lasts, () => undefined);
    }
  }
}

/**
 * A socket's send through the outbox. What a release sends to one socket (a turn's
 * acknowledgements and the broadcast of that turn's changes, for a member that typed
 * in it) leaves in ONE write: the socket is corked at the release's first message to it
 * and uncorked once the release is done. At 20 members a report a member whose update
 * shared a turn with others' got two writes (acknowledgement, broadcast) where one does.
 */
export function outboxSender(outbox: DurableOutbox, socket: { cork(): void; uncork(): void }, isOpen: () => boolean, sendNow: (data: Uint8Array) => void): (data: Uint8Array) => void {
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  return (data) => outbox.send(() => {
    if (!isOpen()) return;
    if (outbox.isReleasing && !corked) {
      corked = true;
      socket.cork();
      outbox.whenReleased(uncork);
    }
    sendNow(data);
  });
}

/** Runs every task, in order, whatever one of them throws. */
function runEach(tasks: readonly (() => void)[], failed: (error: unknown) => void): void {
  for (const task of tasks) {
    try {
      task();
    } catch (error) {
      failed(error);
    }
  }
}
