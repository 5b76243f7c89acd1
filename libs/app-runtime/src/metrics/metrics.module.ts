import { Module } from '@nestjs/common';
import { type NodeOptions } from '@spaceport/runtime-core';
import { SPACEPORT_NODE_OPTIONS } from '../tokens';
import { MetricsController } from './metrics.controller';
import { createMetricsRegistry, SPACEPORT_METRICS } from './metrics-registry';

/**
 * `GET /metrics` and the app's prom-client `Registry` under `SPACEPORT_METRICS` (exported globally
 * by `RuntimeModule`): features create their `spaceport_*` metrics on it (`registers: [registry]`).
 */
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: SPACEPORT_METRICS,
      inject: [SPACEPORT_NODE_OPTIONS],
      useFactory: (options: NodeOptions) => createMetricsRegistry(options),
    },
  ],
  exports: [SPACEPORT_METRICS],
})
export class MetricsModule {}
