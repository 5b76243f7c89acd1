import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { type ClusterStatus } from '../cluster-status';
import { errorText } from '../cluster-events';
import { ClusterPartitions } from './cluster-partitions';

/**
 * `GET /v1/cluster`: members, leader, generation and partition owners, read from Consul, and per
 * partition the data plane's backlog, oldest due waiting job, consumer and stuck verdict.
 */
@Controller('v1/cluster')
export class ClusterStatusController {
  constructor(private readonly partitions: ClusterPartitions) {}

  @Get()
  async status(): Promise<ClusterStatus> {
    try {
      return await this.partitions.status();
    } catch (error) {
      throw new ServiceUnavailableException({ error: 'consul-unavailable', message: errorText(error) });
    }
  }
}
