import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { STANDALONE_EPOCH } from '@spaceport/eventing-core';
import { type NodeOptions, retryUntilAborted, START_UP_BACKOFF } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { ConfigAccess } from '../common/config-access';
import { PartitionConsumers } from './partition-consumers';

/**
 * In standalone mode (no Consul) this worker owns all P partitions at epoch 1, P from the eventing
 * settings; partitions added by a larger P are started on the next snapshot. Partitions a lowered P
 * dropped are consumed too, up to the partition high water (partition-high-water.ts), so the jobs
 * still queued there are delivered. In distributed mode it does nothing: the cluster layer drives
 * `PartitionConsumers`.
 */
@Injectable()
export class StandalonePartitions implements OnApplicationBootstrap, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;
  private readonly stopped = new AbortController();
  private ensuring: Promise<void> = Promise.resolve();

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly config: ConfigAccess,
    private readonly consumers: PartitionConsumers,
  ) {}

  onApplicationBootstrap(): void {
    if (this.node.enableConsul || !this.config.available) return;
    void this.config.ready().then((snapshot) => {
      if (this.stopped.signal.aborted) return;
      this.unsubscribe = this.config.onChange((next) => void this.ensure(next.eventing.value.partitionCount));
      return this.ensure(snapshot.eventing.value.partitionCount);
    });
  }

  /** One pass at a time (a config change during a pass queues the next), so no partition starts twice. */
  private ensure(partitionCount: number): Promise<void> {
    this.ensuring = this.ensuring.then(() => this.ensureNow(partitionCount));
    return this.ensuring;
  }

  private async ensureNow(partitionCount: number): Promise<void> {
    const count = await this.withRetry('read the partition high water', () =>
      this.consumers.partitionsToConsume(partitionCount),
    );
    const owned = new Set(this.consumers.owned().map((entry) => entry.partition));
    for (let partition = 0; partition < (count ?? 0) && !this.stopped.signal.aborted; partition += 1) {
      if (owned.has(partition)) continue;
      await this.withRetry('start partition', () => this.consumers.start(partition, STANDALONE_EPOCH), { partition });
    }
  }

  /** Runs `step` until it succeeds, or until this stops (then undefined). */
  private withRetry<T>(
    what: string,
    step: () => Promise<T>,
    context: Record<string, unknown> = {},
  ): Promise<T | undefined> {
    return retryUntilAborted(
      step,
      this.stopped.signal,
      (error, attempt, delayMs) => {
        this.logger.warn(
          { ...context, err: { message: (error as Error).message }, attempt, retryInMs: delayMs },
          `cannot ${what} yet`,
        );
      },
      START_UP_BACKOFF,
    );
  }

  onModuleDestroy(): void {
    this.stopped.abort();
    this.unsubscribe?.();
  }
}
