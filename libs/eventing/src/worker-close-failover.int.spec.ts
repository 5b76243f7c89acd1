// An event-worker closes promptly after a Redis failover, against real redis-server processes: a master
// and its replica. The replica is promoted and the master demoted to its replica (REPLICAOF, as Sentinel
// does to an old master: Redis drops the clients blocked in BZPOPMIN), then the roles go back, while a
// steady stream is delivered; the worker is
// closed at once, while its BullMQ blocking connections still wait out their reconnect delay. Before
// EndingRedis its close() never finished (ioredis never ended a client disconnected in 'reconnecting',
// and BullMQ's Worker.close() waits for that end). The close stays graceful: the deliveries in flight
// finish (nothing left active in BullMQ).
import { redisCommand, type RedisNode, sleep, startReplicatedNodes, WebhookReceiver } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventIngestModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { closeWhileDelivering, type DeliveringSetup } from './testing-fixtures/close-while-delivering';
import { shopSpec } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const PARTITIONS = 4;
/** each delivery is answered after this, so some are in flight when the worker closes */
const REPLY_DELAY_MS = 150;
/** a close that takes longer failed (it was unbounded before; a graceful one here takes < 0.5 s) */
const CLOSE_BOUND_MS = 3_000;
const receiver = new WebhookReceiver();
let setup: DeliveringSetup;
let node: RedisNode;
let other: RedisNode;
let gateway: RunningApp;

/** Jobs BullMQ holds as active (taken by a worker, not completed) over every partition queue. */
async function activeJobs(): Promise<number> {
  const keys = (await redisCommand(node.port, 'KEYS', '*:active')) as string[];
  let total = 0;
  for (const key of keys) total += Number(await redisCommand(node.port, 'LLEN', key));
  return total;
}

beforeAll(async () => {
  const nodes = await startReplicatedNodes(1);
  node = nodes.master;
  [other] = nodes.replicas as [RedisNode];
  process.env['REDIS_URL'] = `redis://${node.address}`;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  await receiver.start();
  receiver.setReplyRule(() => ({ status: 204, delayMs: REPLY_DELAY_MS }));
  const view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick` } })));
  gateway = await startTestApp('gateway', 'gw-close', EventIngestModule, view);
  setup = { gateway, view, receiver, partitions: PARTITIONS };
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await receiver.close();
  await Promise.all([node?.stop(), other?.stop()]);
});

/** How long closing a worker took (Infinity: past CLOSE_BOUND_MS). */
const closeMsOf = async (nodeId: string, between: () => Promise<void>): Promise<number> =>
  (await closeWhileDelivering(setup, nodeId, between, CLOSE_BOUND_MS)).closeMs;

describe('an event-worker closed while it delivers', { timeout: 60_000 }, () => {
  it('waits for the deliveries in flight when nothing is wrong', async () => {
    const closeMs = await closeMsOf('worker-quiet', () => Promise.resolve());
    expect(closeMs).toBeLessThan(CLOSE_BOUND_MS);
    expect(await activeJobs()).toBe(0);
  });
});

describe('an event-worker closed right after its Redis master was demoted and promoted', { timeout: 60_000 }, () => {
  // the jobs whose completion the demoted node refused (READONLY) stay active until their lock expires
  it.each([1, 2, 3])('attempt %i: closes within the bound', async (attempt) => {
    const closeMs = await closeMsOf(`worker-failover-${attempt}`, async () => {
      await redisCommand(other.port, 'REPLICAOF', 'NO', 'ONE');
      await redisCommand(node.port, 'REPLICAOF', other.host, String(other.port));
      await sleep(20);
      await redisCommand(node.port, 'REPLICAOF', 'NO', 'ONE');
      await redisCommand(other.port, 'REPLICAOF', node.host, String(node.port));
    });
    expect(closeMs).toBeLessThan(CLOSE_BOUND_MS);
  });
});
