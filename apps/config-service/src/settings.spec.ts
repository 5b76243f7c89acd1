import { describe, expect, it } from 'vitest';
import { loadConfigServiceSettings } from './settings';

/** a valid CONFIG_SIGNING_KEY (32 bytes, base64url) */
const SIGNING_KEY = Buffer.alloc(32, 7).toString('base64url');

describe('loadConfigServiceSettings', () => {
  it('takes --config over CONFIG_PATH, and the config-plane section from env', async () => {
    const settings = await loadConfigServiceSettings(['--config', 'flag.yaml'], {
      CONFIG_PATH: 'env.yaml',
      CONFIG_HEARTBEAT_INTERVAL: '250ms',
      CONFIG_SIGNING_KEY: SIGNING_KEY,
    });
    expect(settings.options.role).toBe('config-service');
    expect(settings.configPlane).toMatchObject({ configPath: 'flag.yaml', heartbeatMs: 250 });
    expect(
      (await loadConfigServiceSettings([], { CONFIG_PATH: 'env.yaml', CONFIG_SIGNING_KEY: SIGNING_KEY })).configPlane
        .configPath,
    ).toBe('env.yaml');
  });
});
