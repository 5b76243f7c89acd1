import { Module } from '@nestjs/common';
import { EventingCommonModule } from '../common/eventing-common.module';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';
import { JsonBodyLimit } from './json-body-limit';
import { LeanQueueRoute } from './lean-queue-route';
import { SyncReplies } from './sync-replies';

/**
 * The gateway's queue API (events in); it also offers the data plane's `PartitionReader` (the per-partition
 * backlog and consumers of `GET /v1/cluster`). Needs the app's EVENTING_ENV settings section (AppSettingsModule).
 */
@Module({
  imports: [EventingCommonModule],
  controllers: [IngestController],
  providers: [JsonBodyLimit, IngestService, LeanQueueRoute, SyncReplies],
  exports: [EventingCommonModule],
})
export class EventIngestModule {}
