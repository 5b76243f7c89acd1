import { HealthIndicatorService } from '@nestjs/terminus';
import { describe, expect, it } from 'vitest';
import { consulIndicator } from './consul-readiness';
import { downKeys } from './readiness.controller';
import { boundedCheck, ReadinessRegistry } from './readiness-registry';

const indicators = new HealthIndicatorService();

describe('readiness registry', () => {
  it('runs each registered check under its own key', async () => {
    const registry = new ReadinessRegistry(indicators);
    registry.register('config', (session) => session.up({ version: 3 }));
    registry.register('redis', async (session) => session.down({ message: 'away' }));
    const results = await Promise.all(registry.indicatorFunctions().map((fn) => fn()));
    expect(results).toEqual([{ config: { status: 'up', version: 3 } }, { redis: { status: 'down', message: 'away' } }]);
    expect(registry.keys()).toEqual(['config', 'redis']);
  });

  it('refuses a second check under the same key', () => {
    const registry = new ReadinessRegistry(indicators);
    registry.register('redis', (session) => session.up());
    expect(() => registry.register('redis', (session) => session.up())).toThrow(/registered twice/);
  });

  it('turns a throwing check into down with its message', async () => {
    const result = await boundedCheck(
      () => {
        throw new Error('boom');
      },
      indicators.check('x'),
      1_000,
    );
    expect(result).toEqual({ x: { status: 'down', message: 'boom' } });
  });

  it('turns a check slower than the bound into down, without waiting for it', async () => {
    const t0 = performance.now();
    const result = await boundedCheck(() => new Promise(() => undefined), indicators.check('slow'), 50);
    expect(result).toEqual({ slow: { status: 'down', message: 'check timed out after 50 ms' } });
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});

describe('consulIndicator', () => {
  it('is up with the leader address, down when the agent knows no leader', () => {
    expect(consulIndicator(indicators.check('consul'), '127.0.0.1:8300')).toEqual({
      consul: { status: 'up', leader: '127.0.0.1:8300' },
    });
    expect(consulIndicator(indicators.check('consul'), '')).toMatchObject({ consul: { status: 'down' } });
  });
});

describe('downKeys', () => {
  it('lists the failing checks, sorted', () => {
    expect(downKeys({ error: { redis: { status: 'down' }, consul: { status: 'down' } } })).toEqual(['consul', 'redis']);
    expect(downKeys({ error: {} })).toEqual([]);
    expect(downKeys({})).toEqual([]);
  });
});
