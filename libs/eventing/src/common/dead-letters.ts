import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { type Redis } from 'ioredis';
import { type Logger } from 'pino';
import { type DeliveryJobData } from './delivery-job';
import { EventingMetrics } from './eventing-metrics';
import { type EventingKeys } from './keys';
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

/**
 * KEYS: the DLQ stream. ARGV: the cap (0 = none), then the entry's field/value pairs. Adds the entry and
 * trims the stream to about the cap (whole stream nodes, as `MAXLEN ~` does); returns how many entries
 * the trim dropped, so that no drop goes uncounted.
 */
const ADD_DEAD_LETTER_LUA = `
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
local cap = tonumber(ARGV[1])
if cap > 0 then return redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', cap) end
return 0`;

/**
 * The dead-letter queue: a Redis stream per project, capped at `EVENTING_DLQ_MAX_ENTRIES` (about; 0 =
 * no cap). Entries the cap drops are counted (`spaceport_dead_letters_dropped_total`) and logged.
 */
@Injectable()
export class DeadLetters {
  private readonly addScript: RedisScript;

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: Redis,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly metrics: EventingMetrics,
  ) {
    this.addScript = defineScript(redis, 'spaceportAddDeadLetterV1', 1, ADD_DEAD_LETTER_LUA);
  }

  async add(job: DeliveryJobData, reason: string, statusCode: number | null): Promise<void> {
    const cap = this.env.dlqMaxEntries;
    const fields = [
      'job',
      JSON.stringify(job),
      'reason',
      reason,
      'status',
      statusCode === null ? '' : String(statusCode),
    ];
    const dropped = Number(
      await this.addScript(this.keys.dlq(job.project), String(cap), ...fields, 'at', new Date().toISOString()),
    );
    if (dropped > 0) {
      this.metrics.deadLettersDropped(job.project, dropped);
      this.logger.warn(
        { project: job.project, dropped, cap },
        'DLQ reached EVENTING_DLQ_MAX_ENTRIES: its oldest entries were dropped',
      );
    }
  }

  /** Entries since `sinceMs` (inclusive), oldest first, at most `limit`. */
  async list(project: string, sinceMs = 0, limit = 1_000): Promise<DeadLetter[]> {
    const entries = await this.redis.xrange(this.keys.dlq(project), String(sinceMs), '+', 'COUNT', limit);
    return entries.map(([id, fields]) => {
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
    });
  }

  async remove(project: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xdel(this.keys.dlq(project), ...ids);
  }
}
