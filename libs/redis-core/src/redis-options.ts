import { type ClusterOptions, type RedisOptions } from 'ioredis';
import { type ClusterRedisConnection, type RedisConnection } from './redis-connection';

/**
 * What a client is for; each role is one set of ioredis options (`redisRoleOptions`) on top of the
 * connection's. Every Redis client of every app is one of these, made by `createRedis`.
 */
export type RedisRole =
  /** API and delivery commands: fail fast while Redis is away (503 at once, no hang, no 202 for nothing stored) */
  | { kind: 'command'; commandTimeoutMs: number }
  /** BullMQ workers (blocking commands: BullMQ requires `maxRetriesPerRequest: null`) */
  | { kind: 'worker' }
  /** the readiness probe: one try, bounded by `timeoutMs`, nothing queued */
  | { kind: 'probe'; timeoutMs: number }
  /** a background writer (the last-good config copy): commands wait for a reconnect, one retry */
  | { kind: 'background' };

/** Reconnect delay of every role: 100 ms, 200 ms, … at most 1 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 100, 1_000);
}

/** Pure: the ioredis options of a role (no connection fields). */
export function redisRoleOptions(role: RedisRole): RedisOptions {
  switch (role.kind) {
    case 'command':
      return {
        enableOfflineQueue: false,
        commandTimeout: role.commandTimeoutMs,
        maxRetriesPerRequest: 1,
        connectTimeout: Math.max(1_000, role.commandTimeoutMs),
        lazyConnect: true,
        retryStrategy: reconnectDelayMs,
      };
    case 'worker':
      return { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: reconnectDelayMs };
    case 'probe':
      return {
        enableOfflineQueue: false,
        commandTimeout: role.timeoutMs,
        connectTimeout: role.timeoutMs,
        maxRetriesPerRequest: 0,
        lazyConnect: true,
        retryStrategy: reconnectDelayMs,
      };
    case 'background':
      return { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => 250 };
  }
}

/** The ioredis options that say where the data is and how to authenticate: nothing about behaviour. */
export type RedisConnectionFields = Pick<
  RedisOptions,
  | 'host'
  | 'port'
  | 'username'
  | 'password'
  | 'db'
  | 'tls'
  | 'sentinels'
  | 'name'
  | 'role'
  | 'sentinelUsername'
  | 'sentinelPassword'
  | 'enableTLSForSentinelMode'
  | 'sentinelTLS'
>;

/**
 * Pure: the ioredis options that reach the data through `connection` — host and port of one node, or
 * ioredis's own Sentinel support (`sentinels` + `name`: it asks the sentinels for the current master on
 * every (re)connect and checks the node's role). Also what Nest's Redis transport passes to `new Redis`.
 * A Cluster connection has no such options (ioredis needs a `Cluster` client): it throws.
 */
export function redisConnectionOptions(connection: RedisConnection): RedisConnectionFields {
  const auth: RedisConnectionFields = {};
  if (connection.username !== undefined) auth.username = connection.username;
  if (connection.password !== undefined) auth.password = connection.password;
  if (connection.kind === 'single')
    return {
      host: connection.host,
      port: connection.port,
      ...auth,
      ...(connection.db === undefined ? {} : { db: connection.db }),
      ...(connection.tls ? { tls: {} } : {}),
    };
  if (connection.kind === 'sentinel')
    return {
      sentinels: connection.sentinels.map(({ host, port }) => ({ host, port })),
      name: connection.name,
      role: 'master',
      ...auth,
      ...(connection.db === undefined ? {} : { db: connection.db }),
      ...(connection.sentinelUsername === undefined ? {} : { sentinelUsername: connection.sentinelUsername }),
      ...(connection.sentinelPassword === undefined ? {} : { sentinelPassword: connection.sentinelPassword }),
      ...(connection.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
    };
  // Nest's Redis transport builds a Cluster client itself from the connection (config-plane transport)
  throw new Error('a Redis Cluster connection needs a Cluster client: use createRedis or redisClusterOptions');
}

/**
 * Pure: the ioredis `Cluster` options of a role. The role's per-node options (timeouts, retries per
 * request, credentials, TLS, connection name) go to every node connection; the offline queue, lazy
 * connect and reconnects are the cluster's own. Reads go to the masters (a replica may lag).
 */
export function redisClusterOptions(
  connection: ClusterRedisConnection,
  role: RedisRole,
  connectionName: string,
): ClusterOptions {
  const { enableOfflineQueue, lazyConnect, retryStrategy, ...perNode } = redisRoleOptions(role);
  const redisOptions: RedisOptions = { ...perNode, connectionName };
  if (connection.username !== undefined) redisOptions.username = connection.username;
  if (connection.password !== undefined) redisOptions.password = connection.password;
  if (connection.tls) redisOptions.tls = {};
  return {
    redisOptions,
    enableOfflineQueue: enableOfflineQueue ?? true,
    lazyConnect: lazyConnect ?? true,
    clusterRetryStrategy: (attempt) => (retryStrategy ? (retryStrategy(attempt) ?? null) : reconnectDelayMs(attempt)),
    scaleReads: 'master',
    // a failover moves slots: retry on MOVED/TRYAGAIN/CLUSTERDOWN instead of failing the command at once
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2_000,
    enableReadyCheck: true,
  };
}
