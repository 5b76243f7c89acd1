import { type NodeOptions } from '@spaceport/runtime-core';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** DI token of this app's prom-client `Registry` (one per app instance, never prom-client's global one). */
export const SPACEPORT_METRICS = Symbol.for('spaceport:metrics');

/** Every Spaceport metric name starts with this. */
export const METRIC_PREFIX = 'spaceport_';

/**
 * The registry of one app: default labels `role` and `node_id` on every series, plus prom-client's
 * default Node.js process metrics (`process_*`, `nodejs_*`) unless `defaultMetrics` is false.
 */
export function createMetricsRegistry(options: Pick<NodeOptions, 'role' | 'nodeId'>, defaultMetrics = true): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role: options.role, node_id: options.nodeId });
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Runs a read under `timeoutMs` (a scrape, a status request, a start-up read: each must stay bounded):
 * its value when it finished in time, `undefined` when it threw or timed out (a scrape drops its series).
 */
export async function readWithin<T>(timeoutMs: number, read: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([read(), timedOut]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
