import { Module } from '@nestjs/common';
import { PARTITION_RUNNER, type PartitionRunner } from '@spaceport/cluster';
import { EventDeliveryModule, PartitionConsumers, PartitionReader } from '@spaceport/eventing';

/** The data plane's partition consumers, offered to the cluster coordinator as its PartitionRunner. */
@Module({
  imports: [EventDeliveryModule],
  providers: [
    {
      provide: PARTITION_RUNNER,
      inject: [PartitionConsumers, PartitionReader],
      useFactory: (consumers: PartitionConsumers, reader: PartitionReader): PartitionRunner => ({
        start: (partition, epoch) => consumers.startAssigned(partition, epoch),
        stop: (partition) => consumers.stop(partition),
        partitionsToConsume: (count) => consumers.partitionsToConsume(count),
        highestEpoch: (count) => consumers.highestEpoch(count),
        setOwnershipCheck: (check) => consumers.setOwnershipCheck(check),
        setStopListener: (listener) => consumers.setStopListener(listener),
        readPartitions: (partitions) => reader.read(partitions),
      }),
    },
  ],
  exports: [PARTITION_RUNNER],
})
export class PartitionRunnerModule {}
