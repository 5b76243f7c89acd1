// waitForReplicas on a real Redis Cluster (3 masters, a replica each): WAIT goes to the master that owns the
// slot written, so a paused replica of one shard makes only that shard's writes fall short; concurrent
// callers on one connection share a WAIT instead of queueing one each behind the blocked connection.
import { redisCommand, type RedisNode, useRedisCluster, waitFor } from '@spaceport/testing';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, type RedisClient } from './create-redis';
import { slotOf } from './key-layout';
import { parseRedisConnection } from './redis-connection';
import { waitForReplicas } from './redis-wait';

const topology = useRedisCluster();
const WAIT = { replicas: 1, timeoutMs: 300 };
let client: RedisClient;

/** A key whose slot the master at `address` serves. */
async function keyServedBy(address: string): Promise<string> {
  const masters = await topology.cluster.masters();
  const master = masters.find((m) => m.address === address)!;
  for (let i = 0; ; i += 1) {
    const slot = slotOf(`{w${i}}`);
    if (master.slots.some(([first, last]) => slot >= first && slot <= last)) return `{w${i}}`;
  }
}

/** The replica process of the master at `address`. */
async function replicaOf(address: string): Promise<RedisNode> {
  for (const node of topology.cluster.nodes) {
    const info = String(await redisCommand(node.port, 'INFO', 'replication'));
    if (info.includes('role:slave') && info.includes(`master_port:${address.split(':')[1]}`)) return node;
  }
  throw new Error(`no replica of ${address}`);
}

async function waitCalls(port: number): Promise<number> {
  const stats = String(await redisCommand(port, 'INFO', 'commandstats'));
  return Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

beforeAll(async () => {
  const connection = parseRedisConnection({ REDIS_CLUSTER_NODES: topology.cluster.nodeAddresses });
  client = createRedis(connection, { kind: 'command', commandTimeoutMs: 2_000 }, { connectionName: 'wait-test' });
  if (client.status === 'wait') await client.connect();
  await waitFor(() => client.status === 'ready', { what: 'the cluster client ready' });
  await (client as Cluster).set('{warm}', '1');
});

afterAll(() => {
  client?.disconnect();
});

describe('waitForReplicas on a Redis Cluster', { timeout: 60_000 }, () => {
  it('WAITs on the master of the written slot: a paused replica fails only its own shard', async () => {
    const [paused, healthy] = await topology.cluster.masters();
    const pausedKey = await keyServedBy(paused!.address);
    const healthyKey = await keyServedBy(healthy!.address);
    await Promise.all([client.set(pausedKey, 'a'), client.set(healthyKey, 'b')]);
    expect(await waitForReplicas(client, WAIT, [pausedKey, healthyKey])).toEqual({ acknowledged: 1, ok: true });

    const replica = await replicaOf(paused!.address);
    replica.process.signal('SIGSTOP');
    try {
      await Promise.all([client.set(pausedKey, 'c'), client.set(healthyKey, 'd')]);
      const startedAt = performance.now();
      const [healthyWait, pausedWait] = await Promise.all([
        waitForReplicas(client, WAIT, [healthyKey]).then((r) => ({ ...r, ms: performance.now() - startedAt })),
        waitForReplicas(client, WAIT, [pausedKey]).then((r) => ({ ...r, ms: performance.now() - startedAt })),
      ]);
      expect(healthyWait).toMatchObject({ acknowledged: 1, ok: true });
      expect(healthyWait.ms).toBeLessThan(150);
      expect(pausedWait).toMatchObject({ acknowledged: 0, ok: false });
      expect(pausedWait.ms).toBeGreaterThanOrEqual(WAIT.timeoutMs - 20);

      // 20 concurrent callers on the paused shard: one WAIT in flight and one queued behind it, not 20
      const port = Number(paused!.address.split(':')[1]);
      const before = await waitCalls(port);
      const concurrentAt = performance.now();
      const results = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          await client.set(`${pausedKey}:${i}`, 'x');
          return waitForReplicas(client, WAIT, [`${pausedKey}:${i}`]);
        }),
      );
      expect(results.every((r) => !r.ok)).toBe(true);
      expect(performance.now() - concurrentAt).toBeLessThan(2 * WAIT.timeoutMs + 300);
      expect((await waitCalls(port)) - before).toBeLessThanOrEqual(2);
    } finally {
      replica.process.signal('SIGCONT');
    }
  });

  it('asks nothing with 0 replicas', async () => {
    expect(await waitForReplicas(client, { replicas: 0, timeoutMs: 1 }, ['{any}'])).toEqual({
      acknowledged: 0,
      ok: true,
    });
  });
});
