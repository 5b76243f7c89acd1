import { Injectable } from '@nestjs/common';
import { ConfigAccess } from '../shared/config-access';
import { EventPublisher } from '../shared/event-publisher';

/** Jobs waiting per partition, for `GET /v1/cluster` (empty before the first config snapshot). */
@Injectable()
export class PartitionBacklog {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly config: ConfigAccess,
  ) {}

  counts(): Promise<ReadonlyMap<number, number>> {
    const partitionCount = this.config.current()?.eventing.value.partitionCount ?? 0;
    return this.publisher.backlog(partitionCount);
  }
}
