import { Module } from '@nestjs/common';
import { resolveAdminTokens } from '@spaceport/app-runtime';
import { EventsController } from '../observe/events.controller';
import { OBSERVE_ADMIN_TOKENS, ObserveAccess } from '../observe/observe-access';
import { ObserveService } from '../observe/observe.service';
import { TriggerStateController } from '../observe/trigger-state.controller';
import { EventingSharedModule } from '../shared/eventing-shared.module';
import { IdempotencyStore } from './idempotency';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { JsonBodyLimit } from './json-body-limit';
import { LeanQueueRoute } from './lean-queue-route';
import { PartitionBacklog } from './partition-backlog';

/** The gateway's data-plane API: queue events, event/invocation logs, redeliver, DLQ redrive, trigger state. */
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
    { provide: OBSERVE_ADMIN_TOKENS, useFactory: () => resolveAdminTokens(process.env) },
  ],
  exports: [PartitionBacklog],
})
export class EventIngestModule {}
