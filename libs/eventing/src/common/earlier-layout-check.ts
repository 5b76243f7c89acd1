import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type RedisClient } from '@spaceport/redis-core';
import { ConfigError, type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { partitionQueueName } from './keys';
import { PartitionHighWater } from './partition-high-water';
import { type EventingEnv } from './settings';
import { EVENTING_ENV, EVENTING_REDIS } from './tokens';

/** Partitions checked at least, whatever the stored high water says (the default count is 32). */
export const EARLIER_LAYOUT_MIN_PARTITIONS = 128;

/** BullMQ's keys that hold a queue's undelivered jobs, and how to count each. */
const PENDING_JOB_KEYS = [
  ['wait', 'LLEN'],
  ['paused', 'LLEN'],
  ['active', 'LLEN'],
  ['delayed', 'ZCARD'],
  ['prioritized', 'ZCARD'],
  ['waiting-children', 'ZCARD'],
] as const;

/**
 * Pure: the keys of undelivered jobs in the partition queues of the single-slot layout that came before
 * the per-partition hash tags (docs/architecture.md#redis-key-layout): queue `sp-<c>-p<n>[-ordered]`
 * under the plain BullMQ prefix, `<prefix>:sp-<c>-p<n>:wait`, …, with the command that counts each.
 */
export function earlierLayoutJobKeys(
  bullPrefix: string,
  clusterId: string,
  partitions: number,
): { key: string; count: 'LLEN' | 'ZCARD' }[] {
  const keys: { key: string; count: 'LLEN' | 'ZCARD' }[] = [];
  for (let partition = 0; partition < partitions; partition += 1)
    for (const ordered of [false, true])
      for (const [suffix, count] of PENDING_JOB_KEYS)
        keys.push({ key: `${bullPrefix}:${partitionQueueName(clusterId, partition, ordered)}:${suffix}`, count });
  return keys;
}

/**
 * Refuses start-up (exit 2) while Redis still holds undelivered jobs of the earlier single-slot layout:
 * the new code never reads them, so starting would strand them silently. The upgrade is drain then
 * switch: let the earlier version deliver them, then start this one. A Redis Cluster never held that
 * layout (the earlier version refused Cluster), so it is not checked there; nor when Redis does not
 * answer at start (readiness reports it). Run by the eventing clients' lifecycle once they connected.
 */
@Injectable()
export class EarlierLayoutCheck {
  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    private readonly highWater: PartitionHighWater,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Throws ConfigError when the earlier layout's queues hold undelivered jobs. */
  async verify(): Promise<void> {
    if (this.env.redis.kind === 'cluster') return;
    let pending: { key: string; jobs: number }[];
    try {
      pending = await this.pendingJobs();
    } catch (error) {
      this.logger.warn({ err: error }, 'eventing: could not check Redis for jobs of the earlier key layout');
      return;
    }
    if (pending.length === 0) return;
    const jobs = pending.reduce((sum, { jobs: n }) => sum + n, 0);
    const queues = [...new Set(pending.map(({ key }) => key.slice(0, key.lastIndexOf(':'))))];
    throw new ConfigError(
      'EVENTING_BULL_PREFIX',
      `Redis holds ${jobs} undelivered job(s) in ${queues.length} queue(s) of the earlier key layout ` +
        `(${queues.slice(0, 3).join(', ')}${queues.length > 3 ? ', …' : ''}): this version does not read ` +
        'them. Let the earlier version deliver them first, then start this one (docs/architecture.md, ' +
        '"Upgrading from the single-slot layout")',
    );
  }

  private async pendingJobs(): Promise<{ key: string; jobs: number }[]> {
    const partitions = Math.max(EARLIER_LAYOUT_MIN_PARTITIONS, await this.highWater.read());
    const keys = earlierLayoutJobKeys(this.env.bullPrefix, this.node.clusterId, partitions);
    const pipeline = this.redis.pipeline();
    for (const { key, count } of keys) pipeline.call(count, key);
    const replies = (await pipeline.exec()) ?? [];
    return keys
      .map(({ key }, index) => {
        const [error, reply] = replies[index] ?? [null, 0];
        if (error) throw error;
        return { key, jobs: Number(reply) };
      })
      .filter(({ jobs }) => jobs > 0);
  }
}
