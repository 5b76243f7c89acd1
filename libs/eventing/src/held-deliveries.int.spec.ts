// Parking a held delivery vs. enabling its trigger (docs/eventing.md "Held deliveries"), against a real
// redis-server: the park script and the enable's SREM run in either order, and concurrently, and no
// delivery is ever left parked behind an enabled trigger. The "worker" parks on its own connection.
import { createEventIdGenerator, deliveryIdOf } from '@spaceport/eventing-core';
import { useRedisServer } from '@spaceport/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeadLetters, HELD_REASON_PREFIX } from './common/dead-letters';
import { type DeliveryJobData } from './common/delivery-job';
import { DisabledTriggers } from './common/disabled-triggers';
import { EventingCommonModule } from './common/eventing-common.module';
import { eventingKeys, partitionQueueName, partitionQueuePrefix } from './common/keys';
import { EventObserveModule } from './index';
import { HeldDeliveries } from './observe/held-deliveries';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
const keys = eventingKeys('default');
const gone = { reason: 'gone', at: new Date(0).toISOString(), statusCode: 410 } as const;
const nextEventId = createEventIdGenerator();
let admin: Redis;
let queueConnection: Redis;
let queue: Queue<DeliveryJobData>;
let gateway: RunningApp;
let worker: RunningApp;
let held: HeldDeliveries;
let parker: DeadLetters;

function deliveryOf(triggerId: string): DeliveryJobData {
  const eventId = nextEventId();
  const deliveryId = deliveryIdOf(eventId, triggerId);
  const time = new Date().toISOString();
  return { project: 'shop', eventId, triggerId, deliveryId, partition: 0, type: 'tick', time, ordered: false };
}

/** Delivery ids of the jobs waiting in partition 0 (nothing consumes it here). */
async function queuedDeliveryIds(): Promise<string[]> {
  return (await queue.getJobs(['waiting'])).map((job) => job.data.deliveryId).sort();
}

async function heldInDlq(): Promise<string[]> {
  const letters = await parker.list('shop');
  return letters.filter((l) => l.reason.startsWith(HELD_REASON_PREFIX)).map((l) => l.job.deliveryId);
}

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  admin = new Redis(redis.redis.url);
  queueConnection = new Redis(redis.redis.url, { maxRetriesPerRequest: null });
  queue = new Queue(partitionQueueName('default', 0), {
    connection: queueConnection,
    prefix: partitionQueuePrefix('bull', 'default', 0),
  });
  const view = new StaticConfigView(snapshotOf(shopSpec({ hook: { type: 'tick', url: 'http://127.0.0.1:9/h' } })));
  gateway = await startTestApp('gateway', 'gw-held', EventObserveModule, view);
  worker = await startTestApp('event-worker', 'worker-held', EventingCommonModule, view);
  held = gateway.app.get(HeldDeliveries);
  parker = worker.app.get(DeadLetters);
});

beforeEach(async () => {
  await admin.del(keys.dlq('shop'), keys.disabledTriggers, keys.disabledReasons);
  await queue.obliterate({ force: true });
});

afterAll(async () => {
  await queue?.close();
  queueConnection?.disconnect();
  await worker?.close();
  await gateway?.close();
  admin?.disconnect();
});

describe('park vs. enable', () => {
  it('park, then enable: the enable releases the parked delivery', async () => {
    await worker.app.get(DisabledTriggers).disable('shop', 'hook', gone);
    const job = deliveryOf('hook');
    expect(await parker.holdIfTriggerDisabled(job)).toBe(true);
    const [letter] = await parker.list('shop');
    expect(letter).toMatchObject({ reason: 'held: trigger disabled by the data plane (gone)', job });
    expect(await held.enable('shop', 'hook')).toBe(1);
    expect(await heldInDlq()).toEqual([]);
    expect(await queuedDeliveryIds()).toEqual([job.deliveryId]);
  });

  it('enable, then park: the park writes nothing (the worker then delivers it)', async () => {
    await worker.app.get(DisabledTriggers).disable('shop', 'hook', gone);
    expect(await held.enable('shop', 'hook')).toBe(0);
    expect(await parker.holdIfTriggerDisabled(deliveryOf('hook'))).toBe(false);
    expect(await admin.xlen(keys.dlq('shop'))).toBe(0);
  });

  it('parks racing an enable: every park that landed is released, none is left behind', async () => {
    await worker.app.get(DisabledTriggers).disable('shop', 'hook', gone);
    const jobs = Array.from({ length: 300 }, () => deliveryOf('hook'));
    const parks = jobs.map(async (job, n) => {
      await new Promise((resolve) => setTimeout(resolve, n % 30));
      return (await parker.holdIfTriggerDisabled(job)) ? job.deliveryId : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 12));
    const released = await held.enable('shop', 'hook');
    const parked = (await Promise.all(parks)).filter((id): id is string => id !== undefined).sort();
    // both sides of the race happened: some parks before the SREM, some after it
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.length).toBeLessThan(jobs.length);
    expect(released).toBe(parked.length);
    expect(await heldInDlq()).toEqual([]);
    expect(await queuedDeliveryIds()).toEqual(parked);
  });

  it('an enable cut short after the SREM loses nothing: the next enable releases the rest', async () => {
    const disabled = worker.app.get(DisabledTriggers);
    const jobs = [deliveryOf('hook'), deliveryOf('hook'), deliveryOf('other')];
    for (const job of jobs) await disabled.disable('shop', job.triggerId, gone);
    for (const job of jobs) expect(await parker.holdIfTriggerDisabled(job)).toBe(true);
    await parker.add(deliveryOf('hook'), 'gone', 410); // a receiver failure of the trigger: not held
    // the first half of an enable (the gateway died before its release)
    await gateway.app.get(DisabledTriggers).enable('shop', 'hook');
    expect((await heldInDlq()).length).toBe(3);
    expect(await held.enable('shop', 'hook')).toBe(2);
    expect(await queuedDeliveryIds()).toEqual([jobs[0]!.deliveryId, jobs[1]!.deliveryId].sort());
    // the other trigger's held delivery and the 410 stay
    expect((await parker.list('shop')).map((l) => [l.job.triggerId, l.reason])).toEqual([
      ['other', 'held: trigger disabled by the data plane (gone)'],
      ['hook', 'gone'],
    ]);
  });
});
