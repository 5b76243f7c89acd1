import { Injectable } from '@nestjs/common';
import { ConfigAccess } from '../common/config-access';
import { PartitionHighWater } from '../common/partition-high-water';
import { QueueDepthReader } from '../common/queue-depth';

/**
 * Jobs waiting per partition, for `GET /v1/cluster`: the configured partitions and those a lowered
 * count dropped that are still consumed (partition high water); empty before the first config snapshot.
 */
@Injectable()
export class PartitionBacklog {
  constructor(
    private readonly depth: QueueDepthReader,
    private readonly config: ConfigAccess,
    private readonly highWater: PartitionHighWater,
  ) {}

  async counts(): Promise<ReadonlyMap<number, number>> {
    const partitionCount = this.config.current()?.eventing.value.partitionCount;
    if (partitionCount === undefined) return new Map();
    return this.depth.backlog(await this.highWater.partitionsToConsume(partitionCount));
  }
}
