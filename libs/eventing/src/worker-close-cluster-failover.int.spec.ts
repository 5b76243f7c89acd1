// An event-worker on a Redis Cluster (REDIS_CLUSTER_NODES; 3 masters + 3 replicas, real redis-servers)
// closes promptly when it is closed 0.3, 1 or 3 s after one of its masters was SIGKILLed, while it
// delivers a steady stream. Before EndingCluster the closes 0.3 and 1 s after the kill took the full 5 s
// partition stop grace (the BullMQ workers were still open then): their blocking Cluster connections
// ended and then went back to 'close', and the BZPOPMIN they held for a retry on the failed node went to
// the offline queue for good (see ending-cluster.ts).
import { partitionOf } from '@spaceport/eventing-core';
import { type RedisNode, sleep, useRedisCluster, waitFor, WebhookReceiver } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartitionConsumers } from './delivery/partition-consumers';
import { EventDeliveryModule, EventIngestModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec } from './testing-fixtures/fixtures';
import { postQueue } from './testing-fixtures/queue-request';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const PARTITIONS = 4;
/** each delivery is answered after this, so some are in flight when the worker closes */
const REPLY_DELAY_MS = 150;
/** below the 5 s partition stop grace (PARTITION_STOP_GRACE_MS); measured 0.1–2.0 s with EndingCluster */
const CLOSE_BOUND_MS = 4_000;
const receiver = new WebhookReceiver();
const topology = useRedisCluster({ masters: 3, replicasPerMaster: 1 });
let view: StaticConfigView;
let gateway: RunningApp;

const keyOf = (partition: number): string => {
  for (let i = 0; ; i += 1) if (partitionOf('shop', `k${i}`, PARTITIONS) === partition) return `k${i}`;
};

/** Queues one event per partition every 50 ms until `stop` aborts (answers during the failover may be 503). */
async function steadyStream(stop: AbortSignal): Promise<void> {
  for (let n = 0; n < 2_000 && !stop.aborted; n += 1) {
    await Promise.all(
      [0, 1, 2, 3].map((p) =>
        postQueue(gateway.url, { type: 'tick', payload: { n }, partitionKey: keyOf(p) }).catch(() => undefined),
      ),
    );
    await sleep(50);
  }
}

beforeAll(async () => {
  delete process.env['REDIS_URL'];
  process.env['REDIS_CLUSTER_NODES'] = topology.cluster.nodeAddresses;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  await receiver.start();
  receiver.setReplyRule(() => ({ status: 204, delayMs: REPLY_DELAY_MS }));
  view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick` } })));
  gateway = await startTestApp('gateway', 'gw-cluster-close', EventIngestModule, view);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await receiver.close();
});

/** Starts a worker, streams until it delivers, runs `between`, then closes it: how long the close took (Infinity: past the bound) and what was still stopping then. */
async function closeWhileDelivering(
  nodeId: string,
  between: () => Promise<void>,
): Promise<{ closeMs: number; stillStopping: unknown[] }> {
  const worker = await startTestApp('event-worker', nodeId, EventDeliveryModule, view);
  const stop = new AbortController();
  const stream = steadyStream(stop.signal);
  let closeMs = Infinity;
  let stillStopping: unknown[] = [];
  try {
    const delivered = receiver.received.length;
    await waitFor(() => receiver.received.length >= delivered + 20, { what: 'deliveries under way' });
    await between();
    const started = performance.now();
    const closed = worker.close().then(() => (closeMs = performance.now() - started));
    await Promise.race([closed, sleep(CLOSE_BOUND_MS)]);
    if (closeMs === Infinity) stillStopping = worker.app.get(PartitionConsumers).stillStopping();
  } finally {
    stop.abort();
    await stream;
  }
  return { closeMs, stillStopping };
}

describe('an event-worker on a Redis Cluster closed while it delivers', { timeout: 60_000 }, () => {
  it('closes promptly when nothing is wrong', async () => {
    expect(await closeWhileDelivering('worker-cluster-quiet', () => Promise.resolve())).toEqual({
      closeMs: expect.any(Number),
      stillStopping: [],
    });
  });

  it.each([300, 1_000, 3_000])('closed %i ms after a master was SIGKILLed: within the bound', async (delayMs) => {
    const { cluster } = topology;
    let killed: RedisNode | undefined;
    const result = await closeWhileDelivering(`worker-cluster-kill-${delayMs}`, async () => {
      killed = await cluster.killMaster(0);
      await sleep(delayMs);
    });
    console.info(`cluster: worker closed ${delayMs} ms after a master's SIGKILL in ${Math.round(result.closeMs)} ms`);
    expect(result.stillStopping).toEqual([]);
    expect(result.closeMs).toBeLessThan(CLOSE_BOUND_MS);
    // the next attempt again on 3 masters, each with a replica
    await cluster.waitForFailover();
    if (killed) await cluster.restartNode(killed);
  });
});
