export { EventIngestModule } from './ingest/event-ingest.module';
export { PartitionBacklog } from './ingest/partition-backlog';
export { EventDeliveryModule } from './delivery/event-delivery.module';
export { PartitionConsumers, type OwnedPartition, type StartResult } from './delivery/partition-consumers';
export { STANDALONE_EPOCH } from './delivery/standalone-partitions';
export { DisabledTriggers, type DisabledReason } from './shared/disabled-triggers';
export { eventingKeys, partitionQueueName, type EventingKeys } from './shared/keys';
export { parseEventingEnv, type EventingEnv } from './shared/settings';
export { type DeliveryJobData, type DeliveryStatus } from './shared/delivery-job';
