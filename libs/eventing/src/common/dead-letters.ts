import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { type Logger } from 'pino';
import { type DeliveryJobData } from './delivery-job';
import { EventingMetrics } from './eventing-metrics';
import { type EventingKeys, triggerRef } from './keys';
import { defineScript, type RedisScript } from './redis';
import { type EventingEnv } from './settings';
import { EVENTING_ENV, EVENTING_KEYS, EVENTING_REDIS } from './tokens';

export interface DeadLetter {
  /** stream entry id (`<ms>-<seq>`) */
  readonly id: string;
  readonly job: DeliveryJobData;
  readonly reason: string;
  readonly statusCode: number | null;
  readonly at: string;
}

/** Reasons of deliveries held while their trigger is disabled by the data plane start with this. */
export const HELD_REASON_PREFIX = 'held: ';
const HELD_REASON_HEAD = `${HELD_REASON_PREFIX}trigger disabled by the data plane (`;

/** The reason of a held delivery, e.g. `held: trigger disabled by the data plane (gone)`. */
export function heldReason(disabledBecause: string): string {
  return `${HELD_REASON_HEAD}${disabledBecause})`;
}

/** The trim after each add: to about the cap (whole stream nodes, as `MAXLEN ~` does); how many it dropped. */
const TRIM_TO_CAP_LUA = `
local cap = tonumber(ARGV[1])
if cap > 0 then return redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', cap) end
return 0`;

/**
 * KEYS: the DLQ stream. ARGV: the cap (0 = none), then the entry's field/value pairs. Adds the entry and
 * trims the stream to the cap; returns how many entries the trim dropped, so that no drop goes uncounted.
 */
const ADD_DEAD_LETTER_LUA = `
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
${TRIM_TO_CAP_LUA}`;

/**
 * KEYS: the DLQ stream, the disabled-triggers set, the disabled-reasons hash. ARGV: the cap, the trigger
 * ref, the reason's head (HELD_REASON_HEAD; the disable's own reason and `)` are appended), then the
 * entry's other field/value pairs. Parks the delivery (as ADD_DEAD_LETTER_LUA) only while the trigger is
 * in the disabled set, checked in the same script, so a park never lands after the enable's SREM (the
 * enable's release would miss it); -1: not disabled (any more), nothing written.
 */
const HOLD_IF_DISABLED_LUA = `
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then return -1 end
local because = 'unknown'
local stored = redis.call('HGET', KEYS[3], ARGV[2])
if stored then
  local ok, decoded = pcall(cjson.decode, stored)
  if ok and type(decoded) == 'table' and type(decoded.reason) == 'string' then because = decoded.reason end
end
redis.call('XADD', KEYS[1], '*', 'reason', ARGV[3] .. because .. ')', unpack(ARGV, 4))
${TRIM_TO_CAP_LUA}`;

/** One stream entry (XRANGE's `[id, [field, value, …]]`) as a dead letter. */
export function deadLetterOf(id: string, fields: readonly string[]): DeadLetter {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const status = map.get('status');
  return {
    id,
    job: JSON.parse(map.get('job') ?? '{}') as DeliveryJobData,
    reason: map.get('reason') ?? '',
    statusCode: status ? Number(status) : null,
    at: map.get('at') ?? '',
  };
}

/**
 * The dead-letter queue: a Redis stream per project, capped at `EVENTING_DLQ_MAX_ENTRIES` (about; 0 =
 * no cap). Entries the cap drops are counted (`spaceport_dead_letters_dropped_total`) and logged. It
 * holds final failures, deliveries whose trigger or project is gone or disabled in config, and the
 * deliveries held while their trigger is disabled by the data plane (`held: …`, released by the enable).
 */
@Injectable()
export class DeadLetters {
  private readonly addScript: RedisScript;
  private readonly holdScript: RedisScript;

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly metrics: EventingMetrics,
  ) {
    this.addScript = defineScript(redis, 'spaceportAddDeadLetterV1', 1, ADD_DEAD_LETTER_LUA);
    this.holdScript = defineScript(redis, 'spaceportHoldDeliveryV1', 3, HOLD_IF_DISABLED_LUA);
  }

  async add(job: DeliveryJobData, reason: string, statusCode: number | null): Promise<void> {
    const cap = this.env.dlqMaxEntries;
    const dropped = await this.addScript(
      this.keys.dlq(job.project),
      cap,
      'reason',
      reason,
      ...this.fields(job, statusCode),
    );
    this.countDropped(job.project, dropped);
  }

  /**
   * Parks `job` as held (reason `held: trigger disabled by the data plane (<why>)`) if, and only if, its
   * trigger is in the data plane's disabled set at that moment (one script). False: it is not (any more),
   * nothing was written, and the caller delivers it.
   */
  async holdIfTriggerDisabled(job: DeliveryJobData): Promise<boolean> {
    const dropped = await this.holdScript(
      this.keys.dlq(job.project),
      this.keys.disabledTriggers,
      this.keys.disabledReasons,
      this.env.dlqMaxEntries,
      triggerRef(job.project, job.triggerId),
      HELD_REASON_HEAD,
      ...this.fields(job, null),
    );
    if (dropped < 0) return false;
    this.countDropped(job.project, dropped);
    return true;
  }

  /** Entries from `start` to `end` (stream ids or `-`/`+`; `(id` excludes it), oldest first, at most `limit`. */
  async range(project: string, start: string, end: string, limit: number): Promise<DeadLetter[]> {
    const entries = await this.redis.xrange(this.keys.dlq(project), start, end, 'COUNT', limit);
    return entries.map(([id, fields]) => deadLetterOf(id, fields));
  }

  /** Entries since `sinceMs` (inclusive), oldest first, at most `limit`. */
  list(project: string, sinceMs = 0, limit = 1_000): Promise<DeadLetter[]> {
    return this.range(project, String(sinceMs), '+', limit);
  }

  /** The id of the newest entry, or null when the project's DLQ is empty. */
  async lastId(project: string): Promise<string | null> {
    const [newest] = await this.redis.xrevrange(this.keys.dlq(project), '+', '-', 'COUNT', 1);
    return newest?.[0] ?? null;
  }

  async remove(project: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xdel(this.keys.dlq(project), ...ids);
  }

  /** The entry's fields after its reason. */
  private fields(job: DeliveryJobData, statusCode: number | null): string[] {
    const status = statusCode === null ? '' : String(statusCode);
    return ['job', JSON.stringify(job), 'status', status, 'at', new Date().toISOString()];
  }

  private countDropped(project: string, dropped: number): void {
    if (dropped <= 0) return;
    this.metrics.deadLettersDropped(project, dropped);
    this.logger.warn(
      { project, dropped, cap: this.env.dlqMaxEntries },
      'DLQ reached EVENTING_DLQ_MAX_ENTRIES: its oldest entries were dropped',
    );
  }
}
