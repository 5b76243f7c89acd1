import { randomBytes } from 'node:crypto';
import { DeliveryLedger, ledgerKeyPrefix } from '@spaceport/delivery-ledger';
import { eventIdAt } from '@spaceport/eventing-core';
import { partitionHashTag } from '@spaceport/redis-core';
import { useRedisServer } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcceptedEvent, EventLog, MAX_PRUNED_PER_WRITE } from './common/event-log';
import { type DeliveryStatus } from './common/delivery-job';
import { type Invocation } from './common/event-record';
import { eventingKeys } from './common/keys';
import { ConfigAccess } from './common/config-access';
import { PartitionHighWater } from './common/partition-high-water';

// The event and invocation logs against a real redis-server: retention by count and age, the
// invocation cap, and a final status that a late attempt record cannot overwrite. An attempt's log
// write runs inside the ledger's releaseClaim (as after a failed attempt), as the worker runs it.
const redisServer = useRedisServer();
const keys = eventingKeys('logtest');
/** the partitions (index shards) the log reads; the events of the retention cases are all in partition 3 */
const PARTITIONS = 8;
let redis: Redis;
let log: EventLog;
let ledger: DeliveryLedger;

const accepted = (eventId: string, triggers: string[] = ['t'], partition = 3): AcceptedEvent => ({
  eventId,
  type: 'order.paid',
  payloadJson: '{"n":1}',
  time: new Date().toISOString(),
  acceptedAt: Date.now(),
  partition,
  partitionKey: undefined,
  triggers,
});

const invocation = (eventId: string, attempt: number): Invocation => ({
  trigger: 't',
  deliveryId: `msg_${eventId}`,
  attempt,
  at: new Date().toISOString(),
  statusCode: 500,
  latencyMs: 1,
  response: '',
  error: null,
});

const idAt = (ms: number): string => eventIdAt(ms, randomBytes(10));

beforeAll(async () => {
  redis = new Redis(redisServer.redis.url);
  const highWater = new PartitionHighWater(redis, keys);
  await highWater.raise(PARTITIONS);
  log = new EventLog(redis, redis, keys, highWater, new ConfigAccess(null));
  ledger = new DeliveryLedger(redis, { keyPrefix: ledgerKeyPrefix('logtest'), httpTimeoutMs: 1_000 });
});

/** One attempt's log write, run by the ledger after releasing a claim nobody holds. */
async function recordAttempt(
  project: string,
  eventId: string,
  attempt: Invocation,
  status: DeliveryStatus,
  retention: { maxAgeMs: number; maxCount: number },
): Promise<void> {
  expect(
    await ledger.releaseClaim(
      attempt.deliveryId,
      3,
      'no-such-token',
      log.attemptLog(project, 3, eventId, attempt, status, retention),
    ),
  ).toBe('not-held');
}

afterAll(() => redis.disconnect());

