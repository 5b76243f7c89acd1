// The DLQ keeps about EVENTING_DLQ_MAX_ENTRIES entries per project; what the cap drops is counted in
// spaceport_dead_letters_dropped_total and logged, never dropped silently (docs/eventing.md).
import { sampleSum, scrapeMetrics, useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventingKeys } from './common/keys';
import { EventDeliveryModule, EventIngestModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const CAP = 100;
const FAILED = 260;
const redis = useRedisServer();
const receiver = new WebhookReceiver(() => ({ status: 500 }));
let admin: Redis;
let gateway: RunningApp;
let worker: RunningApp;

async function droppedCount(): Promise<number> {
  return sampleSum(await scrapeMetrics(worker.url), 'spaceport_dead_letters_dropped_total', { project: 'shop' });
}

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['EVENTING_DLQ_MAX_ENTRIES'] = String(CAP);
  admin = new Redis(redis.redis.url);
  await receiver.start();
  const view = new StaticConfigView(
    snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick`, retries: 0 } })),
  );
  gateway = await startTestApp('gateway', 'gw-dlq', EventIngestModule, view);
  worker = await startTestApp('event-worker', 'worker-dlq', EventDeliveryModule, view);
});

afterAll(async () => {
  delete process.env['EVENTING_DLQ_MAX_ENTRIES'];
  await worker?.close();
  await gateway?.close();
  await receiver.close();
  admin?.disconnect();
});

describe('the DLQ cap', () => {
  it('keeps about the cap, and counts every entry it drops', async () => {
    for (let n = 0; n < FAILED; n += 1) {
      const res = await fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ type: 'tick', payload: { n } }),
      });
      expect(res.status).toBe(202);
    }
    const dlq = eventingKeys('default').dlq('shop');
    // every failed delivery is either in the DLQ or counted as dropped
    const kept = await waitFor(
      async () => {
        const length = await admin.xlen(dlq);
        return length + (await droppedCount()) === FAILED ? length : undefined;
      },
      { what: `${FAILED} dead letters kept or counted`, timeoutMs: 20_000 },
    );
    expect(kept).toBeGreaterThanOrEqual(CAP);
    expect(kept).toBeLessThan(FAILED);
    expect(await droppedCount()).toBe(FAILED - kept);
  });
});
