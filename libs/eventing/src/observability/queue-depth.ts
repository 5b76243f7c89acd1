import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type NodeOptions } from '@spaceport/consul-core';
import { Queue } from 'bullmq';
import { type Redis } from 'ioredis';
import { type DeliveryJobData } from '../shared/delivery-job';
import { partitionQueueName } from '../shared/keys';
import { type EventingEnv } from '../shared/settings';
import { EVENTING_ENV, EVENTING_REDIS } from '../shared/tokens';

export type QueueState = 'waiting' | 'active' | 'delayed' | 'prioritized' | 'paused' | 'failed';

/** BullMQ job-count type → `state` label. */
const BULL_TYPES = { wait: 'waiting', active: 'active', delayed: 'delayed', prioritized: 'prioritized', paused: 'paused', failed: 'failed' } as const satisfies Record<string, QueueState>;
type BullType = keyof typeof BULL_TYPES;
const TYPES = Object.keys(BULL_TYPES) as BullType[];

/** Pure: one partition's depth per state, summed over its queues (main and ordered). */
export function depthByState(perQueue: ReadonlyArray<Readonly<Record<string, number>>>): Record<QueueState, number> {
  const depth: Record<QueueState, number> = { waiting: 0, active: 0, delayed: 0, prioritized: 0, paused: 0, failed: 0 };
  for (const counts of perQueue) {
    for (const type of TYPES) depth[BULL_TYPES[type]] += counts[type] ?? 0;
  }
  return depth;
}

/**
 * Reads BullMQ job counts of partitions' queues (main + ordered) on the shared command client, at
 * scrape time only. Its own Queue handles (no workers), closed with the module.
 */
@Injectable()
export class QueueDepthReader implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue<DeliveryJobData>>();

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: Redis,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
  ) {}

  async depth(partitions: readonly number[]): Promise<Map<number, Record<QueueState, number>>> {
    const rows = await Promise.all(
      partitions.map(async (partition) => {
        const queues = [false, true].map((ordered) => this.queue(partitionQueueName(this.node.clusterId, partition, ordered)));
        return [partition, depthByState(await Promise.all(queues.map((queue) => queue.getJobCounts(...TYPES))))] as const;
      }),
    );
    return new Map(rows);
  }

  private queue(name: string): Queue<DeliveryJobData> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<DeliveryJobData>(name, { connection: this.redis, prefix: this.env.bullPrefix });
      queue.on('error', () => undefined); // connection errors are logged once by the shared client
      this.queues.set(name, queue);
    }
    return queue;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
