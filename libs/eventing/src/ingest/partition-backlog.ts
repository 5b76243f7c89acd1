import { Injectable } from '@nestjs/common';
import { ConfigAccess } from '../shared/config-access';
import { QueueDepthReader } from '../observability/queue-depth';

/** Jobs waiting per partition, for `GET /v1/cluster` (empty before the first config snapshot). */
@Injectable()
export class PartitionBacklog {
  constructor(
    private readonly depth: QueueDepthReader,
    private readonly config: ConfigAccess,
  ) {}

  counts(): Promise<ReadonlyMap<number, number>> {
    const partitionCount = this.config.current()?.eventing.value.partitionCount ?? 0;
    return this.depth.backlog(partitionCount);
  }
}
