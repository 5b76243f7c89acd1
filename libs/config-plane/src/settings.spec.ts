import { describe, expect, it } from 'vitest';
import { configPathFlag, resolveConfigPlaneSettings } from './settings';
import { parseRedisUrl } from './transport/redis-url';

describe('REDIS_URL', () => {
  it('defaults to redis://127.0.0.1:6379 and reads user, password, db and TLS', () => {
    expect(parseRedisUrl(undefined)).toEqual({ host: '127.0.0.1', port: 6379 });
    expect(parseRedisUrl('rediss://u:p%40ss@redis.example:6380/2')).toEqual({
      host: 'redis.example',
      port: 6380,
      username: 'u',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
  });
  it('names REDIS_URL and never repeats the URL', () => {
    expect(() => parseRedisUrl('http://u:secret@x')).toThrow(/^REDIS_URL: /);
    expect(() => parseRedisUrl('redis://u:secret@x/abc')).not.toThrow(/secret/);
  });
});

describe('config-plane settings', () => {
  it('takes --config over CONFIG_PATH, default ./spaceport.yaml', () => {
    expect(configPathFlag(['--config', 'a.yaml'])).toBe('a.yaml');
    expect(configPathFlag(['--config=b.json'])).toBe('b.json');
    expect(() => configPathFlag(['--config'])).toThrow(/--config/);
    expect(resolveConfigPlaneSettings({ CONFIG_PATH: 'c.yaml' }, ['--config', 'd.yaml']).configPath).toBe('d.yaml');
    expect(resolveConfigPlaneSettings({}, []).configPath).toBe('./spaceport.yaml');
  });
  it('validates CONFIG_HEARTBEAT_INTERVAL', () => {
    expect(resolveConfigPlaneSettings({ CONFIG_HEARTBEAT_INTERVAL: '250ms' }, []).heartbeatMs).toBe(250);
    expect(() => resolveConfigPlaneSettings({ CONFIG_HEARTBEAT_INTERVAL: '1ms' }, [])).toThrow(
      /CONFIG_HEARTBEAT_INTERVAL/,
    );
  });

  it('takes REDIS_ALLOW_EVICTION as a boolean, off by default', () => {
    expect(resolveConfigPlaneSettings({}, []).allowEviction).toBe(false);
    expect(resolveConfigPlaneSettings({ REDIS_ALLOW_EVICTION: 'true' }, []).allowEviction).toBe(true);
    expect(() => resolveConfigPlaneSettings({ REDIS_ALLOW_EVICTION: 'maybe' }, [])).toThrow(/^REDIS_ALLOW_EVICTION: /);
  });
});
