import { type NodeOptions } from '@spaceport/runtime-core';

/** DI token of this instance's `NodeOptions` (identity, mode, port), provided globally by the runtime. */
export const SPACEPORT_NODE_OPTIONS = Symbol.for('spaceport:node-options');

/** DI token of the validated `ConsulConnection` in distributed mode; `null` in standalone mode. */
export const SPACEPORT_CONSUL_CONNECTION = Symbol.for('spaceport:consul-connection');

/** DI token of the `consul` client built from the connection; `null` in standalone mode. */
export const SPACEPORT_CONSUL_CLIENT = Symbol.for('spaceport:consul-client');

/** DI token of the process-wide pino logger, for services that log structured fields. */
export const SPACEPORT_LOGGER = Symbol.for('spaceport:logger');

/** `standalone` (config in a file, one worker owns all partitions) or `distributed` (Consul). */
export type RunMode = 'standalone' | 'distributed';

export function runMode(options: Pick<NodeOptions, 'enableConsul'>): RunMode {
  return options.enableConsul ? 'distributed' : 'standalone';
}
