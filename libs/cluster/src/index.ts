// Only what loads no consul-core: the coordinator, its leader and follower and the status reader
// (consul-core users) are loaded on demand by the Nest modules, in distributed mode only.
export * from './assignment';
export * from './assignment-document';
export * from './assignment-readiness';
export * from './cluster-events';
export * from './cluster-kv';
export * from './cluster-status';
export * from './follower-plan';
export * from './nest/cluster-coordinator.module';
export * from './nest/cluster-status.module';
export * from './partition-runner';
export * from './settings';
export {
  CLUSTER_PARTITION_READINGS,
  type PartitionReadingsProvider,
  type PartitionSurvey,
} from './nest/cluster-partitions';
