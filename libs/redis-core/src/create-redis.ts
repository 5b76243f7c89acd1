import { Cluster, Redis } from 'ioredis';
import { type Logger } from 'pino';
import { EndingCluster } from './ending-cluster';
import { EndingRedis } from './ending-redis';
import { type RedisConnection } from './redis-connection';
import { redisClusterOptions, redisConnectionOptions, type RedisRole, redisRoleOptions } from './redis-options';

/** A Redis client of any topology: one node or a Sentinel master (`Redis`), or a Redis Cluster (`Cluster`). */
export type RedisClient = Redis | Cluster;

/** The client itself when it reaches one node (directly or through Sentinel); throws for a cluster client. */
export function asSingleNode(client: RedisClient): Redis {
  if (client instanceof Cluster) throw new Error('expected a one-node or Sentinel client, got a Redis Cluster client');
  return client;
}

/** The clients that answer for the data: the node itself, or every master of a cluster. */
export function dataNodesOf(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

export interface CreateRedisOptions {
  /** `CLIENT SETNAME`: how the connection shows in `CLIENT LIST` */
  connectionName: string;
  /** connection errors are logged here, at most every 5 s; absent: someone else reports them */
  logger?: Logger;
}

/**
 * The one way Spaceport makes a Redis client: `connection` (one node, a Sentinel master or a Redis
 * Cluster, from the app's settings) with the options of its `role`. The `command` and `worker` clients
 * coalesce their writes (`coalesceWrites`; in a cluster, on each node's connection). Clients reconnect by
 * themselves — in Sentinel mode to whichever node the sentinels name master then, in a cluster to the
 * masters of the slots after a failover (ioredis refreshes the slot map on MOVED and on reconnects).
 * Duplicates (`client.duplicate()`, as BullMQ makes for blocking connections) inherit the connection.
 * A one-node or Sentinel client is an `EndingRedis`: its `disconnect()` ends it also between reconnects;
 * a cluster client is an `EndingCluster`: once ended it stays ended.
 */
export function createRedis(connection: RedisConnection, role: RedisRole, options: CreateRedisOptions): RedisClient {
  const coalesce = role.kind === 'command' || role.kind === 'worker';
  if (connection.kind === 'cluster') {
    const cluster = new EndingCluster(
      connection.nodes.map(({ host, port }) => ({ host, port })),
      redisClusterOptions(connection, role, options.connectionName),
    );
    if (coalesce) cluster.on('+node', (node: Redis) => coalesceWrites(node));
    if (options.logger) attachErrorLog(cluster, options.logger, options.connectionName);
    else cluster.on('error', () => undefined);
    return cluster;
  }
  const client = new EndingRedis({
    ...redisConnectionOptions(connection),
    ...redisRoleOptions(role),
    connectionName: options.connectionName,
  });
  if (coalesce) coalesceWrites(client);
  if (options.logger) attachErrorLog(client, options.logger, options.connectionName);
  else client.on('error', () => undefined);
  return client;
}

/**
 * A dedicated pub/sub connection on the same data as `client` (one node, the Sentinel master, or any
 * node of the cluster, since a cluster delivers every PUBLISH to every node): an offline queue, no
 * retry limit and no auto-pipelining, connected by the caller.
 */
export function duplicateSubscriber(client: RedisClient): RedisClient {
  const perNode = { maxRetriesPerRequest: null, enableAutoPipelining: false } as const;
  if (client instanceof Cluster)
    return client.duplicate(undefined, {
      lazyConnect: true,
      enableOfflineQueue: true,
      redisOptions: { ...client.options.redisOptions, ...perNode },
    });
  return client.duplicate({ lazyConnect: true, enableOfflineQueue: true, ...perNode });
}

/**
 * Coalesces a client's socket writes per event-loop iteration: the first write of an iteration corks
 * the connection's socket and a setImmediate uncorks it, so every command issued until then (by any
 * number of concurrent requests or jobs) leaves in one writev (a write syscall is a large part of a
 * small command's CPU). That is the batching of ioredis's auto-pipelining, which waits for setImmediate
 * too, without its price: a Pipeline per batch with a copy of every script defined on the client (BullMQ
 * defines about 50: ≈ 50 µs a batch), a promise and a nextTick per command, and a batch held back while
 * the previous one awaits its replies (commit e59d695: −9 % worker CPU per delivery when the command
 * client left auto-pipelining). Commands keep their order and their replies are read as before. A
 * reconnect gets a new socket — in Sentinel mode to the master of the moment — which is hooked again
 * on `connect`.
 */
export function coalesceWrites(client: Redis): void {
  client.on('connect', () => {
    const socket = client.stream;
    let corked = false;
    const uncork = (): void => {
      corked = false;
      socket.uncork();
    };
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]): boolean => {
      if (!corked) {
        corked = true;
        socket.cork();
        setImmediate(uncork);
      }
      return write(...args);
    }) as typeof socket.write;
  });
}

/** Logs a client's errors at most every 5 s (ioredis messages name host:port, never the password). */
export function attachErrorLog(client: RedisClient, logger: Logger, name: string): void {
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < 5_000) return;
    lastLogged = now;
    logger.warn({ connection: name, err: { message: error.message } }, 'redis connection error');
  });
}