describe('event log retention', () => {
  it('keeps the maxCount newest events in the index and lists them newest first', async () => {
    const retention = { maxAgeMs: 3_600_000, maxCount: 3 };
    const now = Date.now();
    const ids = [0, 1, 2, 3, 4].map((i) => idAt(now - 5_000 + i));
    for (const id of ids) await log.recordAccepted('count', accepted(id), retention);
    const page = await log.list('count', {}, 10);
    expect(page.events.map((event) => event.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(await redis.zcard(keys.events('count', 3))).toBe(3);
  });

  it('deletes the events the count prunes, with their invocations, so the count bounds memory', async () => {
    const retention = { maxAgeMs: 3_600_000, maxCount: 3 };
    const now = Date.now();
    const ids = [0, 1, 2, 3, 4].map((i) => idAt(now - 5_000 + i));
    for (const id of ids.slice(0, 3)) {
      await log.recordAccepted('pruned', accepted(id), retention);
      await recordAttempt('pruned', id, invocation(id, 1), 'processing', retention);
    }
    for (const id of ids.slice(3)) await log.recordAccepted('pruned', accepted(id), retention);
    for (const id of ids.slice(0, 2)) {
      expect(await redis.exists(keys.event('pruned', 3, id), keys.invocations('pruned', 3, id))).toBe(0);
      expect(await log.get('pruned', id)).toBeUndefined();
    }
    expect(await redis.exists(keys.event('pruned', 3, ids[2]!), keys.invocations('pruned', 3, ids[2]!))).toBe(2);
    // an attempt of a pruned event (its delivery was still queued) logs nothing: no list outlives its event
    await recordAttempt('pruned', ids[0]!, invocation(ids[0]!, 2), 'processed', retention);
    expect(await redis.exists(keys.event('pruned', 3, ids[0]!), keys.invocations('pruned', 3, ids[0]!))).toBe(0);
    const logged = await redis.keys(`sp:${partitionHashTag('logtest', 3)}:ev:*:pruned:*`);
    expect(logged.sort()).toEqual(
      [...ids.slice(2).map((id) => keys.event('pruned', 3, id)), keys.invocations('pruned', 3, ids[2]!)].sort(),
    );
  });

  it('after a lowered maxCount prunes at most MAX_PRUNED_PER_WRITE per write until the count holds', async () => {
    const wide = { maxAgeMs: 3_600_000, maxCount: 1_000 };
    const now = Date.now();
    const ids = Array.from({ length: 250 }, (_, i) => idAt(now - 10_000 + i));
    for (const id of ids) await log.recordAccepted('lowered', accepted(id), wide);
    const narrow = { maxAgeMs: 3_600_000, maxCount: 10 };
    await log.recordAccepted('lowered', accepted(idAt(now)), narrow);
    expect(await redis.zcard(keys.events('lowered', 3))).toBe(251 - MAX_PRUNED_PER_WRITE);
    expect(await redis.exists(keys.event('lowered', 3, ids[MAX_PRUNED_PER_WRITE - 1]!))).toBe(0);
    expect(await redis.exists(keys.event('lowered', 3, ids[MAX_PRUNED_PER_WRITE]!))).toBe(1);
    await log.recordAccepted('lowered', accepted(idAt(now + 1)), narrow);
    await log.recordAccepted('lowered', accepted(idAt(now + 2)), narrow);
    expect(await redis.zcard(keys.events('lowered', 3))).toBe(10);
    expect((await redis.keys(keys.event('lowered', 3, '*'))).length).toBe(10);
  });

  it('expires the index with its newest event, so an idle or deleted project leaves nothing', async () => {
    const retention = { maxAgeMs: 60_000, maxCount: 1_000 };
    await log.recordAccepted('idle', accepted(idAt(Date.now())), retention);
    const ttl = await redis.pttl(keys.events('idle', 3));
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('drops events older than maxAgeMs from the index on the next write, and expires their hashes', async () => {
    const retention = { maxAgeMs: 60_000, maxCount: 1_000 };
    const old = idAt(Date.now() - 120_000);
    await log.recordAccepted('age', accepted(old), retention);
    const fresh = idAt(Date.now());
    await log.recordAccepted('age', accepted(fresh), retention);
    expect(await redis.zrange(keys.events('age', 3), 0, -1)).toEqual([fresh]);
    const ttl = await redis.pttl(keys.event('age', 3, fresh));
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

describe('invocation log', () => {
  const retention = { maxAgeMs: 60_000, maxCount: 1_000 };

  it('keeps the last 1000 attempts of an event, with the retention as TTL', async () => {
    const id = idAt(Date.now());
    await log.recordAccepted('inv', accepted(id), retention);
    for (let attempt = 1; attempt <= 1_003; attempt += 1)
      void recordAttempt('inv', id, invocation(id, attempt), 'processing', retention);
    await recordAttempt('inv', id, invocation(id, 1_004), 'processing', retention);
    const logged = await log.get('inv', id);
    expect(logged?.invocations).toHaveLength(1_000);
    expect(logged?.invocations[0]?.attempt).toBe(5);
    expect(logged?.invocations.at(-1)?.attempt).toBe(1_004);
    expect(await redis.pttl(keys.invocations('inv', 3, id))).toBeGreaterThan(55_000);
  });

  it('never moves a final status back, and does not recreate an event that has expired', async () => {
    const id = idAt(Date.now());
    await log.recordAccepted('final', accepted(id), retention);
    await recordAttempt('final', id, invocation(id, 1), 'processed', retention);
    await recordAttempt('final', id, invocation(id, 2), 'processing', retention);
    expect((await log.get('final', id))?.deliveries).toEqual([{ trigger: 't', status: 'processed' }]);

    const gone = idAt(Date.now());
    await recordAttempt('final', gone, invocation(gone, 1), 'processed', retention);
    expect(await redis.exists(keys.event('final', 3, gone))).toBe(0);
    expect(await log.get('final', gone)).toBeUndefined();
  });
});

describe('the project log over its partition shards', () => {
  const retention = { maxAgeMs: 3_600_000, maxCount: 10_000 };

  it('merges the shards newest first, pages with an event-id cursor, filters and finds events by id', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 40 }, (_, i) => idAt(now - 40_000 + i * 100));
    for (const [i, id] of ids.entries()) {
      const event = { ...accepted(id, ['t'], (i * 7) % PARTITIONS), type: i % 3 === 0 ? 'order.paid' : 'order.sent' };
      await log.recordAccepted('sharded', event, retention, PARTITIONS);
    }
    const newestFirst = [...ids].reverse();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await log.list('sharded', {}, 7, cursor);
      seen.push(...result.events.map((event) => event.id));
      if (result.nextCursor === null) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual(newestFirst);
    const paid = await log.list('sharded', { type: 'order.paid' }, 5);
    expect(paid.events.map((event) => event.id)).toEqual(newestFirst.filter((_, i) => (39 - i) % 3 === 0).slice(0, 5));
    const since = await log.list('sharded', { since: now - 40_000 + 3_500 }, 100);
    expect(since.events.map((event) => event.id)).toEqual(newestFirst.slice(0, 5));
    const found = await log.get('sharded', ids[13]!);
    expect(found).toMatchObject({ id: ids[13], partition: (13 * 7) % PARTITIONS });
    expect(await log.get('sharded', idAt(now))).toBeUndefined();
  });

  it('keeps ceil(maxCount / partitions) events per shard', async () => {
    const now = Date.now();
    for (let i = 0; i < 6; i += 1)
      await log.recordAccepted(
        'capped',
        accepted(idAt(now + i), ['t'], 5),
        { maxAgeMs: 60_000, maxCount: 16 },
        PARTITIONS,
      );
    expect(await redis.zcard(keys.events('capped', 5))).toBe(2);
  });
});
