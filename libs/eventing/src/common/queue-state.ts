import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { type PartitionDepth } from '@spaceport/eventing-core';
import { type Queue } from 'bullmq';
import { PartitionQueues } from './partition-queues';
import { defineScript, type RedisScript } from './redis';
import { EVENTING_QUEUE_REDIS } from './tokens';

export type QueueState = keyof PartitionDepth;

/** The BullMQ keys the script reads, in its KEYS order; the counts come back in this order. */
const STATE_KEYS = ['wait', 'paused', 'active', 'delayed', 'prioritized', 'failed'] as const;
/** BullMQ key → `state` label. */
const STATE_OF = {
  wait: 'waiting',
  paused: 'paused',
  active: 'active',
  delayed: 'delayed',
  prioritized: 'prioritized',
  failed: 'failed',
} as const satisfies Record<(typeof STATE_KEYS)[number], QueueState>;

/**
 * KEYS: a queue's wait, paused, active, delayed, prioritized, failed. ARGV[1]: its job key prefix,
 * ARGV[2]: now (ms). Returns the six counts, then when the oldest due waiting job started waiting
 * (ms, -1: none). BullMQ pushes new jobs on the left of `wait` (FIFO) and takes them from the right
 * (RPOPLPUSH in moveToActive), so the right end (LINDEX -1) is the oldest; `paused` is `wait` renamed
 * by a pause; `prioritized` is taken lowest score first. A job there has waited since it was added or
 * last started (a retried or stalled job goes back with its `processedOn`). A delayed job comes due
 * at score / 0x1000 (getDelayedScore) but is moved to `wait` only by a consumer's fetch, so a due one
 * waits in `delayed`, since its due time: the lowest score at most (now + 1) * 0x1000 - 1 is the oldest.
 * Reads at most four elements whatever the queue length.
 */
const QUEUE_STATE_LUA = `
local function waitingSince(id)
  if not id then return -1 end
  local fields = redis.call('hmget', ARGV[1] .. id, 'timestamp', 'processedOn')
  local since = math.max(tonumber(fields[1]) or 0, tonumber(fields[2]) or 0)
  if since == 0 then return -1 end
  return since
end
local oldest = -1
local function consider(since)
  if since >= 0 and (oldest < 0 or since < oldest) then oldest = since end
end
consider(waitingSince(redis.call('lindex', KEYS[1], -1)))
consider(waitingSince(redis.call('lindex', KEYS[2], -1)))
consider(waitingSince(redis.call('zrange', KEYS[5], 0, 0)[1]))
local due = redis.call('zrangebyscore', KEYS[4], 0, (tonumber(ARGV[2]) + 1) * 0x1000 - 1, 'WITHSCORES', 'LIMIT', 0, 1)
if due[2] then consider(math.floor(tonumber(due[2]) / 0x1000)) end
return {
  redis.call('llen', KEYS[1]), redis.call('llen', KEYS[2]), redis.call('llen', KEYS[3]),
  redis.call('zcard', KEYS[4]), redis.call('zcard', KEYS[5]), redis.call('zcard', KEYS[6]), oldest
}`;

/** One partition's queues (main + ordered) now. */
export interface PartitionQueueState {
  readonly depth: PartitionDepth;
  /** jobs not yet being delivered: waiting, delayed, prioritized, paused */
  readonly backlog: number;
  /** age of the oldest due waiting job; null when none is due */
  readonly oldestWaitingMs: number | null;
}

/** Pure: one partition's state from its queues' script replies (six counts, then waiting-since or -1). */
export function partitionQueueState(replies: ReadonlyArray<readonly number[]>, now: number): PartitionQueueState {
  const depth: Record<QueueState, number> = { waiting: 0, active: 0, delayed: 0, prioritized: 0, paused: 0, failed: 0 };
  let since: number | undefined;
  for (const reply of replies) {
    STATE_KEYS.forEach((key, index) => (depth[STATE_OF[key]] += Number(reply[index] ?? 0)));
    const queueSince = Number(reply[STATE_KEYS.length] ?? -1);
    if (queueSince >= 0 && (since === undefined || queueSince < since)) since = queueSince;
  }
  return {
    depth,
    backlog: depth.waiting + depth.delayed + depth.prioritized + depth.paused,
    oldestWaitingMs: since === undefined ? null : Math.max(0, now - since),
  };
}

/**
 * Reads partitions' queues (main + ordered) at scrape / status time only, one script per queue: the
 * depth per state and the age of the oldest due waiting job (`/metrics`, `GET /v1/cluster`, readiness).
 * Runs on the queue client, like BullMQ's own job counts.
 */
@Injectable()
export class QueueStateReader {
  private readonly script: RedisScript;

  constructor(
    private readonly queues: PartitionQueues,
    @Inject(EVENTING_QUEUE_REDIS) redis: RedisClient,
  ) {
    this.script = defineScript(redis, 'spPartitionQueueState', STATE_KEYS.length, QUEUE_STATE_LUA);
  }

  async read(partitions: readonly number[], now = Date.now()): Promise<Map<number, PartitionQueueState>> {
    const rows = await Promise.all(
      partitions.map(async (partition) => {
        const queues = [false, true].map((ordered) => this.queues.of(partition, ordered));
        const replies = await Promise.all(queues.map((queue) => this.readQueue(queue, now)));
        return [partition, partitionQueueState(replies, now)] as const;
      }),
    );
    return new Map(rows);
  }

  private async readQueue(queue: Queue, now: number): Promise<number[]> {
    const keys = STATE_KEYS.map((key) => queue.keys[key]);
    return (await this.script(...keys, queue.toKey(''), now)) as unknown as number[];
  }
}
