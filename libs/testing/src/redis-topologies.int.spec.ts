import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { useRedisCluster, useRedisSentinel } from './suite';
import { type SlotRange } from './redis-cluster-nodes';
import { type RedisFailover } from './redis-node';
import { sleep } from './wait';

/** How a client fared while a master was killed and replaced. */
interface ClientRecovery {
  /** From the kill until the client's first acknowledged write after it. */
  firstWriteMs: number;
  /** Writes acknowledged during the whole run (each is read back afterwards). */
  acknowledged: string[];
  /** Errors the client gave back meanwhile (the app would retry these). */
  errors: string[];
}

/**
 * Writes keys `stream:<n>` one after the other through `write` until `failover` has settled and a write
 * went through after it, retrying a write that fails; bounded by `timeoutMs` from the kill.
 */
async function writeThroughFailover(
  write: (key: string) => Promise<unknown>,
  failover: Promise<RedisFailover>,
  killedAt: number,
  timeoutMs = 30_000,
): Promise<ClientRecovery> {
  let settled = false;
  void failover.then(() => (settled = true)).catch(() => (settled = true));
  const recovery: ClientRecovery = { firstWriteMs: -1, acknowledged: [], errors: [] };
  let n = 0;
  for (;;) {
    if (performance.now() - killedAt > timeoutMs) {
      throw new Error(`no write after the failover: ${distinct(recovery.errors)}`);
    }
    const settledBefore = settled;
    const key = `stream:${n}`;
    try {
      await write(key);
      recovery.acknowledged.push(key);
      if (recovery.firstWriteMs < 0) recovery.firstWriteMs = Math.round(performance.now() - killedAt);
      n++;
      if (settledBefore) return recovery;
    } catch (error) {
      recovery.errors.push(error instanceof Error ? error.message : String(error));
      await sleep(50);
    }
    await sleep(20);
  }
}

/** A hash tag (`{t<n>}`) whose keys fall into `slots`. */
async function hashTagServedBy(client: Cluster, slots: readonly SlotRange[]): Promise<string> {
  for (let n = 0; n < 1_000; n++) {
    const slot = Number(await client.cluster('KEYSLOT', `{t${n}}`));
    if (slots.some(([first, last]) => slot >= first && slot <= last)) return `{t${n}}`;
  }
  throw new Error('no hash tag falls into these slots');
}

const withoutPort = (message: string): string => message.replace(/:\d+/g, ':<port>');
const distinct = (errors: string[]): string => [...new Set(errors)].join(' | ') || 'none';

describe('Redis Sentinel topology (a master, a replica, three sentinels)', () => {
  const topology = useRedisSentinel();
  let client: Redis | undefined;
  /** What the client emitted as `error` events (it logs them as unhandled otherwise). */
  const connectionErrors: string[] = [];
  afterAll(() => client?.disconnect());

  it('a sentinel-aware client follows a failover to the promoted replica by itself', async () => {
    const { sentinel } = topology;
    expect(sentinel.sentinelAddresses.split(',')).toHaveLength(3);
    const oldMaster = await sentinel.masterAddress();
    client = new Redis({ sentinels: [...sentinel.sentinelEndpoints], name: sentinel.masterName });
    client.on('error', (error: Error) => connectionErrors.push(error.message));
    for (let i = 0; i < 100; i++) await client.set(`event:${i}`, String(i));
    expect(await client.call('WAIT', '1', '2000')).toBe(1); // the replica has them before the kill

    const killedAt = performance.now();
    await sentinel.killMaster();
    const failover = sentinel.waitForFailover();
    const sentinelClient = client;
    const recovery = await writeThroughFailover((key) => sentinelClient.set(key, 'x'), failover, killedAt);
    const { newMaster, elapsedMs } = await failover;
    console.info(
      `[sentinel] failover ${oldMaster} → ${newMaster}: sentinels agreed after ${elapsedMs} ms; client's first ` +
        `write after ${recovery.firstWriteMs} ms, ${recovery.acknowledged.length} acknowledged, ` +
        `${recovery.errors.length} errors (${distinct(recovery.errors)}); ${connectionErrors.length} error ` +
        `events (${distinct(connectionErrors.map(withoutPort))})`,
    );

    expect(newMaster).not.toBe(oldMaster);
    expect(await client.config('GET', 'port')).toEqual(['port', newMaster.split(':')[1]]);
    expect(await client.get('event:99')).toBe('99');
    expect(await client.mget(recovery.acknowledged)).toEqual(recovery.acknowledged.map(() => 'x'));
  });

  it('the killed master comes back as a replica of the new one', async () => {
    const { sentinel } = topology;
    const killed = sentinel.dataNodes.find((node) => !node.process.running);
    if (!killed || !client) throw new Error('the failover test runs first');
    const startedAt = performance.now();
    await sentinel.restartNode(killed);
    console.info(
      `[sentinel] ${killed.address} back as a replica after ${Math.round(performance.now() - startedAt)} ms`,
    );
    await client.set('after-rejoin', 'y');
    expect(await client.call('WAIT', '1', '2000')).toBe(1);
    expect(await client.get('event:0')).toBe('0');
  });
});

