import { ledgerKeyPrefix, ledgerKeys } from '@spaceport/delivery-ledger';
import { useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventingKeys, partitionQueueName, partitionQueuePrefix } from './common/keys';
import { QUEUE_EVENTS_MAX_LEN } from './common/partition-queues';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

// What Spaceport keeps in Redis per event, and for how long, through the gateway and worker in this
// process against a real redis-server: the sent record's retention follows the Idempotency-Key the event
// came under (docs/architecture.md, "Once-only delivery"), and the event log's count bounds what it keeps.
const redisServer = useRedisServer();
const receiver = new WebhookReceiver();
const HOUR = 3_600_000;
const IDEMPOTENCY_TTL_MS = 2 * HOUR;
const SENT_RETENTION_MS = HOUR;
const MAX_COUNT = 20;
const keys = eventingKeys('default');
const ledger = ledgerKeys(ledgerKeyPrefix('default'));
let redis: Redis;
let gateway: RunningApp;
let worker: RunningApp;

interface Queued {
  eventId: string;
  partition: number;
  deliveries: { id: string }[];
}

async function queue(payload: unknown, idempotencyKey?: string): Promise<Queued> {
  const res = await fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
      ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
    },
    body: JSON.stringify({ type: 'order.paid', payload }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as Queued;
}

const received = (deliveryId: string): number =>
  receiver.received.filter((r) => r.headers['webhook-id'] === deliveryId).length;

