import { Module } from '@nestjs/common';
import { DeliveryObservability } from './delivery-observability';
import { EventingCommonModule } from '../common/eventing-common.module';
import { AttemptRunner } from './attempt-runner';
import { ConsumerHeartbeat } from './consumer-heartbeat';
import { DeadLetterEvents } from './dead-letter-events';
import { DeliveryProcessor } from './delivery-processor';
import { FailureRuns } from './failure-runs';
import { PartitionConsumers } from './partition-consumers';
import { RateLimiter } from './rate-limiter';
import { StandalonePartitions } from './standalone-partitions';
import { WebhookAnswers } from './webhook-answer';

/**
 * The event-worker's data plane: partition consumers, delivery, standalone ownership of all partitions,
 * the consumer records' heartbeat; it also offers the data plane's `PartitionReader` (readiness).
 */
@Module({
  imports: [EventingCommonModule],
  providers: [
    AttemptRunner,
    DeadLetterEvents,
    DeliveryProcessor,
    FailureRuns,
    PartitionConsumers,
    RateLimiter,
    StandalonePartitions,
    ConsumerHeartbeat,
    DeliveryObservability,
    WebhookAnswers,
  ],
  exports: [PartitionConsumers, EventingCommonModule],
})
export class EventDeliveryModule {}
