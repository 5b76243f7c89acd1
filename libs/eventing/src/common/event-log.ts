import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { type EventingSettings } from '@spaceport/config-model';
import { defineLedgerFollowUp, type FollowUpCall, type LedgerFollowUp } from '@spaceport/delivery-ledger';
import { eventIdAt } from '@spaceport/eventing-core';
import { type DeliveryStatus } from './delivery-job';
import {
  type EventFilter,
  type EventView,
  eventViewOf,
  type Invocation,
  matchesEventFilter,
  statusField,
} from './event-record';
import { type EventingKeys } from './keys';
import { ConfigAccess } from './config-access';
import { mergeShardPages, shardBatchSize, shardMaxCount, type ShardedId } from './event-index-shards';
import { PartitionHighWater } from './partition-high-water';
import { defineScript, type RedisScript } from './redis';
import { EVENTING_KEYS, EVENTING_QUEUE_REDIS, EVENTING_REDIS } from './tokens';

type Retention = EventingSettings['retention'];

/** Sets a delivery status if the event is still logged; a final status is only left by `force`. */
const SET_STATUS_LUA = `
if redis.call('exists', KEYS[1]) == 0 then return 0 end
local current = redis.call('hget', KEYS[1], ARGV[1])
local final = current == 'processed' or current == 'failed' or current == 'cancelled'
if ARGV[3] ~= '1' and final then return 0 end
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/**
 * KEYS: event hash, invocation list. ARGV: status field, status, maxAgeMs, invocation JSON.
 * Appends the attempt (kept: the last 1000, for maxAgeMs) and sets the delivery status unless it is
 * final already (SET_STATUS_LUA without force); nothing for an event no longer logged (pruned or
 * expired), so no invocation list outlives its event. Runs as the follow-up of the ledger's recordSent
 * or releaseClaim, in the same script (attemptLog). Four calls in the common case: the trim only once the
 * list is over 1000, the existence check only when the delivery's status field is missing (a logged
 * event has one per trigger from the start).
 */
const RECORD_ATTEMPT_LUA = `
local current = redis.call('hget', KEYS[1], ARGV[1])
if not current and redis.call('exists', KEYS[1]) == 0 then return 0 end
if redis.call('rpush', KEYS[2], ARGV[4]) > 1000 then redis.call('ltrim', KEYS[2], -1000, -1) end
redis.call('pexpire', KEYS[2], ARGV[3])
if current == 'processed' or current == 'failed' or current == 'cancelled' then return 0 end
redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/** Index entries (with their events) one write prunes at most: a lowered maxCount takes several writes. */
export const MAX_PRUNED_PER_WRITE = 100;

/**
 * KEYS: event hash, index zset. ARGV: maxAgeMs, eventId, oldest id kept (exclusive bound), maxCount,
 * event key prefix, invocation key prefix (each + event id), then field/value pairs (one HSET). Adds the
 * event to the index, which expires with its newest event; prunes the oldest entries past maxCount or
 * older than maxAgeMs (ULID order = index order), at most MAX_PRUNED_PER_WRITE, deleting their event
 * hashes and invocation lists, so the count bounds memory and not only the index; then writes the event
 * (after the prune: a replay re-adding an old id keeps its hash). One script: one command, no MULTI. The
 * event keys it deletes are named from the prefixes, not passed as KEYS: they share the hash tag.
 */
const RECORD_ACCEPTED_LUA = `
redis.call('zadd', KEYS[2], 0, ARGV[2])
redis.call('pexpire', KEYS[2], ARGV[1])
local excess = redis.call('zcard', KEYS[2]) - tonumber(ARGV[4])
local expired = redis.call('zlexcount', KEYS[2], '-', '(' .. ARGV[3])
local prune = math.min(${MAX_PRUNED_PER_WRITE}, math.max(excess, expired))
if prune > 0 then
  local doomed = {}
  for i, id in ipairs(redis.call('zrange', KEYS[2], 0, prune - 1)) do
    doomed[2 * i - 1] = ARGV[5] .. id
    doomed[2 * i] = ARGV[6] .. id
  end
  redis.call('del', unpack(doomed))
  redis.call('zremrangebyrank', KEYS[2], 0, prune - 1)
end
redis.call('hset', KEYS[1], unpack(ARGV, 7))
redis.call('pexpire', KEYS[1], ARGV[1])
return 1`;

