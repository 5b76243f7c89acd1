import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ClusterStatusController } from './cluster-status.controller';

/**
 * The gateway's cluster status API; NodeOptions and the Consul client come from the global runtime.
 * `register({ imports })` with a module exporting CLUSTER_BACKLOG_PROVIDER adds per-partition backlog.
 */
@Module({ controllers: [ClusterStatusController] })
export class ClusterStatusModule {
  static register(options: { imports?: ModuleMetadata['imports'] } = {}): DynamicModule {
    return { module: ClusterStatusModule, imports: options.imports ?? [] };
  }
}
