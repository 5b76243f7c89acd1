import { Counter } from 'prom-client';
import { parsePrometheusText, samplesOf } from '@spaceport/testing';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, readWithin } from './metrics-registry';

describe('createMetricsRegistry', () => {
  it('labels every series with role and node_id, and keeps registries apart', async () => {
    const a = createMetricsRegistry({ role: 'gateway', nodeId: 'gw-1' }, false);
    const b = createMetricsRegistry({ role: 'event-worker', nodeId: 'w-1' }, false);
    new Counter({ name: 'spaceport_x_total', help: 'x', registers: [a] }).inc(2);
    new Counter({ name: 'spaceport_x_total', help: 'x', registers: [b] }).inc(5);
    expect(samplesOf(parsePrometheusText(await a.metrics()), 'spaceport_x_total')).toEqual([
      { name: 'spaceport_x_total', labels: { role: 'gateway', node_id: 'gw-1' }, value: 2 },
    ]);
    expect(samplesOf(parsePrometheusText(await b.metrics()), 'spaceport_x_total')).toEqual([
      { name: 'spaceport_x_total', labels: { role: 'event-worker', node_id: 'w-1' }, value: 5 },
    ]);
  });

  it('adds the default Node.js metrics unless told not to', async () => {
    const withDefaults = parsePrometheusText(
      await createMetricsRegistry({ role: 'gateway', nodeId: 'gw-1' }).metrics(),
    );
    expect(withDefaults.types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(samplesOf(withDefaults, 'nodejs_heap_size_used_bytes', { role: 'gateway' })).toHaveLength(1);
    expect(
      parsePrometheusText(await createMetricsRegistry({ role: 'gateway', nodeId: 'gw-1' }, false).metrics()).samples,
    ).toEqual([]);
  });
});

describe('readWithin', () => {
  it('gives the value in time, undefined after a throw or the bound', async () => {
    expect(await readWithin(1_000, async () => 7)).toBe(7);
    expect(await readWithin(1_000, () => Promise.reject(new Error('no')))).toBeUndefined();
    const t0 = performance.now();
    expect(await readWithin(30, () => new Promise<number>(() => undefined))).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});