const ZERO_ENTROPY = new Uint8Array(10);

export interface AcceptedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly payloadJson: string;
  readonly time: string;
  readonly acceptedAt: number;
  readonly partition: number;
  readonly partitionKey: string | undefined;
  readonly triggers: readonly string[];
}

export interface EventPage {
  readonly events: EventView[];
  /** pass as `cursor` for the next (older) page; null at the end */
  readonly nextCursor: string | null;
}

/**
 * Event log and invocation log in Redis (docs/eventing.md). Index per project: a sorted set of event
 * ids with score 0, so ULID lexical order = time order and paging/age trimming are range ops.
 */
@Injectable()
export class EventLog {
  private readonly setStatusScript: RedisScript;
  private readonly recordAcceptedScript: RedisScript;
  private readonly attemptScript: LedgerFollowUp;
  private oldest: { readonly at: number; readonly id: string } | undefined;

  /**
   * `queueRedis` carries recordAccepted: the publisher issues it in the same tick as the event's job
   * adds on that one connection, so the event is logged before its jobs exist (a worker recording an
   * attempt always finds it) at no extra round trip.
   */
  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_QUEUE_REDIS) queueRedis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
    private readonly highWater: PartitionHighWater,
    private readonly config: ConfigAccess,
  ) {
    this.setStatusScript = defineScript(redis, 'spSetDeliveryStatus', 1, SET_STATUS_LUA);
    this.recordAcceptedScript = defineScript(queueRedis, 'spRecordAcceptedEvent', 2, RECORD_ACCEPTED_LUA);
    this.attemptScript = defineLedgerFollowUp(redis, 'spRecordAttempt', RECORD_ATTEMPT_LUA);
  }

  /**
   * Prunes the shard of the project's log of the event's partition by age and count (events and their
   * invocations), then writes the event with every delivery staged, all in that partition's slot. Each
   * of the `partitionCount` shards keeps ceil(maxCount / partitionCount) events, so the project's log
   * keeps about maxCount when its events spread over the partitions (docs/architecture.md#redis-key-layout).
   */
  async recordAccepted(project: string, event: AcceptedEvent, retention: Retention, partitionCount = 1): Promise<void> {
    const { partition } = event;
    const args: (string | number)[] = [
      retention.maxAgeMs,
      event.eventId,
      this.oldestKept(retention.maxAgeMs),
      shardMaxCount(retention.maxCount, partitionCount),
      this.keys.event(project, partition, ''),
      this.keys.invocations(project, partition, ''),
      'type',
      event.type,
      'payload',
      event.payloadJson,
      'time',
      event.time,
      'acceptedAt',
      String(event.acceptedAt),
      'partition',
      String(event.partition),
      'partitionKey',
      event.partitionKey ?? '',
      'triggers',
      JSON.stringify(event.triggers),
    ];
    for (const trigger of event.triggers) args.push(statusField(trigger), 'staged');
    await this.recordAcceptedScript(
      this.keys.event(project, partition, event.eventId),
      this.keys.events(project, partition),
      ...args,
    );
  }

  /** The smallest event id an index keeps (exclusive bound of the age trim), recomputed once per millisecond. */
  private oldestKept(maxAgeMs: number): string {
    const at = Math.max(0, Date.now() - maxAgeMs);
    if (this.oldest?.at !== at) this.oldest = { at, id: eventIdAt(at, ZERO_ENTROPY) };
    return this.oldest.id;
  }

  /** Sets the status of one delivery of the event `eventId` of `partition` (the partition of its job). */
  async setStatus(
    project: string,
    partition: number,
    eventId: string,
    triggerId: string,
    status: DeliveryStatus,
    force = false,
  ): Promise<void> {
    const key = this.keys.event(project, partition, eventId);
    await this.setStatusScript(key, statusField(triggerId), status, force ? '1' : '0');
  }

  /**
   * The log write of one attempt, for the ledger to run right after its recordSent or releaseClaim in
   * the same script (`ledger.recordSent(…, log.attemptLog(…))`): appends the invocation and sets the
   * delivery's status unless it is final. So an attempt costs one command, and a delivery is never
   * shown processed without its sent record. For the ledger of the EVENTING_REDIS client.
   */
  attemptLog(
    project: string,
    partition: number,
    eventId: string,
    invocation: Invocation,
    status: DeliveryStatus,
    retention: Retention,
  ): FollowUpCall {
    return {
      script: this.attemptScript,
      keys: [this.keys.event(project, partition, eventId), this.keys.invocations(project, partition, eventId)],
      args: [statusField(invocation.trigger), status, retention.maxAgeMs, JSON.stringify(invocation)],
    };
  }

  /**
   * The event `eventId` with its invocations. Its partition is not in its id (a partition key decides
   * it), so this asks every shard at once — one HGETALL per partition of the high water, grouped per
   * node — and reads the invocations from the shard that has it.
   */
  async get(project: string, eventId: string): Promise<(EventView & { invocations: Invocation[] }) | undefined> {
    const partitions = await this.shardCount();
    const hashes = await Promise.all(
      Array.from({ length: partitions }, (_, partition) =>
        this.redis.hgetall(this.keys.event(project, partition, eventId)),
      ),
    );
    const partition = hashes.findIndex((hash) => eventViewOf(eventId, hash) !== undefined);
    if (partition < 0) return undefined;
    const view = eventViewOf(eventId, hashes[partition]!)!;
    const invocations = await this.redis.lrange(this.keys.invocations(project, partition, eventId), 0, -1);
    return { ...view, invocations: invocations.map((line) => JSON.parse(line) as Invocation) };
  }

  /**
   * Newest first, from before `cursor` (an event id, as before the index was sharded: the API's cursor
   * is unchanged); scans at most 20 × limit ids per page. The project's index is one shard per
   * partition: `mergeShardPages` reads each shard below the cursor and merges them in ULID order.
   */
  async list(
    project: string,
    filter: EventFilter & { since?: number; until?: number },
    limit: number,
    cursor?: string,
  ): Promise<EventPage> {
    const floor = filter.since === undefined ? '-' : `[${eventIdAt(filter.since, ZERO_ENTROPY)}`;
    const top =
      cursor !== undefined
        ? `(${cursor}`
        : filter.until === undefined
          ? '+'
          : `(${eventIdAt(filter.until + 1, ZERO_ENTROPY)}`;
    const shards = await this.shardCount();
    const batch = shardBatchSize(limit, shards);
    const readShard = (partition: number, upper: string): Promise<string[]> =>
      this.redis.zrevrangebylex(this.keys.events(project, partition), upper, floor, 'LIMIT', 0, batch);
    const readEvents = async (ids: readonly ShardedId[]): Promise<(EventView | undefined)[]> => {
      const hashes = await Promise.all(
        ids.map(({ id, partition }) => this.redis.hgetall(this.keys.event(project, partition, id))),
      );
      return ids.map(({ id }, position) => eventViewOf(id, hashes[position] ?? {}));
    };
    return mergeShardPages({
      shards,
      batch,
      top,
      limit,
      readShard,
      readEvents,
      keep: (view) => matchesEventFilter(view, filter),
    });
  }

  /**
   * How many index shards a project has: the partition high water (every count ever published with), and
   * at least the configured count (the high water may be lost with Redis's data until the next publish).
   */
  private async shardCount(): Promise<number> {
    const configured = this.config.current()?.eventing.value.partitionCount ?? 1;
    return Math.max(1, configured, await this.highWater.read());
  }
}

/** `multi().exec()` reports per-command errors in its result; surface the first. */
export function throwOnFailedReply(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error('Redis transaction aborted');
  const failed = results.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
}
