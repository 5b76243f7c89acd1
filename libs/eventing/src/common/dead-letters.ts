import { Inject, Injectable } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type DeliveryJobData } from './delivery-job';
import { type EventingKeys } from './keys';
import { EVENTING_KEYS, EVENTING_REDIS } from './tokens';

export interface DeadLetter {
  /** stream entry id (`<ms>-<seq>`) */
  readonly id: string;
  readonly job: DeliveryJobData;
  readonly reason: string;
  readonly statusCode: number | null;
  readonly at: string;
}

const MAX_LENGTH = 100_000;

/** The dead-letter queue: a Redis stream per project (`XADD … MAXLEN ~ 100000`). */
@Injectable()
export class DeadLetters {
  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: Redis,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {}

  async add(job: DeliveryJobData, reason: string, statusCode: number | null): Promise<void> {
    await this.redis.xadd(
      this.keys.dlq(job.project),
      'MAXLEN',
      '~',
      MAX_LENGTH,
      '*',
      'job',
      JSON.stringify(job),
      'reason',
      reason,
      'status',
      statusCode === null ? '' : String(statusCode),
      'at',
      new Date().toISOString(),
    );
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
