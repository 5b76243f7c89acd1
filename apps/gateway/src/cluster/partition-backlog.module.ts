import { Module } from '@nestjs/common';
import { CLUSTER_BACKLOG_PROVIDER } from '@spaceport/cluster';
import { EventIngestModule, PartitionBacklog } from '@spaceport/eventing';

/** The data plane's per-partition backlog, offered to the cluster status API. */
@Module({
  imports: [EventIngestModule],
  providers: [
    {
      provide: CLUSTER_BACKLOG_PROVIDER,
      inject: [PartitionBacklog],
      useFactory: (backlog: PartitionBacklog) => () => backlog.counts(),
    },
  ],
  exports: [CLUSTER_BACKLOG_PROVIDER],
})
export class PartitionBacklogModule {}
