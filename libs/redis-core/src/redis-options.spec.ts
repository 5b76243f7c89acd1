import { describe, expect, it } from 'vitest';
import { parseRedisConnection } from './redis-connection';
import { redisConnectionOptions, reconnectDelayMs, redisRoleOptions } from './redis-options';

describe('redisConnectionOptions', () => {
  it('gives one node its host, port, credentials, db and TLS', () => {
    expect(redisConnectionOptions(parseRedisConnection({ REDIS_URL: 'rediss://u:p@h:7/1' }))).toEqual({
      host: 'h',
      port: 7,
      username: 'u',
      password: 'p',
      db: 1,
      tls: {},
    });
    expect(redisConnectionOptions(parseRedisConnection({}))).toEqual({ host: '127.0.0.1', port: 6379 });
  });

  it("uses ioredis's Sentinel support: the sentinels, the master's name, both credentials, TLS everywhere", () => {
    const connection = parseRedisConnection({
      REDIS_SENTINELS: 'a:1,b:2',
      REDIS_SENTINEL_NAME: 'sp',
      REDIS_SENTINEL_USERNAME: 'su',
      REDIS_SENTINEL_PASSWORD: 'sp-pw',
      REDIS_USERNAME: 'u',
      REDIS_PASSWORD: 'pw',
      REDIS_DB: '2',
      REDIS_TLS: 'true',
    });
    expect(redisConnectionOptions(connection)).toEqual({
      sentinels: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      name: 'sp',
      role: 'master',
      username: 'u',
      password: 'pw',
      db: 2,
      sentinelUsername: 'su',
      sentinelPassword: 'sp-pw',
      tls: {},
      enableTLSForSentinelMode: true,
      sentinelTLS: {},
    });
  });

  it('has no single-client options for Redis Cluster (a Cluster client takes redisClusterOptions)', () => {
    expect(() => redisConnectionOptions(parseRedisConnection({ REDIS_CLUSTER_NODES: 'n:7000' }))).toThrow(
      /needs a Cluster client/,
    );
  });
});

describe('redisRoleOptions', () => {
  it('makes command clients fail fast and worker clients wait (BullMQ)', () => {
    expect(redisRoleOptions({ kind: 'command', commandTimeoutMs: 500 })).toMatchObject({
      enableOfflineQueue: false,
      commandTimeout: 500,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      lazyConnect: true,
    });
    expect(redisRoleOptions({ kind: 'worker' })).toMatchObject({ maxRetriesPerRequest: null, lazyConnect: true });
    expect(redisRoleOptions({ kind: 'worker' })).not.toHaveProperty('enableOfflineQueue');
    expect(redisRoleOptions({ kind: 'probe', timeoutMs: 1_000 })).toMatchObject({
      enableOfflineQueue: false,
      commandTimeout: 1_000,
      maxRetriesPerRequest: 0,
    });
    expect(redisRoleOptions({ kind: 'background' })).toMatchObject({ maxRetriesPerRequest: 1, lazyConnect: true });
  });

  it('reconnects after 100 ms, 200 ms, … at most 1 s', () => {
    expect([1, 2, 5, 10, 50].map(reconnectDelayMs)).toEqual([100, 200, 500, 1_000, 1_000]);
  });
});
