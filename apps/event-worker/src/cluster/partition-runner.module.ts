import { Module } from '@nestjs/common';
import { PARTITION_RUNNER } from '@spaceport/cluster';
import { EventDeliveryModule, PartitionConsumers } from '@spaceport/eventing';

/** The data plane's partition consumers, offered to the cluster coordinator as its PartitionRunner. */
@Module({
  imports: [EventDeliveryModule],
  providers: [{ provide: PARTITION_RUNNER, useExisting: PartitionConsumers }],
  exports: [PARTITION_RUNNER],
})
export class PartitionRunnerModule {}
