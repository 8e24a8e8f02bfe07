/**
 * Link tokens taken once across servers that share reports through Redis: a nonce one
 * process took is taken for every other, until its token could no longer pass for fresh;
 * one given back (its token let no one in) is free again. With Redis gone, each process
 * guards its own and says so once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { takenThroughRedis, type TakenNonces } from '../../main/services/sync/taken-nonces.ts';
import { hasRedis, startRedis } from './fixtures/sync/harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function store(url: string, unshared: string[] = []): Promise<TakenNonces> {
  const nonces = await takenThroughRedis(url, (reason) => unshared.push(reason));
  cleanups.push(() => nonces.close());
  return nonces;
}

describe.skipIf(!hasRedis)('link-token nonces through Redis', () => {
  it('are taken once for every process, until their token is stale; one given back is free again', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const [one, two] = [await store(redis.url), await store(redis.url)];
    const now = Date.now();
    expect(await one.take('nonce-a', now + 60_000, now)).not.toBeNull();
    expect(await two.take('nonce-a', now + 60_000, now)).toBeNull();
    expect(await one.take('nonce-a', now + 60_000, now)).toBeNull();

    const refused = await two.take('nonce-b', now + 60_000, now);
    refused!.giveBack();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await one.take('nonce-b', now + 60_000, now)).not.toBeNull();

    expect(await one.take('nonce-c', now + 200, now)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await two.take('nonce-c', Date.now() + 60_000, Date.now())).not.toBeNull();
  });

  it('with Redis gone, are kept by each process alone (said once), and members are not kept waiting', async () => {
    const redis = await startRedis();
    const unshared: string[] = [];
    const nonces = await store(redis.url, unshared);
    await redis.stop();
    const now = Date.now();
    const started = Date.now();
    expect(await nonces.take('nonce-d', now + 60_000, now)).not.toBeNull();
    expect(await nonces.take('nonce-e', now + 60_000, now)).not.toBeNull();
    expect(await nonces.take('nonce-d', now + 60_000, now)).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(unshared).toHaveLength(1);
  });
});
