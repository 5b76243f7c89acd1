// EndingCluster against a real Redis Cluster (3 masters): once disconnect() ended a cluster client, it
// stays 'end' and rejects a command sent then. Plain ioredis 5 sets such a client back to 'close' (each
// further node's 'end' drains the empty node pool again) and parks the command in its offline queue for
// good — how a BZPOPMIN retried after a master failover kept BullMQ's Worker.close() waiting.
import { useRedisCluster } from '@spaceport/testing';
import { Cluster } from 'ioredis';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createRedis } from './create-redis';
import { EndingCluster } from './ending-cluster';
import { parseRedisConnection } from './redis-connection';

const topology = useRedisCluster({ masters: 3, replicasPerMaster: 0 });

/** Connects `client`, disconnects it; its status and how a command sent after its 'end' settled within 300 ms. */
async function afterEnd(client: Cluster): Promise<{ nodes: number; status: string; command: string }> {
  client.on('error', () => undefined);
  await client.connect();
  const nodes = client.nodes('all').length;
  const ended = once(client, 'end');
  client.disconnect();
  await ended;
  await new Promise((r) => setTimeout(r, 50));
  const status = client.status;
  const command = await Promise.race([
    client.get('ending-cluster').then(
      () => 'resolved',
      (error: Error) => error.message,
    ),
    new Promise<string>((r) => setTimeout(() => r('pending'), 300)),
  ]);
  return { nodes, status, command };
}

describe('EndingCluster', () => {
  it('stays ended after disconnect() and rejects a command sent then', async () => {
    const connection = parseRedisConnection({ REDIS_CLUSTER_NODES: topology.cluster.nodeAddresses });
    const client = createRedis(connection, { kind: 'worker' }, { connectionName: 'ending-cluster' }) as Cluster;
    expect(client).toBeInstanceOf(EndingCluster);
    expect(await afterEnd(client)).toEqual({ nodes: 3, status: 'end', command: 'Connection is closed.' });
  });

  it("its duplicates (BullMQ's blocking connections) are EndingClusters too, and connect again after end", async () => {
    const connection = parseRedisConnection({ REDIS_CLUSTER_NODES: topology.cluster.nodeAddresses });
    const base = createRedis(connection, { kind: 'worker' }, { connectionName: 'ending-base' }) as Cluster;
    const duplicate = base.duplicate();
    expect(duplicate).toBeInstanceOf(EndingCluster);
    expect((await afterEnd(duplicate)).status).toBe('end');
    await duplicate.connect();
    expect(await duplicate.set('ending-cluster', 'again')).toBe('OK');
    duplicate.disconnect();
    base.disconnect();
  });

  // Why EndingCluster exists. When this fails, ioredis keeps an ended cluster ended and EndingCluster can go.
  it('plain ioredis sets an ended cluster client back to close and leaves a command pending', async () => {
    const client = new Cluster([...topology.cluster.nodeEndpoints], { lazyConnect: true });
    expect(await afterEnd(client)).toEqual({ nodes: 3, status: 'close', command: 'pending' });
    client.disconnect();
  });
});
