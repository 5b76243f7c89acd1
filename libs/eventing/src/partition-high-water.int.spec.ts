import { useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule, EventObserveModule, PartitionConsumers } from './index';
import { PartitionHighWater } from './common/partition-high-water';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { keyInPartition, shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

// Lowering partitionCount must not strand jobs: an event queued (delayed) in partition 3 of 4 is
// still delivered by a worker that starts after the count was lowered to 2, against real Redis/HTTP.
const redis = useRedisServer();
const receiver = new WebhookReceiver();
const apps: RunningApp[] = [];

const spec = (partitionCount: number) => {
  const base = shopSpec({ paid: { type: 'order.paid', url: `${receiver.url}/paid` } });
  return { ...base, eventing: { ...base.eventing, partitionCount } };
};

/** A partition key of project `shop` that lands in partition 3 of 4 (and so outside 0..1). */
const keyInPartition3 = keyInPartition(3, 4);

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  await receiver.start();
});

afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
  await receiver.close();
});

describe('partition high water', () => {
  it('keeps consuming the partitions a lowered partitionCount dropped, so their queued jobs are delivered', async () => {
    expect(keyInPartition3).not.toBe('');
    const view = new StaticConfigView(snapshotOf(spec(4)));
    const gateway = await startTestApp('gateway', 'gw-hw', [EventIngestModule, EventObserveModule], view);
    apps.push(gateway);
    const res = await fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ type: 'order.paid', payload: { n: 1 }, partitionKey: keyInPartition3, delay: 1_000 }),
    });
    const accepted = (await res.json()) as { id: string; partition: number };
    expect({ status: res.status, partition: accepted.partition }).toEqual({ status: 202, partition: 3 });
    expect(await gateway.app.get(PartitionHighWater).read()).toBe(4);

    // the count is lowered before any worker ran: the job waits in partition 3, which P = 2 no longer has
    view.set(snapshotOf(spec(2), 2));
    const worker = await startTestApp('event-worker', 'worker-hw', EventDeliveryModule, view);
    apps.push(worker);
    const consumers = worker.app.get(PartitionConsumers);
    await waitFor(() => consumers.owned().length === 4, { what: 'worker consumes partitions 0..3', timeoutMs: 10_000 });
    expect(consumers.owned().map((owned) => owned.partition)).toEqual([0, 1, 2, 3]);
    const delivered = await waitFor(() => receiver.received.find((got) => got.body.includes(accepted.id)), {
      what: 'the stranded event delivered',
      timeoutMs: 10_000,
    });
    expect(delivered.path).toBe('/paid');
  });

  it('only ever goes up, and a process raises it once per count', async () => {
    const view = new StaticConfigView(snapshotOf(spec(2)));
    const gateway = await startTestApp('gateway', 'gw-hw-2', [EventIngestModule, EventObserveModule], view);
    apps.push(gateway);
    const highWater = gateway.app.get(PartitionHighWater);
    const before = await highWater.read();
    await highWater.raise(1);
    expect(await highWater.read()).toBe(Math.max(before, 1)); // a smaller count does not lower it
    expect(highWater.raise(1)).toBeUndefined(); // no Redis call for a count this process made sure of
    await highWater.raise(before + 5);
    expect(await highWater.read()).toBe(before + 5);
    expect(highWater.raise(before + 4)).toBeUndefined();
    expect(await highWater.partitionsToConsume(2)).toBe(before + 5);
    expect(await highWater.partitionsToConsume(before + 10)).toBe(before + 10);
  });

  it('is written back by the next publish a second after Redis lost it; consumers keep the configured count meanwhile', async () => {
    const gateway = await startTestApp(
      'gateway',
      'gw-hw-3',
      [EventIngestModule],
      new StaticConfigView(snapshotOf(spec(2))),
    );
    apps.push(gateway);
    const highWater = gateway.app.get(PartitionHighWater);
    await highWater.raise(2);
    const admin = new Redis(redis.redis.url);
    try {
      const key = (await admin.keys('sp:*partition-high-water*'))[0] ?? '';
      expect(await admin.del(key)).toBe(1); // lost, as with a Redis restarted without its data
      expect(await highWater.read()).toBe(0);
      expect(await highWater.partitionsToConsume(2)).toBe(2); // the configured count, whatever Redis says
      const now = Date.now() + PartitionHighWater.REASSERT_MS;
      await highWater.raise(2, now);
      expect(await admin.get(key)).toBe('2');
      expect(highWater.raise(2, now + 10)).toBeUndefined(); // then again not before REASSERT_MS
    } finally {
      admin.disconnect();
    }
  });

  it('after P was lowered and the drained key deleted, publishers write back the count they use now', async () => {
    const gateway = await startTestApp(
      'gateway',
      'gw-hw-4',
      [EventIngestModule],
      new StaticConfigView(snapshotOf(spec(2))),
    );
    apps.push(gateway);
    const highWater = gateway.app.get(PartitionHighWater);
    const admin = new Redis(redis.redis.url);
    try {
      const key = (await admin.keys('sp:*partition-high-water*'))[0] ?? '';
      const start = Date.now();
      await highWater.raise(6, start);
      expect(await highWater.read()).toBe(6);
      // P lowered to 2: within REASSERT_MS the process is still sure of 6, then asserts 2 (the key keeps 6)
      expect(highWater.raise(2, start + 10)).toBeUndefined();
      await highWater.raise(2, start + PartitionHighWater.REASSERT_MS);
      expect(await admin.get(key)).toBe('6');
      expect(await highWater.read()).toBe(6);
      // the operator deletes the key once partitions 2..5 are drained: nothing raises it to 6 again
      expect(await admin.del(key)).toBe(1);
      await highWater.raise(2, start + 2 * PartitionHighWater.REASSERT_MS);
      expect(await admin.get(key)).toBe('2');
      expect(await highWater.partitionsToConsume(2)).toBe(2);
    } finally {
      admin.disconnect();
    }
  });
});
