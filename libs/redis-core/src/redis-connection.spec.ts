import { ConfigError } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { describeRedisConnection, parseEndpoints, parseRedisConnection, parseRedisUrl } from './redis-connection';
import { redisClusterOptions } from './redis-options';

const SECRET = 's3cret-never-shown';

/** The ConfigError `env` raises; fails the test when it parses. */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseRedisConnection(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${JSON.stringify(env)}`);
}

describe('parseRedisConnection: REDIS_URL, one node', () => {
  it('defaults to redis://127.0.0.1:6379 when no form is set (empty values count as unset)', () => {
    const single = { kind: 'single', host: '127.0.0.1', port: 6379, tls: false };
    expect(parseRedisConnection({})).toEqual(single);
    expect(parseRedisConnection({ REDIS_URL: ' ', REDIS_SENTINELS: '' })).toEqual(single);
  });

  it('reads user, password, db and TLS from the URL', () => {
    expect(parseRedisConnection({ REDIS_URL: 'rediss://u:p%40ss@redis.example:6380/2' })).toEqual({
      kind: 'single',
      host: 'redis.example',
      port: 6380,
      username: 'u',
      password: 'p@ss',
      db: 2,
      tls: true,
    });
    expect(parseRedisUrl('redis://[::1]:7000')).toMatchObject({ host: '::1', port: 7000, tls: false });
  });

  it.each([
    ['http://u:secret@x', /must start with redis:\/\/ or rediss:\/\//],
    ['redis://u:secret@x/abc', /database number/],
    ['not a url secret', /expected redis:\/\//],
  ])('names REDIS_URL and never repeats the URL: %s', (url, message) => {
    const error = refusal({ REDIS_URL: url });
    expect(error.source).toBe('REDIS_URL');
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/secret/);
  });

  it.each(['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_DB'])(
    'refuses %s beside REDIS_URL (the URL carries it)',
    (name) => {
      const error = refusal({ REDIS_URL: 'redis://h:6379', [name]: name === 'REDIS_PASSWORD' ? SECRET : '1' });
      expect(error.source).toBe(name);
      expect(error.message).not.toContain(SECRET);
    },
  );
});

describe('parseRedisConnection: REDIS_SENTINELS', () => {
  it('reads the sentinels, the master name, both credentials, db and TLS', () => {
    expect(
      parseRedisConnection({
        REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26380,[fd00::3]:26381,sentinel-4',
        REDIS_SENTINEL_NAME: 'spaceport',
        REDIS_SENTINEL_USERNAME: 'watcher',
        REDIS_SENTINEL_PASSWORD: SECRET,
        REDIS_USERNAME: 'app',
        REDIS_PASSWORD: ' pass with spaces ',
        REDIS_DB: '3',
        REDIS_TLS: 'yes',
      }),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: 'fd00::3', port: 26381 },
        { host: 'sentinel-4', port: 26379 },
      ],
      name: 'spaceport',
      sentinelUsername: 'watcher',
      sentinelPassword: SECRET,
      username: 'app',
      password: ' pass with spaces ',
      db: 3,
      tls: true,
    });
  });

  it('needs no credentials', () => {
    expect(parseRedisConnection({ REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm' })).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 's', port: 1 }],
      name: 'm',
      tls: false,
    });
  });

  it.each<[NodeJS.ProcessEnv, string, RegExp]>([
    [{ REDIS_SENTINELS: 's:26379' }, 'REDIS_SENTINEL_NAME', /required with REDIS_SENTINELS/],
    [{ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'a b' }, 'REDIS_SENTINEL_NAME', /letters, digits/],
    [{ REDIS_SENTINELS: 's:26379,,t:1', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS', /entry 2 of 3/],
    [{ REDIS_SENTINELS: 's:99999', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS', /expected host:port/],
    [{ REDIS_SENTINELS: 's:1,s:1', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS', /twice/],
    [{ REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm', REDIS_DB: 'x' }, 'REDIS_DB', /database number/],
    [{ REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm', REDIS_TLS: 'maybe' }, 'REDIS_TLS', /boolean/],
    [{ REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm', REDIS_USERNAME: 'u' }, 'REDIS_USERNAME', /REDIS_PASSWORD/],
    [
      { REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm', REDIS_SENTINEL_USERNAME: 'u' },
      'REDIS_SENTINEL_USERNAME',
      /REDIS_SENTINEL_PASSWORD/,
    ],
  ])('refuses %j naming %s', (env, source, message) => {
    const error = refusal(env);
    expect(error.source).toBe(source);
    expect(error.message).toMatch(message);
  });

  it('never repeats an entry of the list (a pasted URL may hold a password)', () => {
    const error = refusal({ REDIS_SENTINELS: `redis://u:${SECRET}@s:26379`, REDIS_SENTINEL_NAME: 'm' });
    expect(error.source).toBe('REDIS_SENTINELS');
    expect(error.message).not.toContain(SECRET);
  });

  it.each(['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'])(
    'refuses %s without REDIS_SENTINELS',
    (name) => {
      for (const env of [{}, { REDIS_URL: 'redis://h' }, { REDIS_CLUSTER_NODES: 'n:7000' }]) {
        const error = refusal({ ...env, [name]: SECRET });
        expect(error.source).toBe(name);
        expect(error.message).toMatch(/only applies with REDIS_SENTINELS/);
        expect(error.message).not.toContain(SECRET);
      }
    },
  );
});

