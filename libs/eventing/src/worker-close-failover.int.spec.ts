// An event-worker closes promptly after a Redis failover, against real redis-server processes: a master
// and its replica. The replica is promoted and the master demoted to its replica (REPLICAOF, as Sentinel
// does to an old master: Redis drops the clients blocked in BZPOPMIN), then the roles go back, while a
// steady stream is delivered; the worker is
// closed at once, while its BullMQ blocking connections still wait out their reconnect delay. Before
// EndingRedis its close() never finished (ioredis never ended a client disconnected in 'reconnecting',
// and BullMQ's Worker.close() waits for that end). The close stays graceful: the deliveries in flight
// finish (nothing left active in BullMQ).
import { partitionOf } from '@spaceport/eventing-core';
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
import { EventDeliveryModule, EventIngestModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec } from './testing-fixtures/fixtures';
import { postQueue } from './testing-fixtures/queue-request';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const PARTITIONS = 4;
/** each delivery is answered after this, so some are in flight when the worker closes */
const REPLY_DELAY_MS = 150;
/** a close that takes longer failed (it was unbounded before; a graceful one here takes < 0.5 s) */
const CLOSE_BOUND_MS = 3_000;
const receiver = new WebhookReceiver();
let view: StaticConfigView;
let node: RedisNode;
let other: RedisNode;
let gateway: RunningApp;

const keyOf = (partition: number): string => {
  for (let i = 0; ; i += 1) if (partitionOf('shop', `k${i}`, PARTITIONS) === partition) return `k${i}`;
};

/** Jobs BullMQ holds as active (taken by a worker, not completed) over every partition queue. */
async function activeJobs(): Promise<number> {
  const keys = (await redisCommand(node.port, 'KEYS', '*:active')) as string[];
  let total = 0;
  for (const key of keys) total += Number(await redisCommand(node.port, 'LLEN', key));
  return total;
}

/** Queues one event per partition every 50 ms until `stop` aborts; resolves how many were accepted. */
async function steadyStream(stop: AbortSignal): Promise<number> {
  let accepted = 0;
  for (let n = 0; n < 2_000 && !stop.aborted; n += 1) {
    const answers = await Promise.all(
      [0, 1, 2, 3].map((p) => postQueue(gateway.url, { type: 'tick', payload: { n }, partitionKey: keyOf(p) })),
    );
    accepted += answers.filter((a) => a.status === 202).length;
    await sleep(50);
  }
  return accepted;
}

beforeAll(async () => {
  const [masterPort = 0, replicaPort = 0] = await freePorts(2);
  [node, other] = (await startRedisNodes([
    { role: 'redis', port: masterPort, config: REDIS_DATA_NODE_CONFIG },
    {
      role: 'redis-replica',
      port: replicaPort,
      config: [...REDIS_DATA_NODE_CONFIG, `replicaof 127.0.0.1 ${masterPort}`],
    },
  ])) as [RedisNode, RedisNode];
  process.env['REDIS_URL'] = `redis://${node.address}`;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  await receiver.start();
  receiver.setReplyRule(() => ({ status: 204, delayMs: REPLY_DELAY_MS }));
  view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick` } })));
  gateway = await startTestApp('gateway', 'gw-close', EventIngestModule, view);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await receiver.close();
  await Promise.all([node?.stop(), other?.stop()]);
});

/** Starts a worker, streams until it delivers, runs `between`, then closes it: how long the close took (Infinity: past the bound). */
async function closeWhileDelivering(nodeId: string, between: () => Promise<void>): Promise<number> {
  const worker = await startTestApp('event-worker', nodeId, EventDeliveryModule, view);
  const stop = new AbortController();
  const stream = steadyStream(stop.signal);
  let closeMs = Infinity;
  try {
    const delivered = receiver.received.length;
    await waitFor(() => receiver.received.length >= delivered + 20, { what: 'deliveries under way' });
    await between();
    const started = performance.now();
    const closed = worker.close().then(() => (closeMs = performance.now() - started));
    await Promise.race([closed, sleep(CLOSE_BOUND_MS)]);
  } finally {
    stop.abort();
    await stream;
  }
  return closeMs;
}

describe('an event-worker closed while it delivers', { timeout: 60_000 }, () => {
  it('waits for the deliveries in flight when nothing is wrong', async () => {
    const closeMs = await closeWhileDelivering('worker-quiet', () => Promise.resolve());
    expect(closeMs).toBeLessThan(CLOSE_BOUND_MS);
    expect(await activeJobs()).toBe(0);
  });
});

describe('an event-worker closed right after its Redis master was demoted and promoted', { timeout: 60_000 }, () => {
  // the jobs whose completion the demoted node refused (READONLY) stay active until their lock expires
  it.each([1, 2, 3])('attempt %i: closes within the bound', async (attempt) => {
    const closeMs = await closeWhileDelivering(`worker-failover-${attempt}`, async () => {
      await redisCommand(other.port, 'REPLICAOF', 'NO', 'ONE');
      await redisCommand(node.port, 'REPLICAOF', other.host, String(other.port));
      await sleep(20);
      await redisCommand(node.port, 'REPLICAOF', 'NO', 'ONE');
      await redisCommand(other.port, 'REPLICAOF', node.host, String(node.port));
    });
    expect(closeMs).toBeLessThan(CLOSE_BOUND_MS);
  });
});
