/**
 * The nonces of link tokens that let someone in, kept while their tokens could still pass
 * for fresh: a token is taken once (member-access.ts). One process keeps them in memory.
 * Processes that serve the same reports through Redis also keep them there, so that a
 * token copied off an unencrypted line, once taken by one process, opens nothing on
 * another.
 *
 * Redis out of reach does not lock members out: each process then guards its own tokens
 * only (logged), as it does alone. A member's work matters more than the narrow replay
 * left open meanwhile, on `ws://` only, by someone who read the line (and so the report).
 */
export interface TakenNonces {
  /**
   * Takes `nonce` until `untilMs`, or null when it was taken already (here, or by another
   * process). What it returns gives the nonce back, for a token that let no one in: a
   * stranger's refused tokens fill no memory.
   */
  take(nonce: string, untilMs: number, nowMs: number): Promise<{ giveBack(): void } | null>;
  close(): Promise<void>;
}

export function takenInMemory(): TakenNonces {
  /** Nonce → when its token stops passing for fresh. */
  const taken = new Map<string, number>();
  return {
    take(nonce, untilMs, nowMs) {
      for (const [old, until] of taken) if (until < nowMs) taken.delete(old);
      if (taken.has(nonce)) return Promise.resolve(null);
      taken.set(nonce, untilMs);
      return Promise.resolve({ giveBack: () => void taken.delete(nonce) });
    },
    close: () => Promise.resolve(),
  };
}

const KEY_PREFIX = 'plenary:link-nonce:';

/** How long a connection waits on Redis before its process decides alone. */
const REDIS_ANSWER_MS = 1_000;
const REDIS_START_WAIT_MS = 5_000;

/**
 * Nonces kept here and in the Redis at `url`; `onUnshared` hears, once an outage, why
 * tokens are being kept here only (Redis did not answer).
 */
export async function takenThroughRedis(url: string, onUnshared: (reason: string) => void): Promise<TakenNonces> {
  // (Loaded when asked for, as the relay's: it doubles the server's start-up time.)
  const { Redis } = await import('ioredis');
  // Refused at once while Redis is away, rather than queued: a member is not kept waiting.
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: REDIS_ANSWER_MS });
  // (The relay logs an outage; without a listener ioredis prints every failed reconnection.)
  redis.on('error', () => undefined);
  let unshared = false;
  redis.on('ready', () => {
    unshared = false;
  });
  // Linked before the first member comes, so that the first tokens are shared too; a
  // Redis not there yet holds the server's start up a few seconds at most.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REDIS_START_WAIT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const here = takenInMemory();
  return {
    async take(nonce, untilMs, nowMs) {
      // Here first: two connections bringing one token to this process get one answer.
      const takenHere = await here.take(nonce, untilMs, nowMs);
      if (!takenHere) return null;
      const key = KEY_PREFIX + nonce;
      try {
        // (Taken elsewhere, it stays taken here too.)
        if ((await redis.set(key, '1', 'PX', Math.max(1, untilMs - nowMs), 'NX')) !== 'OK') return null;
      } catch (error) {
        if (!unshared) onUnshared((error as Error).message);
        unshared = true;
        return takenHere;
      }
      return {
        giveBack: () => {
          takenHere.giveBack();
          redis.del(key).catch(() => undefined);
        },
      };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
