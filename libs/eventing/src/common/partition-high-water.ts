import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { type EventingKeys } from './keys';
import { defineScript, type RedisScript } from './redis';
import { EVENTING_KEYS, EVENTING_REDIS } from './tokens';

/** KEYS: the high-water key. ARGV: a partition count. Raises the stored count to it; returns the result. */
const RAISE_LUA = `
local current = tonumber(redis.call('get', KEYS[1]) or '0')
local count = tonumber(ARGV[1])
if count > current then
  redis.call('set', KEYS[1], ARGV[1])
  return count
end
return current`;

/**
 * The largest partition count any publisher of the cluster has used, so that consumers keep consuming
 * partitions a lowered `partitionCount` no longer publishes to: the jobs still queued there (delayed
 * retries included) would otherwise never be consumed. Publishers raise it before their first job with a
 * larger count; the standalone starter and the cluster leader consume max(partitionCount, high water).
 * It never goes down by itself: to really drop partitions, drain them and delete the key
 * (docs/operations.md). A Redis that lost the key (restarted without its data, a failover to an empty
 * replica) gets it back within `REASSERT_MS` of the next publish: a publisher re-asserts the count it
 * publishes with now that often. Now, not the largest it ever used: a deleted key then stays at the
 * current count, so dropping drained partitions needs no restart of the publishers.
 */
@Injectable()
export class PartitionHighWater {
  /** How often a publisher writes its count again, in case Redis lost the key. */
  static readonly REASSERT_MS = 1_000;
  private readonly raiseScript: RedisScript;
  /** the count this process publishes with, made sure of in Redis at `assertedAt` (no Redis call per publish) */
  private asserted = 0;
  private assertedAt = 0;

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {
    this.raiseScript = defineScript(redis, 'spRaisePartitionHighWater', 1, RAISE_LUA);
  }

  /**
   * Makes sure the high water is at least `partitionCount`; undefined when this process did so within
   * the last REASSERT_MS (no Redis call per publish).
   */
  raise(partitionCount: number, now = Date.now()): Promise<void> | undefined {
    if (partitionCount <= this.asserted && now - this.assertedAt < PartitionHighWater.REASSERT_MS) return undefined;
    return this.raiseScript(this.keys.partitionHighWater, partitionCount).then(() => {
      this.asserted = partitionCount;
      this.assertedAt = now;
    });
  }

  /**
   * The stored high water (0 when Redis has none: before any publish, or lost until the next re-assert).
   * Every reader takes the max with its configured count (partitionsToConsume, the event log's shards).
   */
  async read(): Promise<number> {
    const stored = await this.redis.get(this.keys.partitionHighWater);
    const count = stored === null ? 0 : Number(stored);
    return Number.isSafeInteger(count) && count > 0 ? count : 0;
  }

  /** The partitions to consume for a configured count: both the configured ones and any still fed before. */
  async partitionsToConsume(partitionCount: number): Promise<number> {
    return Math.max(partitionCount, await this.read());
  }
}
