import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { ConfigAccess } from '../common/config-access';
import { CONSUMER_HEARTBEAT_MS, ConsumerRecords } from '../common/consumer-records';
import { PartitionConsumers } from './partition-consumers';

/**
 * Publishes which partitions this worker consumes (consumer-records.ts): every CONSUMER_HEARTBEAT_MS
 * and at once when a partition starts, all its records in one script call; a partition it stops is
 * withdrawn at once. A worker that dies, hangs or loses Redis stops renewing, and its records expire.
 */
@Injectable()
export class ConsumerHeartbeat implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: Array<() => void> = [];
  private beating = false;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly config: ConfigAccess,
    private readonly consumers: PartitionConsumers,
    private readonly records: ConsumerRecords,
  ) {}

  onModuleInit(): void {
    if (!this.config.available) return;
    this.unsubscribe = [
      this.consumers.consumption.on('started', () => void this.beat()),
      this.consumers.consumption.on('stopped', (partition, epoch) => void this.withdraw(partition, epoch)),
    ];
    this.timer = setInterval(() => void this.beat(), CONSUMER_HEARTBEAT_MS);
    this.timer.unref();
  }

  /** No more renewals; the partitions stopping now are still withdrawn (Redis closes at shutdown). */
  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** One renewal at a time; one asked for meanwhile runs right after (with what runs then). */
  private async beat(): Promise<void> {
    if (this.stopped) return;
    if (this.beating) {
      this.again = true;
      return;
    }
    this.beating = true;
    try {
      do {
        this.again = false;
        await this.publish();
      } while (this.again && !this.stopped);
    } finally {
      this.beating = false;
    }
  }

  private async publish(): Promise<void> {
    try {
      await this.records.publish(this.node.nodeId, this.consumers.consuming());
      if (this.failing) this.logger.info('consumer records renewed again');
      this.failing = false;
    } catch (error) {
      if (!this.failing)
        this.logger.warn(
          { err: { message: (error as Error).message } },
          'cannot renew the consumer records; they expire unless Redis answers again',
        );
      this.failing = true;
    }
  }

  private async withdraw(partition: number, epoch: number): Promise<void> {
    try {
      await this.records.withdraw(this.node.nodeId, partition, epoch);
    } catch (error) {
      this.logger.debug({ partition, err: { message: (error as Error).message } }, 'consumer record left to expire');
    }
  }
}
