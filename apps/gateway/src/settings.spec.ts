import { ConfigError } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { gatewaySettingsSections, loadGatewaySettings } from './settings';

const TOKEN = 'a-full-admin-token-0123456789';

/** a valid CONFIG_SIGNING_KEY (32 bytes, base64url) */
const SIGNING_KEY = Buffer.alloc(32, 7).toString('base64url');

describe('loadGatewaySettings', () => {
  it('parses every section once from flags and env', async () => {
    const settings = await loadGatewaySettings(['--id', 'gw-1'], {
      REDIS_URL: 'redis://cache:6380/2',
      EVENTING_CONCURRENCY: '4',
      EVENTING_SYNC_MAX_PENDING: '50',
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'debug',
      CONFIG_SIGNING_KEY: SIGNING_KEY,
    });
    expect(settings.options).toMatchObject({ role: 'gateway', nodeId: 'gw-1' });
    expect(settings.configPlane.redis).toMatchObject({ kind: 'single', host: 'cache', port: 6380, db: 2 });
    // one parsed connection for the config transport and the eventing clients
    expect(settings.eventing.redis).toBe(settings.configPlane.redis);
    expect(settings.eventing.concurrency).toBe(4);
    expect(settings.eventing.syncMaxPending).toBe(50);
    expect(settings.eventing.redisWait).toEqual({ replicas: 0, timeoutMs: 1_000 });
    expect(settings.adminTokens).toEqual({ full: TOKEN, read: undefined });
    expect(settings.logLevel).toBe('debug');
    expect(gatewaySettingsSections(settings).map((s) => s.useValue)).toEqual([
      settings.configPlane,
      settings.eventing,
      settings.adminTokens,
      { allowPrivate: false, allowedCidrs: [] },
    ]);
  });

  it.each([
    ['REDIS_URL', { REDIS_URL: 'http://x' }],
    ['EVENTING_CONCURRENCY', { EVENTING_CONCURRENCY: 'lots' }],
    ['EVENTING_SYNC_MAX_PENDING', { EVENTING_SYNC_MAX_PENDING: '0' }],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: 'short' }],
    ['CONFIG_HEARTBEAT_INTERVAL', { CONFIG_HEARTBEAT_INTERVAL: '1ms' }],
    ['CONFIG_SIGNING_KEY', { CONFIG_SIGNING_KEY: '' }],
    ['CONFIG_SIGNING_KEY', { CONFIG_SIGNING_KEY: SIGNING_KEY.slice(0, 42) }],
    ['CONFIG_SIGNING_KEY_PREVIOUS', { CONFIG_SIGNING_KEY_PREVIOUS: 'not base64!' }],
    ['REDIS_WAIT_REPLICAS', { REDIS_WAIT_REPLICAS: '17' }],
    ['REDIS_WAIT_TIMEOUT_MS', { REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '5000' }],
  ])('refuses a bad %s with a ConfigError naming it', async (name, bad) => {
    const env = { CONFIG_SIGNING_KEY: SIGNING_KEY, ...bad };
    await expect(loadGatewaySettings([], env)).rejects.toThrow(ConfigError);
    await expect(loadGatewaySettings([], env)).rejects.toThrow(new RegExp(`^${name}: `));
  });
});
