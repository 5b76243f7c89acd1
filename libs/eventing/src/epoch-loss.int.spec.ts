// Redis loses the partition epochs (a restart without persistence, a failover to a lagging replica, a
// FLUSH): a standalone worker re-establishes them and delivers on, instead of stopping every partition
// that then receives an event (docs/eventing.md, "Lost epochs").
import { useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
const receiver = new WebhookReceiver();
let admin: Redis;
let gateway: RunningApp;
let worker: RunningApp;

async function queue(count: number, from: number): Promise<void> {
  for (let n = from; n < from + count; n += 1) {
    const res = await fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      // a partition key per event: the events spread over the partitions
      body: JSON.stringify({ type: 'tick', payload: { n }, partitionKey: `key-${n}` }),
    });
    expect(res.status).toBe(202);
  }
}

async function epochKeys(): Promise<string[]> {
  return admin.keys('*epoch:*');
}

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  admin = new Redis(redis.redis.url);
  await receiver.start();
  const view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick` } })));
  gateway = await startTestApp('gateway', 'gw-epochs', EventIngestModule, view);
  worker = await startTestApp('event-worker', 'worker-epochs', EventDeliveryModule, view);
});

afterAll(async () => {
  await worker?.close();
  await gateway?.close();
  await receiver.close();
  admin?.disconnect();
});

describe('lost partition epochs, standalone', () => {
  it('re-establishes them and delivers every event once, within seconds', async () => {
    await queue(40, 0);
    await waitFor(() => receiver.received.length >= 40, { what: 'the first 40 delivered' });
    const keys = await epochKeys();
    expect(keys.length).toBeGreaterThan(0);

    await admin.del(...keys);
    const lostAt = performance.now();
    await queue(40, 40);
    await waitFor(() => receiver.received.length >= 80, {
      what: 'the 40 events queued after the loss delivered',
      timeoutMs: 15_000,
    });
    const resumedMs = performance.now() - lostAt;
    console.info(`[epochs] the 40 events queued after the epoch loss delivered in ${Math.round(resumedMs)} ms`);
    expect(resumedMs).toBeLessThan(5_000);

    // every event once: each n of 0..79 arrived, no webhook-id twice; the epochs are back
    const numbers = receiver.received.map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);
    expect(new Set(numbers).size).toBe(80);
    expect(receiver.duplicateSends()).toBe(0);
    expect((await epochKeys()).length).toBeGreaterThan(0);
  });
});
