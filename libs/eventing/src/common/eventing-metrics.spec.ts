import { createMetricsRegistry } from '@spaceport/app-runtime';
import { parsePrometheusText, sampleSum } from '@spaceport/testing';
import { describe, expect, it } from 'vitest';
import { EventingMetrics } from './eventing-metrics';

describe('EventingMetrics', () => {
  const job = { project: 'shop', triggerId: 'paid', time: '2025-01-01T00:00:00.000Z' };

  it('counts queued events and attempts by outcome; latency only for deliveries', async () => {
    const registry = createMetricsRegistry({ role: 'event-worker', nodeId: 'w-1' }, false);
    const metrics = new EventingMetrics(registry);
    metrics.eventsQueued('shop', 3);
    metrics.attemptEnded(job, 'retry', 120);
    metrics.attemptEnded(job, 'success', 30, Date.parse(job.time) + 2_500);
    metrics.attemptEnded(job, 'fail', 10);
    const parsed = parsePrometheusText(await registry.metrics());
    const labels = { project: 'shop', trigger: 'paid', role: 'event-worker', node_id: 'w-1' };
    expect(sampleSum(parsed, 'spaceport_events_queued_total', { project: 'shop', node_id: 'w-1' })).toBe(3);
    for (const outcome of ['delivered', 'retried', 'failed']) {
      expect(sampleSum(parsed, 'spaceport_deliveries_total', { ...labels, outcome })).toBe(1);
    }
    expect(parsed.types.get('spaceport_delivery_attempt_duration_seconds')).toBe('histogram');
    expect(sampleSum(parsed, 'spaceport_delivery_attempt_duration_seconds_count', labels)).toBe(3);
    expect(sampleSum(parsed, 'spaceport_delivery_attempt_duration_seconds_sum', labels)).toBeCloseTo(0.16);
    expect(sampleSum(parsed, 'spaceport_delivery_latency_seconds_count', labels)).toBe(1);
    expect(sampleSum(parsed, 'spaceport_delivery_latency_seconds_sum', labels)).toBe(2.5);
    expect(sampleSum(parsed, 'spaceport_delivery_latency_seconds_bucket', { ...labels, le: '1' })).toBe(0);
    expect(sampleSum(parsed, 'spaceport_delivery_latency_seconds_bucket', { ...labels, le: '2.5' })).toBe(1);
  });

  it('counts delivery jobs that ended without a send, by reason', async () => {
    const registry = createMetricsRegistry({ role: 'event-worker', nodeId: 'w-1' }, false);
    const metrics = new EventingMetrics(registry);
    metrics.deliveryNotSent(job, 'trigger-deleted');
    metrics.deliveryNotSent(job, 'held');
    metrics.deliveryNotSent(job, 'held');
    metrics.deliveryNotSent(job, 'already-sent');
    metrics.deliveryNotSent(job, 'already-sent');
    const parsed = parsePrometheusText(await registry.metrics());
    const labels = { project: 'shop', trigger: 'paid' };
    expect(sampleSum(parsed, 'spaceport_deliveries_not_sent_total', { ...labels, reason: 'trigger-deleted' })).toBe(1);
    expect(sampleSum(parsed, 'spaceport_deliveries_not_sent_total', { ...labels, reason: 'held' })).toBe(2);
    expect(sampleSum(parsed, 'spaceport_deliveries_not_sent_total', { ...labels, reason: 'already-sent' })).toBe(2);
    expect(sampleSum(parsed, 'spaceport_deliveries_total', labels)).toBe(0);
  });

  it('reads the synchronous calls held now and counts the refused ones', async () => {
    const registry = createMetricsRegistry({ role: 'gateway', nodeId: 'gw-1' }, false);
    const metrics = new EventingMetrics(registry);
    let parsed = parsePrometheusText(await registry.metrics());
    expect(parsed.types.get('spaceport_sync_calls_pending')).toBe('gauge');
    expect(sampleSum(parsed, 'spaceport_sync_calls_pending')).toBe(0);
    metrics.syncCallsPending(2);
    metrics.syncCallRefused();
    metrics.syncCallRefused();
    metrics.syncCallsPending(1);
    parsed = parsePrometheusText(await registry.metrics());
    expect(sampleSum(parsed, 'spaceport_sync_calls_pending', { node_id: 'gw-1' })).toBe(1);
    expect(sampleSum(parsed, 'spaceport_sync_calls_refused_total', { node_id: 'gw-1' })).toBe(2);
  });

  it('costs well under a microsecond-scale budget per recorded attempt', () => {
    const metrics = new EventingMetrics(createMetricsRegistry({ role: 'event-worker', nodeId: 'w-1' }, false));
    const n = 100_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) metrics.attemptEnded({ ...job, triggerId: `t${i % 20}` }, 'success', 12);
    const perCallUs = ((performance.now() - t0) * 1_000) / n;
    // an HTTP attempt costs hundreds of µs at least; recording it must be noise next to that
    expect(perCallUs).toBeLessThan(20);
  });
});
