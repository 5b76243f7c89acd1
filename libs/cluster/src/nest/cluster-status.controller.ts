import { Controller, Get, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '@spaceport/app-runtime';
import { type ClusterStatus } from '../cluster-status';
import { errorText } from '../cluster-events';
import { ClusterPartitions } from './cluster-partitions';

/**
 * `GET /v1/cluster`: members, leader, generation and partition owners, read from Consul, and per
 * partition the data plane's backlog, oldest due waiting job, consumer and stuck verdict. Admin token
 * (full or read-only): it names every instance and address. Read at most 4 times a second, whoever asks.
 */
@Controller('v1/cluster')
@UseGuards(AdminAuthGuard)
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
