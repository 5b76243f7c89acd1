import { Module } from '@nestjs/common';
import { EventingCommonModule } from '../common/eventing-common.module';
import { IdempotencyStore } from './idempotency';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { JsonBodyLimit } from './json-body-limit';
import { LeanQueueRoute } from './lean-queue-route';
import { PartitionBacklog } from './partition-backlog';

/**
 * The gateway's queue API (events in) and the per-partition backlog of `GET /v1/cluster`. Needs the
 * app's EVENTING_ENV settings section (AppSettingsModule).
 */
@Module({
  imports: [EventingCommonModule],
  controllers: [IngestController],
  providers: [JsonBodyLimit, IdempotencyStore, IngestService, PartitionBacklog, LeanQueueRoute],
  exports: [PartitionBacklog],
})
export class EventIngestModule {}