async function eventStatus(eventId: string): Promise<string | undefined> {
  const res = await fetch(`${gateway.url}/v1/api/shop/eventing/events/${eventId}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return res.status === 200 ? ((await res.json()) as { status: string }).status : undefined;
}

/** Sent, recorded, and its job gone (completed jobs are removed). */
async function delivered(queued: Queued): Promise<string> {
  const id = queued.deliveries[0]!.id;
  const job = `${partitionQueuePrefix('bull', 'default', queued.partition)}:${partitionQueueName('default', queued.partition)}:${id}`;
  await waitFor(async () => received(id) === 1 && (await redis.exists(job)) === 0, { what: `delivery ${id}` });
  expect(await eventStatus(queued.eventId)).toBe('processed');
  return id;
}

beforeAll(async () => {
  process.env['REDIS_URL'] = redisServer.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['EVENTING_SENT_RETENTION_MS'] = String(SENT_RETENTION_MS);
  redis = new Redis(redisServer.redis.url);
  await receiver.start();
  const spec = shopSpec({ paid: { type: 'order.paid', url: `${receiver.url}/paid` } });
  const shop = spec.projects['shop']!;
  const view = new StaticConfigView(
    snapshotOf({
      ...spec,
      eventing: { ...spec.eventing, retention: { maxCount: MAX_COUNT } },
      projects: {
        shop: { ...shop, project: { ...shop.project, settings: { idempotencyTtlMs: IDEMPOTENCY_TTL_MS } } },
      },
    }),
  );
  gateway = await startTestApp('gateway', 'gw-1', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-1', EventDeliveryModule, view);
});

afterAll(async () => {
  await worker?.close();
  await gateway?.close();
  await receiver.close();
  redis?.disconnect();
  delete process.env['EVENTING_SENT_RETENTION_MS'];
});

describe('sent-record retention', () => {
  it('keeps the record EVENTING_SENT_RETENTION_MS without an Idempotency-Key, and the key TTL longer with one', async () => {
    const plainQueued = await queue({ n: 1 });
    const keyedQueued = await queue({ n: 2 }, 'retention-1');
    const [plainPartition, keyedPartition] = [plainQueued.partition, keyedQueued.partition];
    const plain = await delivered(plainQueued);
    const keyed = await delivered(keyedQueued);
    const plainTtl = await redis.pttl(ledger.sent(plain, plainPartition));
    expect(plainTtl).toBeGreaterThan(SENT_RETENTION_MS - 60_000);
    expect(plainTtl).toBeLessThanOrEqual(SENT_RETENTION_MS);
    const keyedTtl = await redis.pttl(ledger.sent(keyed, keyedPartition));
    expect(keyedTtl).toBeGreaterThan(SENT_RETENTION_MS + IDEMPOTENCY_TTL_MS - 60_000);
    expect(keyedTtl).toBeLessThanOrEqual(SENT_RETENTION_MS + IDEMPOTENCY_TTL_MS);
  });

  it('completes the deliveries a replay of a half-done keyed request publishes again as already sent', async () => {
    const first = await queue({ n: 3 }, 'retention-2');
    const id = await delivered(first);
    // as if the first request had failed after publishing: the key still says pending
    const key = keys.idempotency('shop', 'retention-2');
    const record = JSON.parse((await redis.get(key))!) as Record<string, unknown>;
    await redis.set(key, JSON.stringify({ ...record, state: 'pending', response: undefined }), 'KEEPTTL');
    const replay = await queue({ n: 3 }, 'retention-2');
    expect(replay.eventId).toBe(first.eventId);
    expect(replay.deliveries[0]!.id).toBe(id);
    // the replay wrote the event anew (staged) and added the job again; the job ends as already sent
    await waitFor(async () => (await eventStatus(first.eventId)) === 'processed', { what: 'replayed job done' });
    expect(received(id)).toBe(1);

    // without the record, as once its retention has passed, the same replay sends it again
    await redis.set(key, JSON.stringify({ ...record, state: 'pending', response: undefined }), 'KEEPTTL');
    await redis.del(ledger.sent(id, first.partition));
    await queue({ n: 3 }, 'retention-2');
    await waitFor(() => received(id) === 2, { what: 'second send without the record' });
  });

  it('completes a sent delivery run again while its trigger is disabled as already sent, not held in the DLQ', async () => {
    const first = await queue({ n: 4 }, 'retention-3');
    const id = await delivered(first);
    const ref = 'shop/paid';
    const changed = `${keys.disabledTriggers}:changed`;
    await redis.multi().sadd(keys.disabledTriggers, ref).hset(keys.disabledReasons, ref, '{"reason":"gone"}').exec();
    await redis.publish(changed, ref);
    try {
      const key = keys.idempotency('shop', 'retention-3');
      const record = JSON.parse((await redis.get(key))!) as Record<string, unknown>;
      await redis.set(key, JSON.stringify({ ...record, state: 'pending', response: undefined }), 'KEEPTTL');
      const replay = await queue({ n: 4 }, 'retention-3');
      const job = `${partitionQueuePrefix('bull', 'default', replay.partition)}:${partitionQueueName('default', replay.partition)}:${id}`;
      await waitFor(async () => (await eventStatus(first.eventId)) === 'processed' && (await redis.exists(job)) === 0, {
        what: 'replayed job done',
      });
      expect(await redis.xlen(keys.dlq('shop'))).toBe(0);
      expect(received(id)).toBe(1);
    } finally {
      await redis.multi().srem(keys.disabledTriggers, ref).hdel(keys.disabledReasons, ref).exec();
      await redis.publish(changed, ref);
    }
  });
});

/** Every key by kind (the part of its name after the cluster prefix that says what it is) and TTL. */
async function census(): Promise<Map<string, { keys: number; withoutTtl: number }>> {
  const kinds = new Map<string, { keys: number; withoutTtl: number }>();
  for (const key of await redis.keys('*')) {
    const kind = key
      .replace(/^sp:\{default(:p\d+:\d+)?\}:(ev|ledger):([a-z-]+)(:.*)?$/, '$2:$3')
      .replace(/^bull:\{default:p\d+:\d+\}:sp-default-p\d+(-ordered)?:(.*)$/, (_, _o, rest: string) =>
        rest.startsWith('msg_') ? 'bull:job' : `bull:${rest}`,
      );
    const entry = kinds.get(kind) ?? { keys: 0, withoutTtl: 0 };
    entry.keys += 1;
    if ((await redis.pttl(key)) === -1) entry.withoutTtl += 1;
    kinds.set(kind, entry);
  }
  return kinds;
}

describe('memory per event', () => {
  it('keeps maxCount events with their invocations, one sent record each with a TTL, and no job', async () => {
    const before = await census();
    const events = 3 * MAX_COUNT;
    const queued: Queued[] = [];
    for (let n = 0; n < events; n += 1) queued.push(await queue({ n, note: 'x'.repeat(200) }));
    await waitFor(() => queued.every((q) => received(q.deliveries[0]!.id) === 1), { what: 'every delivery' });
    await waitFor(async () => (await census()).get('bull:job') === undefined, { what: 'jobs removed' });
    const after = await census();
    const grown = (kind: string): number => (after.get(kind)?.keys ?? 0) - (before.get(kind)?.keys ?? 0);
    // each of the P = 4 shards of the project's log keeps ceil(MAX_COUNT / 4) events: the newest of its partition
    const perShard = Math.ceil(MAX_COUNT / 4);
    const partitions = [...new Set(queued.map((q) => q.partition))];
    const kept = partitions.map((p) => Math.min(perShard, queued.filter((q) => q.partition === p).length));
    const total = kept.reduce((sum, n) => sum + n, 0);
    expect(total).toBeLessThanOrEqual(MAX_COUNT);
    expect(after.get('ev:event')?.keys).toBe(total);
    expect(after.get('ev:inv')?.keys).toBe(total);
    const indexed = await Promise.all(partitions.map((partition) => redis.zcard(keys.events('shop', partition))));
    expect(indexed).toEqual(kept);
    expect(grown('ledger:sent')).toBe(events);
    expect(after.get('ledger:claim')).toBeUndefined();
    // every key without a TTL is one of a fixed set per queue, partition or cluster, never per event
    const withoutTtl = [...after].filter(([, entry]) => entry.withoutTtl > 0).map(([kind]) => kind);
    expect(withoutTtl.sort()).toEqual([
      'bull:events',
      'bull:id',
      'bull:meta',
      'ev:partition-high-water',
      'ledger:epoch',
    ]);
    // BullMQ trims the events stream of each queue that had jobs to about QUEUE_EVENTS_MAX_LEN (its meta says so)
    const streams = await redis.keys('bull:{default:p*}:sp-default-p*:events');
    expect(streams.length).toBeGreaterThan(0);
    for (const stream of streams)
      expect(await redis.hget(stream.replace(/events$/, 'meta'), 'opts.maxLenEvents'), stream).toBe(
        String(QUEUE_EVENTS_MAX_LEN),
      );
  });
});
