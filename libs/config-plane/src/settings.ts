import { settingsToken } from '@spaceport/app-runtime';
import { ConfigError, parseBoolean, parseDurationMs } from '@spaceport/runtime-core';
import { parseRedisConnection, type RedisConnection } from '@spaceport/redis-core';
import { type ConfigSigningKeys, parseConfigSigningKeys } from './signing/signing-keys';

export const DEFAULT_CONFIG_PATH = './spaceport.yaml';
export const DEFAULT_HEARTBEAT_MS = 1_000;

/** Config-plane settings every app reads (env, plus `--config` for the config-service). */
export interface ConfigPlaneSettings {
  /**
   * How every Redis client of the app connects: `REDIS_URL`, or `REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`
   * (parseRedisConnection); the gateway and the event-worker hand it to the data plane too.
   */
  redis: RedisConnection;
  /** `REDIS_ALLOW_EVICTION=true`: run on a Redis whose maxmemory-policy may evict keys (not recommended) */
  allowEviction: boolean;
  /** `CONFIG_HEARTBEAT_INTERVAL`: authority heartbeat period; mirrors call it silent after 3 missed */
  heartbeatMs: number;
  /** `--config` / `CONFIG_PATH` (standalone mode only) */
  configPath: string;
  /** `CONFIG_SIGNING_KEY` (required) and `CONFIG_SIGNING_KEY_PREVIOUS`: every config message is signed with them */
  signingKeys: ConfigSigningKeys;
}

/** DI token of the app's `ConfigPlaneSettings` section (provided by the app, see AppSettingsModule). */
export const CONFIG_PLANE_SETTINGS = settingsToken<ConfigPlaneSettings>('spaceport:config-plane-settings');

/** Pure: `--config <path>` / `--config=<path>` among the app's unparsed arguments. */
export function configPathFlag(rest: readonly string[]): string | undefined {
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    if (arg.startsWith('--config=')) return nonEmpty('--config', arg.slice('--config='.length));
    if (arg === '--config') return nonEmpty('--config', rest[i + 1]);
  }
  return undefined;
}

function nonEmpty(source: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '' || value.startsWith('--'))
    throw new ConfigError(source, 'requires a file path');
  return value;
}

/** Pure: settings from the environment and flags; throws ConfigError naming the bad variable. */
export function resolveConfigPlaneSettings(env: NodeJS.ProcessEnv, rest: readonly string[]): ConfigPlaneSettings {
  const heartbeatRaw = env['CONFIG_HEARTBEAT_INTERVAL']?.trim();
  const heartbeatMs = heartbeatRaw ? parseDurationMs('CONFIG_HEARTBEAT_INTERVAL', heartbeatRaw) : DEFAULT_HEARTBEAT_MS;
  if (heartbeatMs < 50 || heartbeatMs > 60_000)
    throw new ConfigError('CONFIG_HEARTBEAT_INTERVAL', 'must be between 50ms and 60s');
  const configPath = configPathFlag(rest) ?? (env['CONFIG_PATH']?.trim() || DEFAULT_CONFIG_PATH);
  const redis = parseRedisConnection(env);
  const allowEvictionRaw = env['REDIS_ALLOW_EVICTION']?.trim();
  const allowEviction = allowEvictionRaw ? parseBoolean('REDIS_ALLOW_EVICTION', allowEvictionRaw) : false;
  const signingKeys = parseConfigSigningKeys(env);
  return { redis, allowEviction, heartbeatMs, configPath, signingKeys };
}
