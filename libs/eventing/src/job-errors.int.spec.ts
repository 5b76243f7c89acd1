// A delivery job that keeps failing on an error the processor did not decide (a bug, Redis failing
// mid-job) ends in the DLQ with the error once its attempts run out, not only in BullMQ's failed set
// (docs/eventing.md, "Retries").
import { useRedisServer, waitFor } from '@spaceport/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryJobData } from './common/delivery-job';
import { BACKOFF_TYPE } from './common/event-publisher';
import { eventingKeys, partitionQueueName, partitionQueuePrefix } from './common/keys';
import { EventDeliveryModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
let admin: Redis;
let queue: Queue;
let queueConnection: Redis;
let worker: RunningApp;

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  admin = new Redis(redis.redis.url);
  const view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: 'http://127.0.0.1:9/none' } })));
  worker = await startTestApp('event-worker', 'worker-errors', EventDeliveryModule, view);
  queueConnection = new Redis(redis.redis.url, { maxRetriesPerRequest: null });
  queue = new Queue(partitionQueueName('default', 0), {
    connection: queueConnection,
    prefix: partitionQueuePrefix('bull', 'default', 0),
  });
});

afterAll(async () => {
  await queue?.close();
  queueConnection?.disconnect();
  await worker?.close();
  admin?.disconnect();
});

describe('a job that keeps throwing', () => {
  it('ends in the DLQ with its error once its attempts run out', async () => {
    // An invalid delivery id makes every attempt throw inside the ledger (a stand-in for any bug).
    const data: DeliveryJobData = {
      project: 'shop',
      eventId: 'event-1',
      triggerId: 'tick',
      deliveryId: 'not a delivery id',
      partition: 0,
      type: 'tick',
      payloadJson: '{}',
      time: new Date().toISOString(),
      ordered: false,
    };
    await queue.add('delivery', data, { jobId: 'broken-1', attempts: 2, backoff: { type: BACKOFF_TYPE } });
    const dlq = eventingKeys('default').dlq('shop');
    const entries = await waitFor(
      async () => {
        const found = await admin.xrange(dlq, '-', '+');
        return found.length > 0 ? found : undefined;
      },
      { what: 'a DLQ entry for the exhausted job', timeoutMs: 15_000 },
    );
    expect(entries).toHaveLength(1);
    const fields = entries[0]![1];
    const reason = fields[fields.indexOf('reason') + 1];
    expect(reason).toMatch(/^error: .+/);
    expect(JSON.parse(fields[fields.indexOf('job') + 1]!)).toMatchObject({
      triggerId: 'tick',
      deliveryId: data.deliveryId,
    });
  });
});
