import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type StackSettings } from './app-stack';
import { waitFor } from './wait';
import { type ConsulAgent, type ConsulAgentOptions, startConsulAgent } from './consul-agent';
import { type RedisClusterOptions, type RedisClusterTopology, startRedisCluster } from './redis-cluster';
import { type RedisNode } from './redis-node';
import { type RedisSentinelOptions, type RedisSentinelTopology, startRedisSentinel } from './redis-sentinel';
import { type RedisServer, startRedisServer } from './redis-server';

interface HasLogs {
  name: string;
  logTail(lines?: number): string;
}

/** Prints the tail of each service's log after a failed test, so a red run explains itself. */
function showLogsOnFailure(services: () => HasLogs[]): void {
  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const service of services()) {
      console.error(`---- ${service.name} log (tail) ----\n${service.logTail(80)}\n---- end ${service.name} ----`);
    }
  });
}

/**
 * A real Consul agent for the enclosing suite: started in beforeAll, stopped in afterAll (also when
 * tests fail), its log printed after any failed test. Read `.agent` inside tests and hooks.
 */
export function useConsulAgent(options: ConsulAgentOptions = {}): { readonly agent: ConsulAgent } {
  const holder: { agent?: ConsulAgent } = {};
  beforeAll(async () => {
    holder.agent = await startConsulAgent(options);
  });
  afterAll(async () => {
    await holder.agent?.stop();
  });
  showLogsOnFailure(() => (holder.agent ? [{ name: holder.agent.process.name, logTail: holder.agent.logTail }] : []));
  return {
    get agent(): ConsulAgent {
      if (!holder.agent) throw new Error('the Consul agent is only available inside tests and hooks');
      return holder.agent;
    },
  };
}

/** A real redis-server for the enclosing suite; same lifecycle as useConsulAgent. */
export function useRedisServer(): { readonly redis: RedisServer } {
  const holder: { redis?: RedisServer } = {};
  beforeAll(async () => {
    holder.redis = await startRedisServer();
  });
  afterAll(async () => {
    await holder.redis?.stop();
  });
  showLogsOnFailure(() => (holder.redis ? [{ name: holder.redis.process.name, logTail: holder.redis.logTail }] : []));
  return {
    get redis(): RedisServer {
      if (!holder.redis) throw new Error('the Redis server is only available inside tests and hooks');
      return holder.redis;
    },
  };
}

const logsOf = (nodes: readonly RedisNode[]): HasLogs[] =>
  nodes.map((node) => ({ name: node.process.name, logTail: node.logTail }));

/**
 * A Sentinel topology for the enclosing suite (a master, its replicas — one unless `options.replicas` —, three sentinels); same lifecycle as
 * useRedisServer, every process's log printed after a failed test.
 */
export function useRedisSentinel(options: RedisSentinelOptions = {}): { readonly sentinel: RedisSentinelTopology } {
  const holder: { sentinel?: RedisSentinelTopology } = {};
  beforeAll(async () => {
    holder.sentinel = await startRedisSentinel(options);
  });
  afterAll(async () => {
    await holder.sentinel?.stop();
  });
  showLogsOnFailure(() => logsOf(holder.sentinel?.processes ?? []));
  return {
    get sentinel(): RedisSentinelTopology {
      if (!holder.sentinel) throw new Error('the Sentinel topology is only available inside tests and hooks');
      return holder.sentinel;
    },
  };
}

/** A Redis Cluster for the enclosing suite (default 3 masters, 3 replicas); same lifecycle as useRedisServer. */
export function useRedisCluster(options: RedisClusterOptions = {}): { readonly cluster: RedisClusterTopology } {
  const holder: { cluster?: RedisClusterTopology } = {};
  beforeAll(async () => {
    holder.cluster = await startRedisCluster(options);
  });
  afterAll(async () => {
    await holder.cluster?.stop();
  });
  showLogsOnFailure(() => logsOf(holder.cluster?.nodes ?? []));
  return {
    get cluster(): RedisClusterTopology {
      if (!holder.cluster) throw new Error('the Redis Cluster is only available inside tests and hooks');
      return holder.cluster;
    },
  };
}

/** The Redis topologies the data-plane suites run on. */
export const REDIS_TOPOLOGIES = ['one Redis', 'Redis Sentinel', 'Redis Cluster'] as const;
export type RedisTopologyName = (typeof REDIS_TOPOLOGIES)[number];

/** A Redis topology of the enclosing suite, as the apps and a test reach it. */
export interface RedisTopologyHandle {
  /** the environment that points an app at it */
  env(): Record<string, string>;
  /** the AppStack settings that run the built apps on it */
  stackRedis(): Pick<StackSettings, 'redisUrl' | 'redisSentinel' | 'redisCluster'>;
  /** a new ioredis client on it (a Cluster client on a Cluster); disconnect it after use */
  admin(): Redis | Cluster;
}

/**
 * The Redis of `topology` for the enclosing suite (a redis-server; a master, a replica and 3 sentinels;
 * or a 3-master cluster with a replica each), and the environment that points an app at it: `REDIS_URL`,
 * `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`, or `REDIS_CLUSTER_NODES`. Use with
 * `describe.each(REDIS_TOPOLOGIES)`.
 */
export function useRedisTopology(topology: RedisTopologyName): RedisTopologyHandle {
  if (topology === 'one Redis') {
    const server = useRedisServer();
    return {
      env: () => ({ REDIS_URL: server.redis.url }),
      stackRedis: () => ({ redisUrl: server.redis.url }),
      admin: () => new Redis(server.redis.url),
    };
  }
  if (topology === 'Redis Sentinel') {
    const holder = useRedisSentinel();
    const topologyOf = (): RedisSentinelTopology => holder.sentinel;
    return {
      env: () => ({ REDIS_SENTINELS: topologyOf().sentinelAddresses, REDIS_SENTINEL_NAME: topologyOf().masterName }),
      stackRedis: () => ({
        redisSentinel: { sentinelAddresses: topologyOf().sentinelAddresses, masterName: topologyOf().masterName },
      }),
      admin: () => new Redis({ sentinels: [...topologyOf().sentinelEndpoints], name: topologyOf().masterName }),
    };
  }
  const holder = useRedisCluster();
  return {
    env: () => ({ REDIS_CLUSTER_NODES: holder.cluster.nodeAddresses }),
    stackRedis: () => ({ redisCluster: { nodeAddresses: holder.cluster.nodeAddresses } }),
    admin: () => new Cluster([...holder.cluster.nodeEndpoints]),
  };
}

/** Every key matching `pattern` on every master (KEYS: for tests only). */
export async function keysOnEveryMaster(client: Redis | Cluster, pattern: string): Promise<string[]> {
  // a Cluster client knows its masters once it has read the slot map
  if (client instanceof Cluster && client.status !== 'ready')
    await waitFor(() => client.status === 'ready', { what: 'the Cluster client ready', timeoutMs: 10_000 });
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  return (await Promise.all(nodes.map((node) => node.keys(pattern)))).flat();
}

/** Sets `env` in process.env and unsets the other Redis connection forms (for in-process apps). */
export function applyRedisEnv(env: Record<string, string>): void {
  for (const name of ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_CLUSTER_NODES'])
    delete process.env[name];
  Object.assign(process.env, env);
}
