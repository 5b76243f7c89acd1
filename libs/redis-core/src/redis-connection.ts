import { ConfigError, parseBoolean } from '@spaceport/runtime-core';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_SENTINEL_PORT = 26379;
const DEFAULT_NODE_PORT = 6379;

export interface RedisEndpoint {
  host: string;
  port: number;
}

/** Credentials and TLS of the data nodes (the Redis servers that hold the data), in every form. */
export interface RedisDataAuth {
  /** ACL user (`AUTH user password`); absent: the `default` user */
  username?: string;
  password?: string;
  /** TLS to the data nodes (and, in Sentinel mode, to the sentinels), verified against Node's CAs */
  tls: boolean;
}

/** One Redis node: `REDIS_URL` (the default form). */
export interface SingleRedisConnection extends RedisDataAuth {
  kind: 'single';
  host: string;
  port: number;
  db?: number;
}

/** A master found through Redis Sentinel: `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`. */
export interface SentinelRedisConnection extends RedisDataAuth {
  kind: 'sentinel';
  sentinels: RedisEndpoint[];
  /** the name the sentinels monitor the master under */
  name: string;
  db?: number;
  sentinelUsername?: string;
  sentinelPassword?: string;
}

/** A Redis Cluster: `REDIS_CLUSTER_NODES`, the seed nodes (ioredis learns the rest of the cluster from them). */
export interface ClusterRedisConnection extends RedisDataAuth {
  kind: 'cluster';
  nodes: RedisEndpoint[];
}

/** How every Redis client of an app connects; parsed once per app by `parseRedisConnection`. */
export type RedisConnection = SingleRedisConnection | SentinelRedisConnection | ClusterRedisConnection;

/** The variables that choose a form; exactly one may be set (none: `REDIS_URL`'s default). */
const FORM_VARIABLES = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;
/** Data-node credentials and TLS of the list forms; `REDIS_URL` carries its own. */
const LIST_FORM_VARIABLES = ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_DB'] as const;
const SENTINEL_ONLY_VARIABLES = ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'] as const;

function valueOf(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/**
 * Pure: the Redis connection from the environment — `REDIS_URL` (one node, the default), or
 * `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`, or `REDIS_CLUSTER_NODES`. Throws ConfigError naming the
 * variable at fault (two forms at once name both); no message repeats a value that may hold a password.
 */
export function parseRedisConnection(env: NodeJS.ProcessEnv): RedisConnection {
  const forms = FORM_VARIABLES.filter((name) => valueOf(env, name) !== undefined);
  if (forms.length > 1)
    throw new ConfigError(
      forms.join(' and '),
      'choose one form of Redis connection, not several (docs/configuration.md)',
    );
  const form = forms[0] ?? 'REDIS_URL';
  if (form !== 'REDIS_SENTINELS') {
    const misplaced = SENTINEL_ONLY_VARIABLES.find((name) => valueOf(env, name) !== undefined);
    if (misplaced) throw new ConfigError(misplaced, 'only applies with REDIS_SENTINELS');
  }
  if (form === 'REDIS_URL') {
    const misplaced = LIST_FORM_VARIABLES.find((name) => valueOf(env, name) !== undefined);
    if (misplaced)
      throw new ConfigError(
        misplaced,
        'applies with REDIS_SENTINELS or REDIS_CLUSTER_NODES; with REDIS_URL give it in the URL ' +
          '(rediss://user:password@host:port/db)',
      );
    return parseRedisUrl(valueOf(env, 'REDIS_URL'));
  }
  if (form === 'REDIS_SENTINELS') return parseSentinelForm(env);
  return parseClusterForm(env);
}

function parseSentinelForm(env: NodeJS.ProcessEnv): SentinelRedisConnection {
  const name = valueOf(env, 'REDIS_SENTINEL_NAME');
  if (name === undefined) throw new ConfigError('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS');
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(name))
    throw new ConfigError('REDIS_SENTINEL_NAME', 'expected 1-128 of letters, digits, ".", "_", "-"');
  const connection: SentinelRedisConnection = {
    kind: 'sentinel',
    sentinels: parseEndpoints('REDIS_SENTINELS', valueOf(env, 'REDIS_SENTINELS') ?? '', DEFAULT_SENTINEL_PORT),
    name,
    ...dataAuth(env),
  };
  const db = valueOf(env, 'REDIS_DB');
  if (db !== undefined) connection.db = parseDb('REDIS_DB', db);
  const sentinelUsername = valueOf(env, 'REDIS_SENTINEL_USERNAME');
  const sentinelPassword = env['REDIS_SENTINEL_PASSWORD'];
  if (sentinelUsername !== undefined) connection.sentinelUsername = sentinelUsername;
  if (sentinelPassword !== undefined && sentinelPassword !== '') connection.sentinelPassword = sentinelPassword;
  if (sentinelUsername !== undefined && connection.sentinelPassword === undefined)
    throw new ConfigError('REDIS_SENTINEL_USERNAME', 'requires REDIS_SENTINEL_PASSWORD');
  return connection;
}