describe('Redis Cluster topology (3 masters, 3 replicas)', () => {
  const topology = useRedisCluster({ masters: 3, replicasPerMaster: 1 });
  const keys = Array.from({ length: 300 }, (_, i) => `event:${i}`);
  let client: Cluster | undefined;
  const connectionErrors: string[] = [];
  afterAll(() => client?.disconnect());

  /** The client's connection to the master at `address`. */
  const masterClient = (address: string): Redis => {
    const node = client?.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === address);
    if (!node) throw new Error(`the client has no connection to the master ${address}`);
    return node;
  };

  it('spreads keys over the three masters by hash slot', async () => {
    const { cluster } = topology;
    expect(cluster.nodeAddresses.split(',')).toHaveLength(6);
    const masters = await cluster.masters();
    expect(masters.map((m) => m.slots)).toEqual([[[0, 5460]], [[5461, 10921]], [[10922, 16383]]]);
    client = new Cluster([...cluster.nodeEndpoints]);
    client.on('error', (error: Error) => connectionErrors.push(error.message));
    await Promise.all(keys.map((key) => client?.set(key, key)));

    const slots = await Promise.all(keys.map(async (key) => Number(await client?.cluster('KEYSLOT', key))));
    for (const master of masters) {
      const owned = slots.filter((slot) => master.slots.some(([first, last]) => slot >= first && slot <= last));
      expect(owned.length).toBeGreaterThan(50);
      expect(await masterClient(master.address).dbsize()).toBe(owned.length);
    }
    expect(client.nodes('master')).toHaveLength(3);
  });

  it('runs a multi-key Lua script on hash-tagged keys and refuses untagged ones (CROSSSLOT)', async () => {
    if (!client) throw new Error('the spreading test runs first');
    const script = [
      "redis.call('SET', KEYS[1], ARGV[1])",
      "redis.call('RPUSH', KEYS[2], ARGV[1])",
      "return redis.call('LLEN', KEYS[2])",
    ].join('\n');
    expect(await client.eval(script, 2, '{delivery:7}:state', '{delivery:7}:log', 'sent')).toBe(1);
    expect(await client.eval(script, 2, '{delivery:7}:state', '{delivery:7}:log', 'acked')).toBe(2);
    expect(await client.get('{delivery:7}:state')).toBe('acked');
    await expect(client.eval(script, 2, 'delivery:7:state', 'delivery:7:log', 'x')).rejects.toThrow(/CROSSSLOT/);
  });

  it('promotes a replica when a master is killed; the same client works on once it refused a few writes', async () => {
    const { cluster } = topology;
    if (!client) throw new Error('the spreading test runs first');
    const victim = (await cluster.masters())[1];
    if (!victim) throw new Error('no second master');
    expect(await masterClient(victim.address).call('WAIT', '1', '2000')).toBe(1);

    const tag = await hashTagServedBy(client, victim.slots);

    const killedAt = performance.now();
    await cluster.killMaster(1);
    const failover = cluster.waitForFailover();
    const clusterClient = client;
    const recovery = await writeThroughFailover((key) => clusterClient.set(`${tag}${key}`, 'x'), failover, killedAt);
    const { newMaster, elapsedMs } = await failover;
    console.info(
      `[cluster] failover ${victim.address} → ${newMaster}: cluster ok again after ${elapsedMs} ms; client's ` +
        `first write after ${recovery.firstWriteMs} ms, ${recovery.acknowledged.length} acknowledged, ` +
        `${recovery.errors.length} errors (${distinct(recovery.errors)}); ${connectionErrors.length} error ` +
        `events (${distinct(connectionErrors.map(withoutPort))})`,
    );

    const masters = await cluster.masters();
    expect(masters.map((m) => m.address)).toContain(newMaster);
    expect(masters.map((m) => m.address)).not.toContain(victim.address);
    expect(await Promise.all(keys.map((key) => client?.get(key)))).toEqual(keys);
    const written = recovery.acknowledged.map((key) => `${tag}${key}`);
    expect(await client.mget(written)).toEqual(written.map(() => 'x'));
  });

  it('the killed master rejoins as a replica', async () => {
    const { cluster } = topology;
    const killed = cluster.nodes.find((node) => !node.process.running);
    if (!killed || !client) throw new Error('the failover test runs first');
    const startedAt = performance.now();
    await cluster.restartNode(killed);
    console.info(
      `[cluster] ${killed.address} rejoined as a replica after ${Math.round(performance.now() - startedAt)} ms`,
    );
    expect((await cluster.masters()).map((m) => m.address)).not.toContain(killed.address);
    await client.set('after-rejoin', 'y');
    expect(await client.get('after-rejoin')).toBe('y');
  });
});
