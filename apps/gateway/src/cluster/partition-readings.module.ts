import { Module } from '@nestjs/common';
import { CLUSTER_PARTITION_READINGS, type PartitionReadingsProvider } from '@spaceport/cluster';
import { EventIngestModule, PartitionReader } from '@spaceport/eventing';

/** The data plane's reading of every partition, offered to the cluster status API, metrics and readiness. */
@Module({
  imports: [EventIngestModule],
  providers: [
    {
      provide: CLUSTER_PARTITION_READINGS,
      inject: [PartitionReader],
      useFactory:
        (reader: PartitionReader): PartitionReadingsProvider =>
        () =>
          reader.readAll(),
    },
  ],
  exports: [CLUSTER_PARTITION_READINGS],
})
export class PartitionReadingsModule {}