describe('parseRedisConnection: REDIS_CLUSTER_NODES', () => {
  it('reads the nodes, credentials and TLS', () => {
    expect(
      parseRedisConnection({
        REDIS_CLUSTER_NODES: 'n1:7000,n2',
        REDIS_USERNAME: 'app',
        REDIS_PASSWORD: SECRET,
        REDIS_TLS: 'true',
      }),
    ).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 6379 },
      ],
      username: 'app',
      password: SECRET,
      tls: true,
    });
  });

  it('refuses REDIS_DB (a cluster has database 0 only) and a bad list', () => {
    expect(refusal({ REDIS_CLUSTER_NODES: 'n1:7000', REDIS_DB: '1' }).source).toBe('REDIS_DB');
    expect(refusal({ REDIS_CLUSTER_NODES: 'n1:7000 n2:7000' }).source).toBe('REDIS_CLUSTER_NODES');
  });

  it('gives a cluster client its per-node options and the cluster its offline queue and reconnects', () => {
    const cluster = parseRedisConnection({ REDIS_CLUSTER_NODES: 'n1:7000', REDIS_PASSWORD: SECRET, REDIS_TLS: 'true' });
    if (cluster.kind !== 'cluster') throw new Error('expected a cluster connection');
    const options = redisClusterOptions(cluster, { kind: 'command', commandTimeoutMs: 700 }, 'name');
    expect(options).toMatchObject({ enableOfflineQueue: false, lazyConnect: true, scaleReads: 'master' });
    expect(options.redisOptions).toMatchObject({
      commandTimeout: 700,
      password: SECRET,
      tls: {},
      connectionName: 'name',
    });
    expect(options.redisOptions).not.toHaveProperty('enableOfflineQueue');
    expect(redisClusterOptions(cluster, { kind: 'worker' }, 'w').redisOptions?.maxRetriesPerRequest).toBeNull();
  });
});

describe('parseRedisConnection: one form at a time', () => {
  it.each<[NodeJS.ProcessEnv, string]>([
    [{ REDIS_URL: 'redis://h', REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_URL and REDIS_SENTINELS'],
    [{ REDIS_URL: 'redis://h', REDIS_CLUSTER_NODES: 'n:1' }, 'REDIS_URL and REDIS_CLUSTER_NODES'],
    [{ REDIS_SENTINELS: 's:1', REDIS_CLUSTER_NODES: 'n:1' }, 'REDIS_SENTINELS and REDIS_CLUSTER_NODES'],
    [
      { REDIS_URL: `redis://:${SECRET}@h`, REDIS_SENTINELS: 's:1', REDIS_CLUSTER_NODES: 'n:1' },
      'REDIS_URL and REDIS_SENTINELS and REDIS_CLUSTER_NODES',
    ],
  ])('refuses %j, naming %s', (env, source) => {
    const error = refusal(env);
    expect(error.source).toBe(source);
    expect(error.message).toMatch(/choose one form/);
    expect(error.message).not.toContain(SECRET);
  });
});

describe('parseEndpoints and describeRedisConnection', () => {
  it('gives default ports and says where a connection goes without its passwords', () => {
    expect(parseEndpoints('X', 'a', 26379)).toEqual([{ host: 'a', port: 26379 }]);
    const sentinel = parseRedisConnection({
      REDIS_SENTINELS: 'a:1,b:2',
      REDIS_SENTINEL_NAME: 'm',
      REDIS_SENTINEL_PASSWORD: SECRET,
      REDIS_PASSWORD: SECRET,
    });
    expect(describeRedisConnection(sentinel)).toBe('master m via sentinels a:1,b:2');
    expect(describeRedisConnection(parseRedisConnection({ REDIS_URL: `redis://:${SECRET}@h:1` }))).toBe('h:1');
  });
});
