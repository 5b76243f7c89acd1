import { describe, expect, it } from 'vitest';
import { configPathFlag, resolveConfigPlaneSettings } from './settings';

const KEY = { CONFIG_SIGNING_KEY: Buffer.alloc(32, 7).toString('base64url') };
describe('config-plane settings', () => {
  it('takes --config over CONFIG_PATH, default ./spaceport.yaml', () => {
    expect(configPathFlag(['--config', 'a.yaml'])).toBe('a.yaml');
    expect(configPathFlag(['--config=b.json'])).toBe('b.json');
    expect(() => configPathFlag(['--config'])).toThrow(/--config/);
    expect(resolveConfigPlaneSettings({ ...KEY, CONFIG_PATH: 'c.yaml' }, ['--config', 'd.yaml']).configPath).toBe(
      'd.yaml',
    );
    expect(resolveConfigPlaneSettings(KEY, []).configPath).toBe('./spaceport.yaml');
  });
  it('validates CONFIG_HEARTBEAT_INTERVAL', () => {
    expect(resolveConfigPlaneSettings({ ...KEY, CONFIG_HEARTBEAT_INTERVAL: '250ms' }, []).heartbeatMs).toBe(250);
    expect(() => resolveConfigPlaneSettings({ ...KEY, CONFIG_HEARTBEAT_INTERVAL: '1ms' }, [])).toThrow(
      /CONFIG_HEARTBEAT_INTERVAL/,
    );
  });

  it('parses the Redis connection once, in any of its three forms', () => {
    expect(resolveConfigPlaneSettings(KEY, []).redis).toEqual({
      kind: 'single',
      host: '127.0.0.1',
      port: 6379,
      tls: false,
    });
    expect(
      resolveConfigPlaneSettings({ ...KEY, REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2' }, []).redis,
    ).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
      ],
    });
  });

  it('requires CONFIG_SIGNING_KEY and takes CONFIG_SIGNING_KEY_PREVIOUS', () => {
    expect(resolveConfigPlaneSettings(KEY, []).signingKeys).toEqual({
      current: Buffer.alloc(32, 7),
      previous: undefined,
    });
    expect(() => resolveConfigPlaneSettings({}, [])).toThrow(/^CONFIG_SIGNING_KEY: is required/);
  });

  it('takes REDIS_ALLOW_EVICTION as a boolean, off by default', () => {
    expect(resolveConfigPlaneSettings(KEY, []).allowEviction).toBe(false);
    expect(resolveConfigPlaneSettings({ ...KEY, REDIS_ALLOW_EVICTION: 'true' }, []).allowEviction).toBe(true);
    expect(() => resolveConfigPlaneSettings({ ...KEY, REDIS_ALLOW_EVICTION: 'maybe' }, [])).toThrow(
      /^REDIS_ALLOW_EVICTION: /,
    );
  });
});
