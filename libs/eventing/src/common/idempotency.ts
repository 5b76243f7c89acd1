import { type RedisClient } from '@spaceport/redis-core';
import { Inject, Injectable } from '@nestjs/common';
import { type EventingKeys } from './keys';
import { EVENTING_KEYS, EVENTING_REDIS } from './tokens';

/** What an Idempotency-Key remembers: the body hash, the ids given out and whether enqueueing finished. */
export interface IdempotencyRecord {
  readonly hash: string;
  readonly eventIds: string[];
  readonly acceptedAt: number;
  readonly state: 'pending' | 'done';
  /** the 202 body, once done */
  readonly response?: unknown;
}

export type IdempotencyBegin =
  | { readonly kind: 'fresh'; readonly record: IdempotencyRecord }
  | { readonly kind: 'replay'; readonly record: IdempotencyRecord }
  | { readonly kind: 'conflict' };

/**
 * `Idempotency-Key` store: SET NX PX of {hash, ids, state}. A key seen with the same body hash
 * replays (same ids); with another body it conflicts (422). A `pending` record (the first request
 * failed half-way) is re-enqueued with the same ids: job ids are delivery ids, so that is idempotent.
 */
@Injectable()
export class IdempotencyStore {
  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_KEYS) private readonly keys: EventingKeys,
  ) {}

  async begin(project: string, key: string, candidate: IdempotencyRecord, ttlMs: number): Promise<IdempotencyBegin> {
    const redisKey = this.keys.idempotency(project, key);
    const set = await this.redis.set(redisKey, JSON.stringify(candidate), 'PX', ttlMs, 'NX');
    if (set === 'OK') return { kind: 'fresh', record: candidate };
    const existing = await this.redis.get(redisKey);
    if (existing === null) return this.begin(project, key, candidate, ttlMs);
    const record = JSON.parse(existing) as IdempotencyRecord;
    return record.hash === candidate.hash ? { kind: 'replay', record } : { kind: 'conflict' };
  }

  async complete(project: string, key: string, record: IdempotencyRecord): Promise<void> {
    await this.redis.set(this.keys.idempotency(project, key), JSON.stringify(record), 'KEEPTTL', 'XX');
  }
}
