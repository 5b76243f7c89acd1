import { Inject, Injectable } from '@nestjs/common';
import { type DataPlaneReading, type PartitionReading } from '@spaceport/eventing-core';
import { ConfigAccess } from './config-access';
import { ConsumerRecords } from './consumer-records';
import { PartitionHighWater } from './partition-high-water';
import { QueueStateReader } from './queue-state';
import { type EventingEnv } from './settings';
import { EVENTING_ENV } from './tokens';

/**
 * The data plane's reading of partitions, at status / scrape / probe time only: per partition its
 * depth, backlog and oldest due waiting job (one script per queue) and its live consumer record (one
 * MGET for all), with the stall bound (`EVENTING_STALL_AFTER_MS`) to judge them by. Feeds
 * `GET /v1/cluster`, the gateway's partition metrics and `backlog` check, and the workers' readiness.
 */
@Injectable()
export class PartitionReader {
  constructor(
    private readonly queues: QueueStateReader,
    private readonly consumers: ConsumerRecords,
    private readonly config: ConfigAccess,
    private readonly highWater: PartitionHighWater,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
  ) {}

  /**
   * Every partition: the configured ones and those a lowered count dropped that are still consumed
   * (partition high water); none before the first config snapshot.
   */
  async readAll(): Promise<DataPlaneReading> {
    const partitionCount = this.config.current()?.eventing.value.partitionCount;
    if (partitionCount === undefined) return { stallAfterMs: this.env.stallAfterMs, partitions: new Map() };
    const count = await this.highWater.partitionsToConsume(partitionCount);
    return this.read(Array.from({ length: count }, (_, partition) => partition));
  }

  /** The given partitions. */
  async read(partitions: readonly number[]): Promise<DataPlaneReading> {
    const [states, consumers] = await Promise.all([this.queues.read(partitions), this.consumers.read(partitions)]);
    const readings = new Map<number, PartitionReading>();
    for (const [partition, state] of states) {
      readings.set(partition, { ...state, consumer: consumers.get(partition) ?? null });
    }
    return { stallAfterMs: this.env.stallAfterMs, partitions: readings };
  }
}
