import {
  DEFAULT_SENTINEL_MASTER_NAME,
  namedMaster,
  SENTINEL_COUNT,
  sentinelConfig,
  waitForSentinels,
} from './redis-topology.mjs';
import { freePorts } from './ports';
import {
  endpointOf,
  redisCommand,
  redisInfo,
  type RedisFailover,
  type RedisNode,
  startRedisNodes,
  startReplicatedNodes,
  syncedMasterOf,
} from './redis-node';
import { waitFor } from './wait';

export interface RedisSentinelOptions {
  /** The name the sentinels monitor the master under (`sentinel monitor <name> …`); default `spaceport`. */
  masterName?: string;
  /** `sentinel down-after-milliseconds`; default 1000. */
  downAfterMs?: number;
  /** `sentinel failover-timeout`; default 3000. */
  failoverTimeoutMs?: number;
  /**
   * Replicas of the master, 1–4; default 1. With 2, a failover leaves the promoted master a replica (the
   * sentinels point the other one at it), as `REDIS_WAIT_REPLICAS=1` needs to accept writes again.
   */
  replicas?: number;
}

/** A master, its replicas (one by default) and three sentinels, real redis-server processes on free loopback ports. */
export interface RedisSentinelTopology {
  readonly masterName: string;
  /** The data nodes as started: [master, ...replicas]. Their roles change with failovers. */
  readonly dataNodes: readonly RedisNode[];
  readonly sentinels: readonly RedisNode[];
  /** `127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`: the form of a REDIS_SENTINELS setting. */
  readonly sentinelAddresses: string;
  /** The sentinels as ioredis's `sentinels` option takes them. */
  readonly sentinelEndpoints: readonly { host: string; port: number }[];
  /** Every process, for logs. */
  readonly processes: readonly RedisNode[];
  /** host:port of the master, as the first sentinel that answers names it. */
  masterAddress(): Promise<string>;
  /** SIGKILLs the current master's process (by its PID) and returns its node. */
  killMaster(): Promise<RedisNode>;
  /** Waits until every sentinel names a master other than the killed one and that node is a master. */
  waitForFailover(options?: { timeoutMs?: number }): Promise<RedisFailover>;
  /**
   * Starts a killed data node again with its own config and waits until it is a replica of the current
   * master, in sync. A killed master comes back as a master; the sentinels demote it only once it has been
   * up for 8 s (Sentinel's fixed wait), so this takes about 10 s then.
   */
  restartNode(node: RedisNode, options?: { timeoutMs?: number }): Promise<void>;
  /** Stops every process (sentinels first, so none fails over meanwhile) and removes the temp dirs. */
  stop(): Promise<void>;
}

/** How many replicas in sync with the master the sentinel on `port` knows. */
async function syncedReplicasSeen(port: number, masterName: string): Promise<number> {
  const reply = (await redisCommand(port, 'SENTINEL', 'REPLICAS', masterName)) as unknown[][];
  return reply.filter((fields) => {
    const flat = fields.map(String);
    const value = (name: string): string | undefined => flat[flat.indexOf(name) + 1];
    return value('flags') === 'slave' && value('master-link-status') === 'ok';
  }).length;
}

async function isMaster(address: string): Promise<boolean> {
  const info = await redisInfo(endpointOf(address).port, 'replication');
  return info.get('role') === 'master';
}

/** The master every sentinel names, when they agree on one other than `killed` and it is a master. */
async function agreedNewMaster(
  sentinels: RedisNode[],
  masterName: string,
  killed: string,
): Promise<string | undefined> {
  const named = new Set(await Promise.all(sentinels.map((s) => namedMaster(s.port, masterName))));
  const [address] = [...named];
  if (named.size !== 1 || !address || address === killed) return undefined;
  return (await isMaster(address)) ? address : undefined;
}

/**
 * Starts a master, its replicas (`replicaof`) and three sentinels (`redis-server <conf> --sentinel`, quorum 2)
 * and waits until every replica is in sync and every sentinel names the master, sees the replica and the
 * other two sentinels.
 */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinelTopology> {
  const masterName = options.masterName ?? DEFAULT_SENTINEL_MASTER_NAME;
  const replicaCount = options.replicas ?? 1;
  if (!Number.isInteger(replicaCount) || replicaCount < 1 || replicaCount > 4)
    throw new RangeError(`replicas must be 1-4, got ${replicaCount}`);
  const { master, replicas } = await startReplicatedNodes(replicaCount);
  const dataNodes = [master, ...replicas];
  let sentinels: RedisNode[] = [];
  try {
    const config = sentinelConfig(masterName, master.port, options);
    sentinels = await startRedisNodes(
      (await freePorts(SENTINEL_COUNT)).map((port) => ({ role: 'sentinel', port, config, sentinel: true })),
    );
    const agreed = await waitForSentinels(
      sentinels.map((s) => s.port),
      masterName,
    );
    if (agreed !== master.address) throw new Error(`the sentinels agreed on ${agreed}, not ${master.address}`);
    // a replica a sentinel has not discovered yet (from the master's INFO, every 10 s) is left behind by a failover
    await waitFor(
      async () =>
        (await Promise.all(sentinels.map((s) => syncedReplicasSeen(s.port, masterName)))).every(
          (n) => n === replicaCount,
        ),
      { what: `every sentinel to see the ${replicaCount} replicas in sync`, timeoutMs: 30_000 },
    );
  } catch (error) {
    await Promise.all([...sentinels, ...dataNodes].map((node) => node.stop()));
    throw error;
  }
  return sentinelTopology(masterName, dataNodes, sentinels);
}

function sentinelTopology(masterName: string, dataNodes: RedisNode[], sentinels: RedisNode[]): RedisSentinelTopology {
  let lastKill: { address: string; at: number } | undefined;
  const masterAddress = async (): Promise<string> =>
    waitFor(() => Promise.any(sentinels.map((s) => namedMaster(s.port, masterName))), {
      what: `a sentinel to name the master ${masterName}`,
    });
  const nodeAt = (address: string): RedisNode => {
    const node = dataNodes.find((n) => n.address === address);
    if (!node) throw new Error(`no data node of this topology listens on ${address}`);
    return node;
  };
  return {
    masterName,
    dataNodes,
    sentinels,
    sentinelAddresses: sentinels.map((s) => s.address).join(','),
    sentinelEndpoints: sentinels.map((s) => ({ host: s.host, port: s.port })),
    processes: [...dataNodes, ...sentinels],
    masterAddress,
    killMaster: async () => {
      const node = nodeAt(await masterAddress());
      lastKill = { address: node.address, at: performance.now() };
      await node.process.kill();
      return node;
    },
    waitForFailover: async ({ timeoutMs = 30_000 } = {}) => {
      const kill = lastKill;
      if (!kill) throw new Error('waitForFailover() follows killMaster()');
      const newMaster = await waitFor(() => agreedNewMaster(sentinels, masterName, kill.address), {
        what: `the sentinels to fail over from ${kill.address}`,
        timeoutMs,
      });
      return { newMaster, elapsedMs: Math.round(performance.now() - kill.at) };
    },
    restartNode: async (node, { timeoutMs = 30_000 } = {}) => {
      await node.start();
      await waitFor(async () => (await syncedMasterOf(node.port)) === (await masterAddress()), {
        what: `${node.address} to be a replica of the current master, in sync`,
        timeoutMs,
      });
    },
    stop: async () => {
      await Promise.all(sentinels.map((s) => s.stop()));
      await Promise.all(dataNodes.map((n) => n.stop()));
    },
  };
}
