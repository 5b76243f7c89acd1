import { Module } from '@nestjs/common';
import { EventsController } from '../observe/events.controller';
import { ObserveAccess } from '../observe/observe-access';
import { ObserveService } from '../observe/observe.service';
import { TriggerStateController } from '../observe/trigger-state.controller';
import { EventingSharedModule } from '../shared/eventing-shared.module';
import { IdempotencyStore } from './idempotency';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { JsonBodyLimit } from './json-body-limit';
import { LeanQueueRoute } from './lean-queue-route';
import { PartitionBacklog } from './partition-backlog';

/**
 * The gateway's data-plane API: queue events, event/invocation logs, redeliver, DLQ redrive, trigger state.
 * Needs the app's EVENTING_ENV and ADMIN_TOKENS settings sections (AppSettingsModule).
 */
@Module({
  imports: [EventingSharedModule],
  controllers: [IngestController, EventsController, TriggerStateController],
  providers: [
    JsonBodyLimit,
    IdempotencyStore,
    IngestService,
    ObserveService,
    PartitionBacklog,
    LeanQueueRoute,
    ObserveAccess,
  ],
  exports: [PartitionBacklog],
})
export class EventIngestModule {}
