// The errors Redis gives while it fails over, against real redis-server processes: the queue API answers
// them 503 with Retry-After and the API's error body, never 500. The connection closed (Redis stopped),
// NOREPLICAS (a master with min-replicas-to-write and no replica), READONLY (the node demoted to a replica,
// as a Sentinel failover does to the old master). And an event refused while Redis was away is never
// delivered once Redis is back (a BullMQ add held back until the connection returned did that).
import {
  freePorts,
  REDIS_DATA_NODE_CONFIG,
  redisCommand,
  type RedisNode,
  sleep,
  startRedisNodes,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { keyInPartition, shopSpec } from './testing-fixtures/fixtures';
import { postQueue, type QueueAnswer } from './testing-fixtures/queue-request';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const PARTITIONS = 4;
const COMMAND_TIMEOUT_MS = 500;
const receiver = new WebhookReceiver();
let node: RedisNode;
let other: RedisNode;
let gateway: RunningApp;
let worker: RunningApp;

const queue = (n: number, partition: number): Promise<QueueAnswer> =>
  postQueue(gateway.url, { type: 'tick', payload: { n }, partitionKey: keyInPartition(partition, PARTITIONS) });

const deliveredNs = (): number[] =>
  receiver.received.map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);

/** A refusal as the API must give it while Redis fails over. */
function expectUnavailable(answer: QueueAnswer): void {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe('1');
  expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String) });
}

beforeAll(async () => {
  const ports = await freePorts(2);
  [node, other] = (await startRedisNodes(
    ports.map((port, i) => ({ role: i === 0 ? 'redis' : 'redis-other', port, config: REDIS_DATA_NODE_CONFIG })),
  )) as [RedisNode, RedisNode];
  process.env['REDIS_URL'] = `redis://${node.address}`;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['REDIS_COMMAND_TIMEOUT_MS'] = String(COMMAND_TIMEOUT_MS);
  await receiver.start();
  receiver.setReplyRule(() => ({ status: 204 }));
  const view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick` } })));
  gateway = await startTestApp('gateway', 'gw-errors', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-errors', EventDeliveryModule, view);
}, 60_000);

afterAll(async () => {
  delete process.env['REDIS_COMMAND_TIMEOUT_MS'];
  await worker?.close();
  await gateway?.close();
  await receiver.close();
  await Promise.all([node?.stop(), other?.stop()]);
});

describe('Redis failover errors on the queue API', { timeout: 60_000 }, () => {
  it('answers 503 while Redis is away, and never delivers an event it refused once Redis is back', async () => {
    expect((await queue(1, 0)).status).toBe(202);
    await waitFor(() => deliveredNs().includes(1), { what: 'the first event delivered' });
    await node.process.stop();
    // partitions 1-3 had no event yet: their BullMQ queue handles first initialise now, with Redis away
    const refused = await Promise.all([queue(101, 1), queue(102, 2), queue(103, 3), queue(100, 0)]);
    for (const answer of refused) expectUnavailable(answer);
    expect(Math.max(...refused.map((a) => a.elapsedMs))).toBeLessThan(COMMAND_TIMEOUT_MS + 1_000);
    await node.start();
    await waitFor(async () => (await queue(2, 1)).status === 202, { what: 'a 202 with Redis back', timeoutMs: 15_000 });
    for (const partition of [0, 2, 3]) expect((await queue(10 + partition, partition)).status).toBe(202);
    await waitFor(() => [2, 10, 12, 13].every((n) => deliveredNs().includes(n)), {
      what: 'the later events delivered',
    });
    await sleep(1_000);
    expect(deliveredNs().filter((n) => n >= 100)).toEqual([]);
  });

  it('answers NOREPLICAS (a master that may not write without replicas) 503', async () => {
    await redisCommand(node.port, 'CONFIG', 'SET', 'min-replicas-to-write', '1');
    try {
      const answer = await queue(200, 0);
      expectUnavailable(answer);
    } finally {
      await redisCommand(node.port, 'CONFIG', 'SET', 'min-replicas-to-write', '0');
    }
    expect((await queue(201, 0)).status).toBe(202);
  });

  it('answers READONLY (the node demoted to a replica, as Sentinel does to an old master) 503', async () => {
    await redisCommand(node.port, 'REPLICAOF', other.host, String(other.port));
    try {
      await waitFor(async () => (await redisCommand(node.port, 'ROLE')) instanceof Array, { what: 'ROLE' });
      const answers = await Promise.all([0, 1, 2, 3].map((partition) => queue(300 + partition, partition)));
      for (const answer of answers) expectUnavailable(answer);
      expect(answers[0]?.body['message']).toBe('event store unavailable, retry later');
    } finally {
      await redisCommand(node.port, 'REPLICAOF', 'NO', 'ONE');
    }
    await waitFor(async () => (await queue(301, 0)).status === 202, { what: 'a 202 once the node is master again' });
  });
});
