import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { AdminAuthGuard } from '@spaceport/app-runtime';
import { ClusterPartitions } from './cluster-partitions';
import { ClusterStatusController } from './cluster-status.controller';
import { PartitionObservability } from './partition-observability';

/**
 * The gateway's cluster status API (admin tokens: the app's ADMIN_TOKENS settings section); NodeOptions, the Consul client, the metrics and readiness registries
 * come from the global runtime. `register({ imports })` with a module exporting CLUSTER_PARTITION_READINGS
 * adds the data plane's fields per partition, the partition metrics and the `backlog` readiness check.
 */
@Module({
  controllers: [ClusterStatusController],
  providers: [AdminAuthGuard, ClusterPartitions, PartitionObservability],
})
export class ClusterStatusModule {
  static register(options: { imports?: ModuleMetadata['imports'] } = {}): DynamicModule {
    return { module: ClusterStatusModule, imports: options.imports ?? [] };
  }
}
