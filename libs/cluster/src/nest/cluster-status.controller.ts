import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { type ConsulClient } from '@spaceport/consul-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { SPACEPORT_CONSUL_CLIENT, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ClusterStatus, standaloneStatus } from '../cluster-status';
import { type BacklogProvider, ClusterStatusReader } from '../cluster-status-reader';
import { errorText } from '../cluster-events';

/** Optional DI token: the data plane's per-partition backlog (`BacklogProvider`), shown in `partitions[].backlog`. */
export const CLUSTER_BACKLOG_PROVIDER = Symbol.for('spaceport:cluster-backlog-provider');

/** `GET /v1/cluster`: members, leader, generation and partition owners, read from Consul. */
@Controller('v1/cluster')
export class ClusterStatusController {
  private readonly reader: ClusterStatusReader | undefined;

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly options: NodeOptions,
    @Inject(SPACEPORT_CONSUL_CLIENT) client: ConsulClient | null,
    @Optional() @Inject(CLUSTER_BACKLOG_PROVIDER) backlog?: BacklogProvider,
  ) {
    this.reader =
      client && options.enableConsul
        ? new ClusterStatusReader({
            client,
            clusterId: options.clusterId,
            serviceName: options.serviceName,
            ...(backlog ? { backlog } : {}),
          })
        : undefined;
  }

  @Get()
  async status(): Promise<ClusterStatus> {
    if (!this.reader) return standaloneStatus(this.options.clusterId);
    try {
      return await this.reader.read();
    } catch (error) {
      throw new ServiceUnavailableException({ error: 'consul-unavailable', message: errorText(error) });
    }
  }
}
