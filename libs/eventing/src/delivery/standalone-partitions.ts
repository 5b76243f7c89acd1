import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type NodeOptions } from '@spaceport/consul-core';
import { type Logger } from 'pino';
import { ConfigAccess } from '../shared/config-access';
import { PartitionConsumers } from './partition-consumers';

/** Standalone mode owns every partition at this epoch (re-bumping the same generation is a no-op). */
export const STANDALONE_EPOCH = 1;

/**
 * In standalone mode (no Consul) this worker owns all P partitions at epoch 1, P from the eventing
 * settings; partitions added by a larger P are started on the next snapshot. In distributed mode it
 * does nothing: the cluster layer drives `PartitionConsumers`.
 */
@Injectable()
export class StandalonePartitions implements OnApplicationBootstrap, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly config: ConfigAccess,
    private readonly consumers: PartitionConsumers,
  ) {}

  onApplicationBootstrap(): void {
    if (this.node.enableConsul || !this.config.available) return;
    void this.config.ready().then((snapshot) => {
      if (this.closed) return;
      this.unsubscribe = this.config.onChange((next) => void this.ensure(next.eventing.value.partitionCount));
      return this.ensure(snapshot.eventing.value.partitionCount);
    });
  }

  private async ensure(partitionCount: number): Promise<void> {
    const owned = new Set(this.consumers.owned().map((entry) => entry.partition));
    for (let partition = 0; partition < partitionCount && !this.closed; partition += 1) {
      if (owned.has(partition)) continue;
      await this.startWithRetry(partition);
    }
  }

  private async startWithRetry(partition: number): Promise<void> {
    for (let delay = 200; !this.closed; delay = Math.min(delay * 2, 5_000)) {
      try {
        await this.consumers.start(partition, STANDALONE_EPOCH);
        return;
      } catch (error) {
        this.logger.warn({ partition, err: { message: (error as Error).message } }, 'cannot start partition yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.unsubscribe?.();
  }
}
