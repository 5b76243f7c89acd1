import { freePorts } from './ports';
import {
  endpointOf,
  REDIS_DATA_NODE_CONFIG,
  redisCommand,
  redisInfo,
  type RedisFailover,
  type RedisNode,
  startRedisNodes,
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
}

/** A master, one replica and three sentinels, real redis-server processes on free loopback ports. */
export interface RedisSentinelTopology {
  readonly masterName: string;
  /** The data nodes as started: [master, replica]. Their roles change with failovers. */
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

/** SENTINEL replies are flat arrays of field, value, field, value… */
function fieldsOf(reply: unknown): Map<string, string> {
  const flat = (reply as unknown[]).map(String);
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] ?? '', flat[i + 1] ?? '');
  return fields;
}

async function namedMaster(sentinel: RedisNode, masterName: string): Promise<string> {
  const reply = (await redisCommand(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName)) as unknown;
  if (!Array.isArray(reply)) throw new Error(`${sentinel.address} knows no master named ${masterName}`);
  return `${String(reply[0])}:${String(reply[1])}`;
}

async function isMaster(address: string): Promise<boolean> {
  const info = await redisInfo(endpointOf(address).port, 'replication');
  return info.get('role') === 'master';
}

/** True when this sentinel names `master`, sees it up, sees a replica in sync and the two other sentinels. */
async function sentinelAgrees(sentinel: RedisNode, masterName: string, master: string): Promise<boolean> {
  const state = fieldsOf(await redisCommand(sentinel.port, 'SENTINEL', 'MASTER', masterName));
  if (`${state.get('ip')}:${state.get('port')}` !== master || state.get('flags') !== 'master') return false;
  if (state.get('num-other-sentinels') !== '2') return false;
  const replicas = (await redisCommand(sentinel.port, 'SENTINEL', 'REPLICAS', masterName)) as unknown[];
  return replicas.map(fieldsOf).some((r) => r.get('flags') === 'slave' && r.get('master-link-status') === 'ok');
}

/** The master every sentinel names, when they agree on one other than `killed` and it is a master. */
async function agreedNewMaster(
  sentinels: RedisNode[],
  masterName: string,
  killed: string,
): Promise<string | undefined> {
  const named = new Set(await Promise.all(sentinels.map((s) => namedMaster(s, masterName))));
  const [address] = [...named];
  if (named.size !== 1 || !address || address === killed) return undefined;
  return (await isMaster(address)) ? address : undefined;
}

function sentinelConfig(masterName: string, master: RedisNode, options: RedisSentinelOptions): string[] {
  return [
    `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 2`,
    `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1_000}`,
    `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 3_000}`,
    `sentinel parallel-syncs ${masterName} 1`,
  ];
}

/**
 * Starts a master, a replica (`replicaof`) and three sentinels (`redis-server <conf> --sentinel`, quorum 2)
 * and waits until the replica is in sync and every sentinel names the master, sees the replica and the
 * other two sentinels.
 */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinelTopology> {
  const masterName = options.masterName ?? 'spaceport';
  const [masterPort = 0, replicaPort = 0, ...sentinelPorts] = await freePorts(5);
  const [master, replica] = await startRedisNodes([
    { role: 'redis-master', port: masterPort, config: REDIS_DATA_NODE_CONFIG },
    {
      role: 'redis-replica',
      port: replicaPort,
      config: [...REDIS_DATA_NODE_CONFIG, `replicaof 127.0.0.1 ${masterPort}`],
    },
  ]);
  if (!master || !replica) throw new Error('the data nodes did not start');
  const dataNodes = [master, replica];
  let sentinels: RedisNode[] = [];
  try {
    await waitFor(async () => (await syncedMasterOf(replica.port)) === master.address, {
      what: `replica ${replica.address} in sync with ${master.address}`,
    });
    const config = sentinelConfig(masterName, master, options);
    sentinels = await startRedisNodes(
      sentinelPorts.map((port) => ({ role: 'sentinel', port, config, sentinel: true })),
    );
    await waitFor(
      async () =>
        (await Promise.all(sentinels.map((s) => sentinelAgrees(s, masterName, master.address)))).every(Boolean),
      { what: 'the three sentinels to agree on the master, its replica and each other', timeoutMs: 30_000 },
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
    waitFor(() => Promise.any(sentinels.map((s) => namedMaster(s, masterName))), {
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
