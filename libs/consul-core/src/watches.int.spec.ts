import { type ConsulAgent, startConsulAgent, useConsulAgent, waitFor } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsulClient, createConsulClient } from './client';
import { type KvRawEntry } from './kv';
import { type HealthyInstance, watchHealthyService, watchKeyPrefix } from './watches';

const fastRetry = { backoff: { initialMs: 100, maxMs: 1_000 } };

/** Collects every delivery of a watch, for assertions. */
function recorder<T>(): { seen: T[]; push: (value: T) => void; last: () => T | undefined } {
  const seen: T[] = [];
  return { seen, push: (value) => seen.push(value), last: () => seen[seen.length - 1] };
}

const keysOf = (entries: KvRawEntry[] | undefined): string[] => (entries ?? []).map((e) => e.Key);

describe('watchKeyPrefix against a real Consul agent', () => {
  const consul = useConsulAgent();
  let client: ConsulClient;
  const watches: Array<{ stop(): Promise<void> }> = [];
  beforeAll(() => {
    client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
  });
  afterAll(async () => {
    await Promise.all(watches.map((w) => w.stop()));
    client.destroy();
  });

  it('sees a change, and is not wedged when the highest-index key is deleted', async () => {
    const changes = recorder<KvRawEntry[]>();
    watches.push(watchKeyPrefix(client, 'spaceport/w1/', changes.push, { waitMs: 30_000 }));
    await waitFor(() => changes.seen.length >= 1, { what: 'the initial (empty) listing' });
    expect(changes.last()).toEqual([]);

    await client.kv.set('spaceport/w1/a', '"A"');
    await waitFor(() => keysOf(changes.last()).includes('spaceport/w1/a'), { what: 'key a to be seen' });
    await client.kv.set('spaceport/w1/b', '"B"');
    await waitFor(() => keysOf(changes.last()).includes('spaceport/w1/b'), { what: 'key b to be seen' });

    await client.kv.del('spaceport/w1/b'); // b has the highest ModifyIndex of the prefix
    await waitFor(() => !keysOf(changes.last()).includes('spaceport/w1/b'), {
      what: 'the deletion of b',
      timeoutMs: 5_000,
    });
    await client.kv.set('spaceport/w1/c', '"C"');
    await waitFor(() => keysOf(changes.last()).includes('spaceport/w1/c'), {
      what: 'key c after the deletion',
      timeoutMs: 5_000,
    });
    expect(keysOf(changes.last())).toEqual(['spaceport/w1/a', 'spaceport/w1/c']);
  });

  it('does not deliver writes outside the prefix or repeat an unchanged listing', async () => {
    const changes = recorder<KvRawEntry[]>();
    watches.push(watchKeyPrefix(client, 'spaceport/w2/', changes.push, { waitMs: 30_000 }));
    await client.kv.set('spaceport/w2/x', '1');
    await waitFor(() => keysOf(changes.last()).includes('spaceport/w2/x'), { what: 'key x' });
    const count = changes.seen.length;
    for (let i = 0; i < 5; i += 1) await client.kv.set(`spaceport/other/${i}`, '1');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(changes.seen.length).toBe(count);
  });

  it('stop() aborts the in-flight long poll promptly and leaves no timer behind', async () => {
    const baseline = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const changes = recorder<KvRawEntry[]>();
    const watch = watchKeyPrefix(client, 'spaceport/w3/', changes.push, { waitMs: 120_000 });
    await waitFor(() => changes.seen.length >= 1 && watch.index > 0, { what: 'the first response' });
    await new Promise((resolve) => setTimeout(resolve, 200)); // now parked in a 2-minute blocking request
    const started = Date.now();
    await watch.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(watch.running).toBe(false);
    const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timers).toBeLessThanOrEqual(baseline);
  });
});

