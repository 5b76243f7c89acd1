import { ConfigError } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { HealthService } from './health/health.service';
import { formatConfigError, resolveStartupConfig, startLine } from './startup';

describe('resolveStartupConfig', () => {
  it('listens on all interfaces by default and on HOST when set', async () => {
    expect((await resolveStartupConfig('gateway', [], {})).host).toBe('0.0.0.0');
    expect((await resolveStartupConfig('gateway', [], { HOST: '127.0.0.1' })).host).toBe('127.0.0.1');
    await expect(resolveStartupConfig('gateway', [], { HOST: 'a b' })).rejects.toThrow(ConfigError);
  });

  it('passes flags and env through to NodeOptions (flag beats env)', async () => {
    const config = await resolveStartupConfig('event-worker', ['--id', 'w-flag'], { NODE_ID: 'w-env', PORT: '9000' });
    expect(config.options).toMatchObject({
      role: 'event-worker',
      nodeId: 'w-flag',
      nodeIdGenerated: false,
      port: 9000,
    });
  });

  it('rejects with a ConfigError naming the variable at fault', async () => {
    let caught: unknown;
    try {
      await resolveStartupConfig('gateway', [], { ENABLE_CONSUL: 'maybe' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).source).toBe('ENABLE_CONSUL');
    expect(formatConfigError('gateway', caught as ConfigError)).toMatch(
      /^spaceport gateway: invalid configuration: ENABLE_CONSUL: .*maybe.*\n$/,
    );
  });
});

describe('startLine', () => {
  it('says whether the id was generated, the mode and the bound port', async () => {
    const line = startLine(await resolveStartupConfig('config-service', [], {}), 4124);
    expect(line).toMatchObject({
      nodeIdGenerated: true,
      mode: 'standalone',
      host: '0.0.0.0',
      port: 4124,
      clusterId: 'default',
    });
    expect(line).not.toHaveProperty('serviceName');
  });

  it('adds the registration settings in distributed mode', async () => {
    const line = startLine(await resolveStartupConfig('gateway', ['--enable-consul', '--no-register'], {}), 1);
    expect(line).toMatchObject({ mode: 'distributed', serviceName: 'space-cloud', register: false });
  });
});

describe('startLine with a Consul connection', () => {
  it('describes the connection without its secrets', async () => {
    const config = await resolveStartupConfig('gateway', ['--enable-consul'], {
      CONSUL_HTTP_ADDR: 'https://consul:8501',
      CONSUL_HTTP_TOKEN: 's3cret-token',
      CONSUL_HTTP_AUTH: 'u:pw-123',
    });
    const text = JSON.stringify(startLine(config, 4122));
    expect(text).toContain('https://consul:8501');
    expect(text).not.toMatch(/s3cret-token|pw-123/);
  });
});

describe('HealthService', () => {
  it('reports role, nodeId and mode', async () => {
    const { options } = await resolveStartupConfig('event-worker', ['--id', 'w-1'], { ENABLE_CONSUL: 'true' });
    expect(new HealthService(options).status()).toEqual({
      status: 'ok',
      role: 'event-worker',
      nodeId: 'w-1',
      mode: 'distributed',
    });
  });
});
