import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { type PartitionConsumer } from '@spaceport/eventing-core';
import * as z from 'zod';
import { type EventingKeys } from './keys';
import { defineScript, type RedisScript } from './redis';
import { EVENTING_KEYS, EVENTING_REDIS } from './tokens';

/** A worker renews the records of the partitions it consumes this often. */
export const CONSUMER_HEARTBEAT_MS = 1_000;
/** A record not renewed for this long expires: its worker counts as not consuming (dead, paused, cut off). */
export const CONSUMER_RECORD_TTL_MS = 5_000;

/** One partition a worker consumes, as its heartbeat publishes it. */
export interface ConsumedPartition {
  readonly partition: number;
  readonly epoch: number;
  readonly idleMs: number;
}

/**
 * KEYS: consumer records. ARGV[1]: TTL (ms), ARGV[2]: worker, then per key its epoch and record JSON.
 * Writes each record unless a record of another worker holds a higher epoch (a newer owner took the
 * partition: this worker is about to be fenced). Returns how many it wrote.
 */
const PUBLISH_LUA = `
local written = 0
for i, key in ipairs(KEYS) do
  local epoch = tonumber(ARGV[1 + 2 * i])
  local current = redis.call('get', key)
  local newer = false
  if current then
    local ok, record = pcall(cjson.decode, current)
    newer = ok and type(record) == 'table' and record.worker ~= ARGV[2] and (tonumber(record.epoch) or 0) > epoch
  end
  if not newer then
    redis.call('set', key, ARGV[2 + 2 * i], 'PX', ARGV[1])
    written = written + 1
  end
end
return written`;

/** KEYS[1]: a consumer record. ARGV: worker, epoch. Deletes it only while it is that worker's at that epoch. */
const WITHDRAW_LUA = `
local current = redis.call('get', KEYS[1])
if not current then return 0 end
local ok, record = pcall(cjson.decode, current)
if ok and type(record) == 'table' and record.worker == ARGV[1] and tonumber(record.epoch) == tonumber(ARGV[2]) then
  return redis.call('del', KEYS[1])
end
return 0`;

const recordSchema = z.object({
  worker: z.string().min(1),
  epoch: z.number().int().nonnegative(),
  updatedAt: z.string(),
  idleMs: z.number().nonnegative(),
});

/** Pure: a stored consumer record, or null when absent or not one. */
export function parseConsumerRecord(stored: string | null): PartitionConsumer | null {
  if (stored === null) return null;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Which worker consumes each partition, kept in Redis (`sp:{c}:ev:consumer:<partition>`, PX
 * CONSUMER_RECORD_TTL_MS) so that any process can compare it with the assignment: each worker's
 * heartbeat renews the records of the partitions it runs, and withdraws one when it stops the partition.
 */
@Injectable()
export class ConsumerRecords {
  private readonly publishScript: RedisScript;
  private readonly withdrawScript: RedisScript;

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {
    this.publishScript = defineScript(redis, 'spPublishConsumers', undefined, PUBLISH_LUA);
    this.withdrawScript = defineScript(redis, 'spWithdrawConsumer', 1, WITHDRAW_LUA);
  }

  /** Renews `worker`'s records of `partitions` (one script call); resolves to how many it wrote. */
  async publish(worker: string, partitions: readonly ConsumedPartition[], now = new Date()): Promise<number> {
    if (partitions.length === 0) return 0;
    const updatedAt = now.toISOString();
    const keys = partitions.map((entry) => this.keys.partitionConsumer(entry.partition));
    const args = partitions.flatMap(({ epoch, idleMs }) => [
      epoch,
      JSON.stringify({ worker, epoch, updatedAt, idleMs: Math.max(0, Math.round(idleMs)) }),
    ]);
    // a variable number of keys: their count goes first, as EVAL takes it
    return this.publishScript(keys.length, ...keys, CONSUMER_RECORD_TTL_MS, worker, ...args);
  }

  /** Deletes the record of `partition` if it is still `worker`'s at `epoch` (a newer owner's stays). */
  async withdraw(worker: string, partition: number, epoch: number): Promise<void> {
    await this.withdrawScript(this.keys.partitionConsumer(partition), worker, epoch);
  }

  /** The live records of `partitions` (one MGET); absent ones are missing from the map. */
  async read(partitions: readonly number[]): Promise<Map<number, PartitionConsumer>> {
    if (partitions.length === 0) return new Map();
    const stored = await this.redis.mget(...partitions.map((partition) => this.keys.partitionConsumer(partition)));
    const consumers = new Map<number, PartitionConsumer>();
    partitions.forEach((partition, index) => {
      const consumer = parseConsumerRecord(stored[index] ?? null);
      if (consumer) consumers.set(partition, consumer);
    });
    return consumers;
  }
}
