import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleSum, samplesOf } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads back what prom-client writes: types, labels with escapes, histogram buckets', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ node_id: 'w-1' });
    const counter = new Counter({ name: 't_total', help: 'h', labelNames: ['project'], registers: [registry] });
    counter.inc({ project: 'a"b\\c\nd' }, 3);
    counter.inc({ project: 'plain' });
    const histogram = new Histogram({ name: 't_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
    histogram.observe(0.5);
    const parsed = parsePrometheusText(await registry.metrics());
    expect(parsed.types.get('t_total')).toBe('counter');
    expect(parsed.types.get('t_seconds')).toBe('histogram');
    expect(samplesOf(parsed, 't_total', { project: 'a"b\\c\nd' })).toEqual([
      { name: 't_total', labels: { project: 'a"b\\c\nd', node_id: 'w-1' }, value: 3 },
    ]);
    expect(sampleSum(parsed, 't_total')).toBe(4);
    expect(sampleSum(parsed, 't_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(sampleSum(parsed, 't_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sampleSum(parsed, 't_seconds_count')).toBe(1);
  });

  it('parses special values and refuses a line that is not a sample', () => {
    const parsed = parsePrometheusText('a +Inf\nb{x="1"} NaN\nc -2.5e-3 1700000000000\n');
    expect(parsed.samples.map((s) => s.value)).toEqual([Number.POSITIVE_INFINITY, Number.NaN, -0.0025]);
    expect(() => parsePrometheusText('what is this')).toThrow(/not a sample line/);
    expect(() => parsePrometheusText('a{x="1} 2')).toThrow(/unterminated/);
  });
});
