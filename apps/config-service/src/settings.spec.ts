import { describe, expect, it } from 'vitest';
import { loadConfigServiceSettings } from './settings';

describe('loadConfigServiceSettings', () => {
  it('takes --config over CONFIG_PATH, and the config-plane section from env', async () => {
    const settings = await loadConfigServiceSettings(['--config', 'flag.yaml'], {
      CONFIG_PATH: 'env.yaml',
      CONFIG_HEARTBEAT_INTERVAL: '250ms',
    });
    expect(settings.options.role).toBe('config-service');
    expect(settings.configPlane).toMatchObject({ configPath: 'flag.yaml', heartbeatMs: 250 });
    expect((await loadConfigServiceSettings([], { CONFIG_PATH: 'env.yaml' })).configPlane.configPath).toBe('env.yaml');
  });
});
