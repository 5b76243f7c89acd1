// The per-process cache of the disabled-trigger set (docs/eventing.md "Retries"): two instances on
// separate connections, like a gateway and a worker, against a real redis-server.
import { useRedisServer, waitFor } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DISABLED_CACHE_TTL_MS, DisabledTriggers } from './common/disabled-triggers';
import { eventingKeys } from './common/keys';

const redis = useRedisServer();
const reason = { reason: 'gone', at: new Date(0).toISOString(), statusCode: 410 } as const;

describe('DisabledTriggers cache (real Redis, two processes simulated by two connections)', () => {
  let clients: [Redis, Redis];
  let gateway: DisabledTriggers;
  let worker: DisabledTriggers;

  beforeEach(async () => {
    clients = [new Redis(redis.redis.url), new Redis(redis.redis.url)];
    const keys = eventingKeys(`c${Date.now()}`);
    gateway = new DisabledTriggers(clients[0], keys);
    worker = new DisabledTriggers(clients[1], keys);
    // the cache is only trusted once the invalidation subscription is live
    await waitFor(
      async () => (await gateway.all()).size === 0 && (await worker.all()).size === 0 && live(gateway) && live(worker),
      {
        what: 'both subscriptions live',
        timeoutMs: 3_000,
      },
    );
  });
  afterEach(() => {
    gateway.onApplicationShutdown();
    worker.onApplicationShutdown();
    for (const client of clients) client.disconnect();
  });

  const live = (triggers: DisabledTriggers): boolean => (triggers as unknown as { live: boolean }).live;

  it('answers repeated checks from memory (no SMEMBERS per check)', async () => {
    await gateway.all();
    const smembers = vi.spyOn(clients[0], 'smembers');
    for (let i = 0; i < 20; i += 1) expect(await gateway.isDisabled('shop', 'hook')).toBe(false);
    expect(smembers.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('sees a disable (410) by another process well within the TTL, and the re-enable', async () => {
    expect(await gateway.isDisabled('shop', 'hook')).toBe(false); // cached now
    const started = Date.now();
    await worker.disable('shop', 'hook', reason);
    await waitFor(() => gateway.isDisabled('shop', 'hook'), {
      what: 'gateway sees the disable',
      timeoutMs: DISABLED_CACHE_TTL_MS,
      intervalMs: 5,
    });
    expect(Date.now() - started).toBeLessThan(DISABLED_CACHE_TTL_MS / 2);
    expect(await worker.isDisabled('shop', 'hook')).toBe(true); // its own write, no wait
    await gateway.enable('shop', 'hook');
    await waitFor(async () => !(await worker.isDisabled('shop', 'hook')), {
      what: 'worker sees the enable',
      timeoutMs: DISABLED_CACHE_TTL_MS,
      intervalMs: 5,
    });
  });
});
