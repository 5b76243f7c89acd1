import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { type ConsulClient } from '@spaceport/consul-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { SPACEPORT_CONSUL_CLIENT, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ClusterStatus, standaloneStatus } from '../cluster-status';
import { type BacklogProvider, type ClusterStatusReader } from '../cluster-status-reader';
import { errorText } from '../cluster-events';

/** Optional DI token: the data plane's per-partition backlog (`BacklogProvider`), shown in `partitions[].backlog`. */
export const CLUSTER_BACKLOG_PROVIDER = Symbol.for('spaceport:cluster-backlog-provider');

/** `GET /v1/cluster`: members, leader, generation and partition owners, read from Consul. */
@Controller('v1/cluster')
export class ClusterStatusController {
  private reader: Promise<ClusterStatusReader> | undefined;

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly options: NodeOptions,
    @Inject(SPACEPORT_CONSUL_CLIENT) private readonly client: ConsulClient | null,
    @Optional() @Inject(CLUSTER_BACKLOG_PROVIDER) private readonly backlog?: BacklogProvider,
  ) {}

  @Get()
  async status(): Promise<ClusterStatus> {
    const { client, options, backlog } = this;
    if (!client || !options.enableConsul) return standaloneStatus(options.clusterId);
    // Loaded on the first request, in distributed mode only (the reader brings consul-core).
    this.reader ??= import('../cluster-status-reader').then(
      ({ ClusterStatusReader }) =>
        new ClusterStatusReader({
          client,
          clusterId: options.clusterId,
          serviceName: options.serviceName,
          ...(backlog ? { backlog } : {}),
        }),
    );
    try {
      return await (await this.reader).read();
    } catch (error) {
      throw new ServiceUnavailableException({ error: 'consul-unavailable', message: errorText(error) });
    }
  }
}
