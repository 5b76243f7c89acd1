import { Injectable } from '@nestjs/common';
import { PartitionQueues } from './partition-queues';

export type QueueState = 'waiting' | 'active' | 'delayed' | 'prioritized' | 'paused' | 'failed';

/** BullMQ job-count type → `state` label. */
const BULL_TYPES = {
  wait: 'waiting',
  active: 'active',
  delayed: 'delayed',
  prioritized: 'prioritized',
  paused: 'paused',
  failed: 'failed',
} as const satisfies Record<string, QueueState>;
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

/** States that count as backlog (not yet being delivered): active and failed jobs are not. */
const BACKLOG_STATES: readonly QueueState[] = ['waiting', 'delayed', 'prioritized', 'paused'];

/**
 * Reads BullMQ job counts of partitions' queues (main + ordered) at scrape / status time only: the
 * depth per state (`/metrics` on workers) and the backlog per partition (`GET /v1/cluster`).
 */
@Injectable()
export class QueueDepthReader {
  constructor(private readonly queues: PartitionQueues) {}

  async depth(partitions: readonly number[]): Promise<Map<number, Record<QueueState, number>>> {
    const rows = await Promise.all(
      partitions.map(async (partition) => {
        const queues = [false, true].map((ordered) => this.queues.of(partition, ordered));
        return [
          partition,
          depthByState(await Promise.all(queues.map((queue) => queue.getJobCounts(...TYPES)))),
        ] as const;
      }),
    );
    return new Map(rows);
  }

  /** Jobs waiting per partition 0..partitionCount-1 (waiting, delayed, prioritized, paused). */
  async backlog(partitionCount: number): Promise<Map<number, number>> {
    const depths = await this.depth(Array.from({ length: partitionCount }, (_, partition) => partition));
    return new Map(
      [...depths].map(([partition, depth]) => [
        partition,
        BACKLOG_STATES.reduce((sum, state) => sum + depth[state], 0),
      ]),
    );
  }
}