function parseClusterForm(env: NodeJS.ProcessEnv): ClusterRedisConnection {
  if (valueOf(env, 'REDIS_DB') !== undefined)
    throw new ConfigError('REDIS_DB', 'Redis Cluster has only database 0; unset it with REDIS_CLUSTER_NODES');
  const nodes = parseEndpoints('REDIS_CLUSTER_NODES', valueOf(env, 'REDIS_CLUSTER_NODES') ?? '', DEFAULT_NODE_PORT);
  return { kind: 'cluster', nodes, ...dataAuth(env) };
}

/** REDIS_USERNAME / REDIS_PASSWORD / REDIS_TLS of the list forms (a password is taken as is, spaces included). */
function dataAuth(env: NodeJS.ProcessEnv): RedisDataAuth {
  const tlsRaw = valueOf(env, 'REDIS_TLS');
  const auth: RedisDataAuth = { tls: tlsRaw === undefined ? false : parseBoolean('REDIS_TLS', tlsRaw) };
  const username = valueOf(env, 'REDIS_USERNAME');
  const password = env['REDIS_PASSWORD'];
  if (username !== undefined) auth.username = username;
  if (password !== undefined && password !== '') auth.password = password;
  if (username !== undefined && auth.password === undefined)
    throw new ConfigError('REDIS_USERNAME', 'requires REDIS_PASSWORD');
  return auth;
}

/**
 * Pure: `host:port,host:port,…` (IPv6 as `[addr]:port`; a missing port is `defaultPort`). Errors give
 * the entry's position, not its text (someone may have pasted a URL with a password).
 */
export function parseEndpoints(source: string, raw: string, defaultPort: number): RedisEndpoint[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  const endpoints = entries.map((entry, index) => {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match?.[1] || port < 1 || port > 65_535)
      throw new ConfigError(source, `entry ${index + 1} of ${entries.length}: expected host:port, e.g. 10.0.0.5:26379`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
  const distinct = new Set(endpoints.map((e) => `${e.host}:${e.port}`));
  if (distinct.size !== endpoints.length) throw new ConfigError(source, 'lists an address twice');
  return endpoints;
}

function parseDb(source: string, raw: string): number {
  if (!/^\d{1,2}$/.test(raw)) throw new ConfigError(source, 'expected a database number, e.g. 0');
  return Number(raw);
}

/**
 * Pure: `REDIS_URL` (`redis://[user[:password]@]host[:port][/db]`, `rediss://` for TLS). Throws
 * ConfigError naming REDIS_URL; the message never repeats the URL (it may hold a password).
 */
export function parseRedisUrl(raw: string | undefined, source = 'REDIS_URL'): SingleRedisConnection {
  let url: URL;
  try {
    url = new URL(raw?.trim() || DEFAULT_REDIS_URL);
  } catch {
    throw new ConfigError(source, 'expected redis://[user[:password]@]host[:port][/db]');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ConfigError(source, 'must start with redis:// or rediss://');
  if (url.hostname === '') throw new ConfigError(source, 'must name a host');
  const dbText = url.pathname.replace(/^\//, '');
  const connection: SingleRedisConnection = {
    kind: 'single',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? DEFAULT_NODE_PORT : Number(url.port),
    tls: url.protocol === 'rediss:',
  };
  if (dbText !== '') {
    if (!/^\d{1,2}$/.test(dbText)) throw new ConfigError(source, 'the path must be a database number, e.g. /0');
    connection.db = Number(dbText);
  }
  if (url.username !== '') connection.username = decodeURIComponent(url.username);
  if (url.password !== '') connection.password = decodeURIComponent(url.password);
  return connection;
}

/** Pure: where a connection goes, for logs and readiness (never a password). */
export function describeRedisConnection(connection: RedisConnection): string {
  const list = (endpoints: RedisEndpoint[]): string => endpoints.map((e) => `${e.host}:${e.port}`).join(',');
  if (connection.kind === 'single') return `${connection.host}:${connection.port}`;
  if (connection.kind === 'sentinel') return `master ${connection.name} via sentinels ${list(connection.sentinels)}`;
  return `cluster ${list(connection.nodes)}`;
}
