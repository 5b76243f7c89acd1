import { ConfigError } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { HealthService } from './health/health.service';
import { formatConfigError, resolveStartupConfig, startLine } from './startup';

describe('resolveStartupConfig', () => {
  it('listens on all interfaces by default and on HOST when set', () => {
    expect(resolveStartupConfig('gateway', [], {}).host).toBe('0.0.0.0');
    expect(resolveStartupConfig('gateway', [], { HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(() => resolveStartupConfig('gateway', [], { HOST: 'a b' })).toThrow(ConfigError);
  });

  it('passes flags and env through to NodeOptions (flag beats env)', () => {
    const config = resolveStartupConfig('event-worker', ['--id', 'w-flag'], { NODE_ID: 'w-env', PORT: '9000' });
    expect(config.options).toMatchObject({
      role: 'event-worker',
      nodeId: 'w-flag',
      nodeIdGenerated: false,
      port: 9000,
    });
  });

  it('throws ConfigError naming the variable at fault', () => {
    let caught: unknown;
    try {
      resolveStartupConfig('gateway', [], { ENABLE_CONSUL: 'maybe' });
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
  it('says whether the id was generated, the mode and the bound port', () => {
    const line = startLine(resolveStartupConfig('config-service', [], {}), 4124);
    expect(line).toMatchObject({
      nodeIdGenerated: true,
      mode: 'standalone',
      host: '0.0.0.0',
      port: 4124,
      clusterId: 'default',
    });
    expect(line).not.toHaveProperty('serviceName');
  });

  it('adds the registration settings in distributed mode', () => {
    const line = startLine(resolveStartupConfig('gateway', ['--enable-consul', '--no-register'], {}), 1);
    expect(line).toMatchObject({ mode: 'distributed', serviceName: 'space-cloud', register: false });
  });
});

describe('startLine with a Consul connection', () => {
  it('describes the connection without its secrets', () => {
    const config = resolveStartupConfig('gateway', ['--enable-consul'], {});
    config.consul = {
      host: 'consul',
      port: 8501,
      secure: true,
      token: 's3cret-token',
      basicAuth: { username: 'u', password: 'pw-123' },
    };
    const text = JSON.stringify(startLine(config, 4122));
    expect(text).toContain('https://consul:8501');
    expect(text).not.toMatch(/s3cret-token|pw-123/);
  });
});

describe('HealthService', () => {
  it('reports role, nodeId and mode', () => {
    const { options } = resolveStartupConfig('event-worker', ['--id', 'w-1'], { ENABLE_CONSUL: 'true' });
    expect(new HealthService(options).status()).toEqual({
      status: 'ok',
      role: 'event-worker',
      nodeId: 'w-1',
      mode: 'distributed',
    });
  });
});
