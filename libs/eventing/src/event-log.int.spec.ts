import { randomBytes } from 'node:crypto';
import { DeliveryLedger, ledgerKeyPrefix } from '@spaceport/delivery-ledger';
import { eventIdAt } from '@spaceport/eventing-core';
import { useRedisServer } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcceptedEvent, EventLog } from './common/event-log';
import { type DeliveryStatus } from './common/delivery-job';
import { type Invocation } from './common/event-record';
import { eventingKeys } from './common/keys';

// The event and invocation logs against a real redis-server: retention by count and age, the
// invocation cap, and a final status that a late attempt record cannot overwrite. An attempt's log
// write runs inside the ledger's releaseClaim (as after a failed attempt), as the worker runs it.
const redisServer = useRedisServer();
const keys = eventingKeys('logtest');
let redis: Redis;
let log: EventLog;
let ledger: DeliveryLedger;

const accepted = (eventId: string, triggers: string[] = ['t']): AcceptedEvent => ({
  eventId,
  type: 'order.paid',
  payloadJson: '{"n":1}',
  time: new Date().toISOString(),
  acceptedAt: Date.now(),
  partition: 3,
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
  log = new EventLog(redis, redis, keys);
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
      'no-such-token',
      log.attemptLog(project, eventId, attempt, status, retention),
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
    expect(await redis.zcard(keys.events('count'))).toBe(3);
    // a count-trimmed event leaves its hash to expire by age
    expect(await redis.pttl(keys.event('count', ids[0]!))).toBeGreaterThan(3_500_000);
  });

  it('drops events older than maxAgeMs from the index on the next write, and expires their hashes', async () => {
    const retention = { maxAgeMs: 60_000, maxCount: 1_000 };
    const old = idAt(Date.now() - 120_000);
    await log.recordAccepted('age', accepted(old), retention);
    const fresh = idAt(Date.now());
    await log.recordAccepted('age', accepted(fresh), retention);
    expect(await redis.zrange(keys.events('age'), 0, -1)).toEqual([fresh]);
    const ttl = await redis.pttl(keys.event('age', fresh));
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
    expect(await redis.pttl(keys.invocations('inv', id))).toBeGreaterThan(55_000);
  });

  it('never moves a final status back, and does not recreate an event that has expired', async () => {
    const id = idAt(Date.now());
    await log.recordAccepted('final', accepted(id), retention);
    await recordAttempt('final', id, invocation(id, 1), 'processed', retention);
    await recordAttempt('final', id, invocation(id, 2), 'processing', retention);
    expect((await log.get('final', id))?.deliveries).toEqual([{ trigger: 't', status: 'processed' }]);

    const gone = idAt(Date.now());
    await recordAttempt('final', gone, invocation(gone, 1), 'processed', retention);
    expect(await redis.exists(keys.event('final', gone))).toBe(0);
    expect(await log.get('final', gone)).toBeUndefined();
  });
});