describe('watchHealthyService against a real Consul agent', () => {
  const consul = useConsulAgent();
  let client: ConsulClient;
  beforeAll(() => {
    client = createConsulClient({ host: '127.0.0.1', port: consul.agent.httpPort, secure: false });
  });
  afterAll(() => client.destroy());

  const register = (id: string, tags: string[]): Promise<unknown> =>
    client.agent.service.register({
      name: 'space-cloud',
      id,
      tags,
      port: 4126,
      address: '127.0.0.9',
      check: { checkid: `service:${id}`, name: id, ttl: '30s', timeout: '1s' },
    });

  it('sees an instance appear when its check passes and disappear when it goes critical; the tag filters', async () => {
    const workers = recorder<HealthyInstance[]>();
    const all = recorder<HealthyInstance[]>();
    const workerWatch = watchHealthyService(client, 'space-cloud', {
      tag: 'role:event-worker',
      onChange: workers.push,
      waitMs: 30_000,
    });
    const allWatch = watchHealthyService(client, 'space-cloud', { onChange: all.push, waitMs: 30_000 });
    try {
      await register('w1', ['role:event-worker', 'cluster:c']);
      await register('g1', ['role:gateway', 'cluster:c']);
      await waitFor(() => workers.seen.length >= 1 && all.seen.length >= 1, { what: 'first listings' });
      expect(workers.last()).toEqual([]); // TTL checks start critical

      await client.agent.check.pass('service:w1');
      await client.agent.check.pass('service:g1');
      await waitFor(() => workers.last()?.length === 1, { what: 'w1 healthy', timeoutMs: 5_000 });
      expect(workers.last()).toEqual([
        {
          id: 'w1',
          service: 'space-cloud',
          address: '127.0.0.9',
          port: 4126,
          tags: ['role:event-worker', 'cluster:c'],
          node: expect.any(String),
          meta: {},
        },
      ]);
      await waitFor(() => all.last()?.length === 2, { what: 'both healthy', timeoutMs: 5_000 });
      expect(all.last()?.map((i) => i.id)).toEqual(['g1', 'w1']);

      await client.agent.check.fail('service:w1');
      await waitFor(() => workers.last()?.length === 0, { what: 'w1 gone when critical', timeoutMs: 5_000 });
      await waitFor(() => all.last()?.length === 1, { what: 'only g1 left', timeoutMs: 5_000 });
      expect(all.last()?.[0]?.id).toBe('g1');
    } finally {
      await Promise.all([workerWatch.stop(), allWatch.stop()]);
    }
  });
});

describe('watches across an agent restart (dev agent: state lost, index goes backwards)', () => {
  let agent: ConsulAgent;
  let client: ConsulClient;
  beforeAll(async () => {
    agent = await startConsulAgent();
    client = createConsulClient({ host: '127.0.0.1', port: agent.httpPort, secure: false });
  });
  afterAll(async () => {
    client.destroy();
    await agent.stop();
  });

  it('resets the index and keeps delivering, with and without the reset-on-error shortcut', async () => {
    for (let i = 0; i < 60; i += 1) await client.kv.set(`spaceport/r/k${i}`, String(i)); // push the index up
    const byIndexRule = recorder<KvRawEntry[]>();
    const byErrorReset = recorder<KvRawEntry[]>();
    const resets: Array<[number, number]> = [];
    const strict = watchKeyPrefix(client, 'spaceport/r/', byIndexRule.push, {
      waitMs: 2_000,
      resetIndexOnError: false,
      ...fastRetry,
    });
    strict.on('reset', (previous, returned) => resets.push([previous, returned]));
    const lenient = watchKeyPrefix(client, 'spaceport/r/', byErrorReset.push, { waitMs: 2_000, ...fastRetry });
    try {
      await waitFor(() => byIndexRule.last()?.length === 60 && byErrorReset.last()?.length === 60, {
        what: '60 keys seen',
      });
      const indexBefore = strict.index;

      await agent.restart();
      await client.kv.set('spaceport/r/after-restart', '"yes"');
      const seen = (r: ReturnType<typeof recorder<KvRawEntry[]>>): boolean =>
        keysOf(r.last()).includes('spaceport/r/after-restart');
      // Bound: one `wait` (2 s) spent blocked on the stale index, plus backoff (<= 1 s) and slack.
      await waitFor(() => seen(byIndexRule) && seen(byErrorReset), {
        what: 'the write after the restart',
        timeoutMs: 8_000,
      });
      expect(resets.length).toBeGreaterThanOrEqual(1);
      expect(resets[0]?.[0]).toBe(indexBefore);
      expect(resets[0]?.[1]).toBeLessThan(indexBefore);
      expect(keysOf(byIndexRule.last())).toEqual(['spaceport/r/after-restart']);
    } finally {
      await Promise.all([strict.stop(), lenient.stop()]);
    }
  });
});
