export { EventIngestModule } from './ingest/event-ingest.module';
export { PartitionReader } from './common/partition-reader';
export { EventObserveModule } from './observe/event-observe.module';
export { EventDeliveryModule } from './delivery/event-delivery.module';
export {
  PARTITION_STOP_GRACE_MS,
  PartitionConsumers,
  type OwnedPartition,
  type StartResult,
} from './delivery/partition-consumers';
export { DisabledTriggers, type DisabledReason } from './common/disabled-triggers';
export { eventingKeys, partitionQueueName, partitionQueuePrefix, type EventingKeys } from './common/keys';
export { QUEUE_EVENTS_MAX_LEN } from './common/partition-queues';
export { parseEventingEnv, type EventingEnv } from './common/settings';
export { EVENTING_ENV } from './common/tokens';
export { type DeliveryJobData, type DeliveryStatus } from './common/delivery-job';
export { queueBatchSchema, queueEventSchema } from './common/queue-body';
export { leanQueueRequest } from './ingest/lean-queue-route';
export { JSON_BODY_LIMIT_BYTES } from './ingest/json-body-limit';
