import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_DATA_NODE_CONFIG, redisConfigText, syncedMasterOf } from './redis-topology.mjs';
import { ManagedProcess } from './managed-process';
import { freePorts } from './ports';
import { pingRedis, redisServerBin } from './redis-server';
import { waitFor } from './wait';

/** One redis-server process of a topology (a data node or a sentinel), with its own config file and dir. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
  /** 127.0.0.1:<port> */
  readonly address: string;
  readonly process: ManagedProcess;
  /** Starts the process again (same port, config file and data dir) and waits until it answers PING. */
  start(): Promise<void>;
  /** Stops the process and removes its dir. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

/** What a topology measured between killing a master and a new one serving its data. */
export interface RedisFailover {
  /** host:port of the promoted replica. */
  readonly newMaster: string;
  /** From the SIGKILL of the old master until the topology named the new one. */
  readonly elapsedMs: number;
}

export { REDIS_DATA_NODE_CONFIG, redisCommand, redisInfo, syncedMasterOf } from './redis-topology.mjs';

export interface RedisNodeOptions {
  /** The process name is `<role>:<port>`, e.g. `sentinel:40123`. */
  role: string;
  port: number;
  /** redis.conf lines besides port, bind and dir. */
  config: readonly string[];
  /** Runs `redis-server <conf> --sentinel`. */
  sentinel?: boolean;
}

/** Starts redis-server with a config file in a temp dir of its own (Sentinel and Cluster rewrite it). */
export async function startRedisNode(options: RedisNodeOptions): Promise<RedisNode> {
  const { role, port } = options;
  const dir = mkdtempSync(join(tmpdir(), `spaceport-${role}-`));
  const configFile = join(dir, 'redis.conf');
  writeFileSync(configFile, redisConfigText(port, dir, options.config));
  const proc = new ManagedProcess({
    name: `${role}:${port}`,
    command: redisServerBin(),
    args: [configFile, ...(options.sentinel ? ['--sentinel'] : [])],
    logFile: join(dir, 'redis.log'),
  });
  const start = async (): Promise<void> => {
    proc.start();
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`${proc.name} exited with ${proc.exitCode}:\n${proc.logTail(20)}`);
        return pingRedis(port);
      },
      { what: `${proc.name} to answer PING`, timeoutMs: 15_000 },
    );
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    process: proc,
    start,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    logTail: (lines) => proc.logTail(lines),
  };
}

/** Starts several nodes; when one fails to start, the others are stopped before the error is thrown. */
export async function startRedisNodes(options: readonly RedisNodeOptions[]): Promise<RedisNode[]> {
  const results = await Promise.allSettled(options.map(startRedisNode));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((node) => node.stop()));
    throw failure.reason;
  }
  return started;
}

/** A master and its replicas, as startReplicatedNodes starts them. */
export interface ReplicatedNodes {
  readonly master: RedisNode;
  readonly replicas: readonly RedisNode[];
}

/**
 * A master and `replicas` replicas of it (REDIS_DATA_NODE_CONFIG, free loopback ports), resolved once every
 * replica is in sync as both ends see it (syncedMasterOf: until the master counts a replica online, WAIT
 * does not count it). When a node fails to start or a replica to sync, every node is stopped first.
 */
export async function startReplicatedNodes(replicas = 1): Promise<ReplicatedNodes> {
  const [masterPort = 0, ...replicaPorts] = await freePorts(1 + replicas);
  const [master, ...started] = await startRedisNodes([
    { role: 'redis-master', port: masterPort, config: REDIS_DATA_NODE_CONFIG },
    ...replicaPorts.map((port) => ({
      role: 'redis-replica',
      port,
      config: [...REDIS_DATA_NODE_CONFIG, `replicaof 127.0.0.1 ${masterPort}`],
    })),
  ]);
  if (!master || started.length !== replicas) throw new Error('the data nodes did not start');
  try {
    for (const replica of started)
      await waitFor(async () => (await syncedMasterOf(replica.port)) === master.address, {
        what: `replica ${replica.address} in sync with ${master.address}`,
      });
  } catch (error) {
    await Promise.all([master, ...started].map((node) => node.stop()));
    throw error;
  }
  return { master, replicas: started };
}

/** `127.0.0.1:6379` → { host, port }, the form ioredis takes for sentinels and cluster start nodes. */
export function endpointOf(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}
