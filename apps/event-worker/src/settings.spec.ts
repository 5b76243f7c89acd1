import { ConfigError } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { loadEventWorkerSettings } from './settings';

/** a valid CONFIG_SIGNING_KEY (32 bytes, base64url) */
const SIGNING_KEY = Buffer.alloc(32, 7).toString('base64url');

describe('loadEventWorkerSettings', () => {
  it('reads the CLUSTER_* timings in distributed mode only', async () => {
    const env = { CLUSTER_LOCK_DELAY: '2s', CLUSTER_HANDOFF_TIMEOUT: '20s', CONFIG_SIGNING_KEY: SIGNING_KEY };
    expect((await loadEventWorkerSettings([], env)).cluster).toEqual({});
    expect((await loadEventWorkerSettings(['--enable-consul'], env)).cluster).toEqual({
      lockDelayMs: 2_000,
      handoffTimeoutMs: 20_000,
    });
    await expect(
      loadEventWorkerSettings(['--enable-consul'], { CLUSTER_LOCK_DELAY: 'soon', CONFIG_SIGNING_KEY: SIGNING_KEY }),
    ).rejects.toThrow(ConfigError);
  });

  it('shares one validated Redis connection between the config transport and the eventing clients', async () => {
    const settings = await loadEventWorkerSettings([], {
      REDIS_URL: 'rediss://user:pw@r.example:6390',
      CONFIG_SIGNING_KEY: SIGNING_KEY,
    });
    expect(settings.configPlane.redis).toMatchObject({ host: 'r.example', port: 6390, username: 'user', tls: true });
    expect(settings.eventing.redis).toBe(settings.configPlane.redis);
    const sentinel = await loadEventWorkerSettings([], {
      REDIS_SENTINELS: 's1:26379,s2',
      REDIS_SENTINEL_NAME: 'sp',
      CONFIG_SIGNING_KEY: SIGNING_KEY,
    });
    expect(sentinel.eventing.redis).toMatchObject({ kind: 'sentinel', name: 'sp' });
    const cluster = await loadEventWorkerSettings([], {
      REDIS_CLUSTER_NODES: 'n1:7000',
      CONFIG_SIGNING_KEY: SIGNING_KEY,
    });
    expect(cluster.eventing.redis).toMatchObject({ kind: 'cluster', nodes: [{ host: 'n1', port: 7000 }] });
    await expect(
      loadEventWorkerSettings([], { EVENTING_LOCK_MS: '5', CONFIG_SIGNING_KEY: SIGNING_KEY }),
    ).rejects.toThrow(/^EVENTING_LOCK_MS: /);
  });
});
