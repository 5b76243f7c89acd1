import { ConfigError } from '@spaceport/runtime-core';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The ioredis connection fields of a `redis://` / `rediss://` URL. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
}

/**
 * Pure: `REDIS_URL` (`redis://[user[:password]@]host[:port][/db]`, `rediss://` for TLS) → ioredis
 * options. Throws ConfigError naming REDIS_URL; the message never repeats the URL (it may hold a password).
 */
export function parseRedisUrl(raw: string | undefined, source = 'REDIS_URL'): RedisConnectionOptions {
  const text = raw?.trim() || DEFAULT_REDIS_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(source, 'expected redis://[user[:password]@]host[:port][/db]');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new ConfigError(source, 'must start with redis:// or rediss://');
  if (url.hostname === '') throw new ConfigError(source, 'must name a host');
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText))
    throw new ConfigError(source, 'the path must be a database number, e.g. /0');
  const options: RedisConnectionOptions = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 6379 : Number(url.port),
  };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  if (dbText !== '') options.db = Number(dbText);
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}
